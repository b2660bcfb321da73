//! Walk stage: find the files under the indexed roots, and tell text from binary.

use std::path::{Path, PathBuf};

/// A file found under a root.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path to open (root joined with `rel`); raw bytes preserved.
    pub path: PathBuf,
    /// Path relative to its root: what parse sees (folders may name a venue).
    pub rel: PathBuf,
    /// Size in bytes at walk time.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: u128,
}

/// A path the walk could not use, and why.
#[derive(Debug, Clone)]
pub struct WalkSkip {
    /// The path concerned.
    pub path: PathBuf,
    /// Reason in a few words.
    pub reason: String,
}

fn is_hidden(e: &walkdir::DirEntry) -> bool {
    e.depth() > 0 && e.file_name().to_str().is_some_and(|s| s.starts_with('.'))
}

/// Lists the regular files under `root` (following links, skipping hidden entries), sorted by
/// path so that runs are deterministic. A file given directly as `root` is listed as itself.
pub fn walk(root: &Path) -> (Vec<SourceFile>, Vec<WalkSkip>) {
    let mut files = Vec::new();
    let mut skips = Vec::new();
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let it = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in it.filter_entry(|e| !is_hidden(e)) {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    err.io_error()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| err.to_string())
                };
                skips.push(WalkSkip { path, reason });
                continue;
            }
        };
        if !e.file_type().is_file() {
            continue;
        }
        if e.path_is_symlink() {
            // A link may point anywhere; index it only when its target lies inside the root.
            match e.path().canonicalize() {
                Ok(t) if t.starts_with(&canon_root) => {}
                Ok(t) => {
                    skips.push(WalkSkip {
                        path: e.path().to_path_buf(),
                        reason: format!("link points outside the folder (to {})", t.display()),
                    });
                    continue;
                }
                Err(err) => {
                    skips.push(WalkSkip {
                        path: e.path().to_path_buf(),
                        reason: format!("broken link: {err}"),
                    });
                    continue;
                }
            }
        }
        let meta = match e.metadata() {
            Ok(m) => m,
            Err(err) => {
                skips.push(WalkSkip {
                    path: e.path().to_path_buf(),
                    reason: err.to_string(),
                });
                continue;
            }
        };
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let rel = e
            .path()
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| e.file_name().into());
        files.push(SourceFile {
            path: e.path().to_path_buf(),
            rel,
            size: meta.len(),
            mtime_ns,
        });
    }
    (files, skips)
}

/// Why a file's first bytes say it is not text, or `None` when it may be text.
///
/// Decided by content (magic numbers, NUL bytes outside a UTF-16 pattern), not by extension.
pub fn sniff_binary(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "zip archive"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"\x7FELF", "executable (ELF)"),
        (b"MZ", "executable (Windows)"),
        (b"\x1F\x8B", "gzip archive"),
        (b"7z\xBC\xAF", "7z archive"),
        (b"Rar!", "rar archive"),
        (b"RIFF", "RIFF media file"),
        (b"\xD0\xCF\x11\xE0", "MS Office document"),
        (b"SQLite format 3", "SQLite database"),
    ];
    for (m, what) in MAGIC {
        if head.starts_with(m) {
            return Some(what);
        }
    }
    let head = &head[..head.len().min(8192)];
    let nuls = memchr::memchr_iter(0, head).count();
    if nuls == 0 {
        return None;
    }
    // UTF-16 text has NULs in one byte parity only; anything else with NULs is binary.
    let bom16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = nuls - even;
    let half = head.len() / 2 + 1;
    if bom16 || (even * 20 >= half && odd * 100 <= half) || (odd * 20 >= half && even * 100 <= half)
    {
        return None;
    }
    Some("binary data (NUL bytes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_and_nul_bytes_mark_binary() {
        assert_eq!(sniff_binary(b"%PDF-1.7\n..."), Some("PDF document"));
        assert_eq!(sniff_binary(b"PK\x03\x04rest"), Some("zip archive"));
        assert!(sniff_binary(b"abc\0def\0\0\x01\x02ghi").is_some());
        assert_eq!(sniff_binary("# 联邦学习\n".as_bytes()), None);
    }

    #[test]
    fn utf16_is_text() {
        let le: Vec<u8> = "# Title about 联邦学习 in CVPR\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(sniff_binary(&le), None);
    }
}
