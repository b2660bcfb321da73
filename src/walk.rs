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
    // By bytes: a name that is not UTF-8 (`.笔记` in GBK) is hidden all the same.
    e.depth() > 0 && e.file_name().as_encoded_bytes().starts_with(b".")
}

/// Why a link at `path` cannot be followed (missing target or a loop), in a few words.
fn broken_link_reason(path: &Path) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    let why = match std::fs::metadata(path) {
        Ok(_) => return None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "target does not exist".to_string(),
        Err(e) => e.to_string(),
    };
    Some(format!("broken link to {}: {why}", target.display()))
}

/// What kind of non-regular file `ft` is, for the skip message.
fn special_kind(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "named pipe";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "device";
        }
    }
    let _ = ft;
    "special file"
}

/// Lists the regular files under `root` (following links, skipping hidden entries), sorted by
/// path so that runs are deterministic. A file given directly as `root` is listed as itself.
///
/// Everything else is reported as a [`WalkSkip`] with its reason: folders that cannot be listed,
/// link loops, broken links, links (to files or folders) that lead outside `root`, and special
/// files (pipes, sockets, devices). Paths keep their raw bytes, so names that are not UTF-8 (GBK
/// names from Windows zip archives) can be reopened; only their display is lossy.
pub fn walk(root: &Path) -> (Vec<SourceFile>, Vec<WalkSkip>) {
    let mut files = Vec::new();
    let mut skips = Vec::new();
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut it = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e));
    while let Some(entry) = it.next() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else if let Some(r) = broken_link_reason(&path) {
                    r
                } else {
                    err.io_error()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| err.to_string())
                };
                skips.push(WalkSkip { path, reason });
                continue;
            }
        };
        if e.path_is_symlink() && e.depth() > 0 {
            // A link may point anywhere; follow it only when its target lies inside the root.
            match e.path().canonicalize() {
                Ok(t) if t.starts_with(&canon_root) => {}
                Ok(t) => {
                    let what = if e.file_type().is_dir() {
                        it.skip_current_dir();
                        "folder link"
                    } else {
                        "link"
                    };
                    skips.push(WalkSkip {
                        path: e.path().to_path_buf(),
                        reason: format!("{what} points outside the folder (to {})", t.display()),
                    });
                    continue;
                }
                Err(err) => {
                    if e.file_type().is_dir() {
                        it.skip_current_dir();
                    }
                    skips.push(WalkSkip {
                        path: e.path().to_path_buf(),
                        reason: format!("broken link: {err}"),
                    });
                    continue;
                }
            }
        }
        if e.file_type().is_dir() {
            continue;
        }
        if !e.file_type().is_file() {
            skips.push(WalkSkip {
                path: e.path().to_path_buf(),
                reason: format!("not a regular file ({})", special_kind(e.file_type())),
            });
            continue;
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

/// Why a file's bytes say it is not text, or `None` when it may be text.
///
/// Decided by content, never by extension: a PDF named `.md` is not text, and a text file named
/// `.pdf` is text. Not text are: files starting with a known magic number (PDF, images, archives,
/// executables, Office documents, SQLite), and files with NUL bytes anywhere in `bytes` unless
/// the NULs form the pattern of UTF-16 text (NULs on one byte parity only). A valid UTF-8 file
/// whose few NUL bytes merely happen to share a parity (a stray NUL in a short note) is not read
/// as UTF-16: it is reported as text with NUL bytes, a damaged file.
///
/// Give it the whole buffer that will be decoded: a NUL byte is looked for everywhere, so a text
/// whose tail was zeroed (as after a crash) is reported instead of indexed with NULs in it.
pub fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "zip archive"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"\x7FELF", "executable (ELF)"),
        (b"\x1F\x8B", "gzip archive"),
        (b"7z\xBC\xAF", "7z archive"),
        (b"Rar!", "rar archive"),
        (b"RIFF", "RIFF media file"),
        (b"\xD0\xCF\x11\xE0", "MS Office document"),
        (b"SQLite format 3", "SQLite database"),
    ];
    for (m, what) in MAGIC {
        if bytes.starts_with(m) {
            return Some(what);
        }
    }
    // `MZ` alone also starts words; a Windows executable has NULs in its 64-byte header.
    if bytes.starts_with(b"MZ") && bytes[..bytes.len().min(64)].contains(&0) {
        return Some("executable (Windows)");
    }
    let first = memchr::memchr(0, bytes)?;
    let bom16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if bom16 || utf16_nul_pattern(bytes) {
        return None;
    }
    // Text damaged by NUL bytes (a stray one, a zeroed block), or binary data? Look at the
    // bytes around the first NUL that are not NUL: text in any encoding has few control bytes,
    // binary data about one in ten.
    let window = &bytes[first.saturating_sub(4096)..bytes.len().min(first + 8192)];
    let (mut kept, mut controls) = (0usize, 0usize);
    for &b in window.iter().filter(|&&b| b != 0) {
        kept += 1;
        controls += usize::from(b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B));
    }
    if kept >= 8 && controls * 50 <= kept {
        Some("text with NUL bytes (a damaged file?)")
    } else {
        Some("binary data (NUL bytes)")
    }
}

/// Valid UTF-8, allowing a character cut at the end (buffers may be prefixes of the file).
fn is_utf8_prefix(b: &[u8]) -> bool {
    match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// Whether the NUL bytes of `bytes` look like UTF-16 text without a byte-order mark: at least
/// 5% of the 16-bit units have a NUL on one parity, at most 1% on the other, and the bytes are
/// not a valid UTF-8 text with sparse NULs (UTF-16 with Han is not valid UTF-8; UTF-16 with only
/// ASCII is half NUL bytes).
fn utf16_nul_pattern(bytes: &[u8]) -> bool {
    let (mut even, mut odd) = (0usize, 0usize);
    for i in memchr::memchr_iter(0, bytes) {
        if i % 2 == 0 {
            even += 1;
        } else {
            odd += 1;
        }
    }
    let units = bytes.len() / 2 + 1;
    let one_parity =
        (even * 20 >= units && odd * 100 <= units) || (odd * 20 >= units && even * 100 <= units);
    one_parity && !((even + odd) * 4 < bytes.len() && is_utf8_prefix(bytes))
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
        assert_eq!(
            sniff_binary(b"MZ\x90\0\x03\0\0\0\x04\0"),
            Some("executable (Windows)")
        );
        assert_eq!(sniff_binary(b"MZI interferometer notes\n"), None);
    }

    #[test]
    fn stray_nul_in_utf8_text_is_damage_not_utf16() {
        // One NUL at an even offset of a short file matches a naive UTF-16 pattern.
        let short = b"# Platypus Notes\n\nplatypus\0 habitat\n";
        assert_eq!(short.iter().position(|&b| b == 0).map(|p| p % 2), Some(0));
        assert_eq!(
            sniff_binary(short),
            Some("text with NUL bytes (a damaged file?)")
        );
        // A NUL far past the start is found too (a zeroed tail after a crash).
        let mut long = "# Notes\n\n".to_string().into_bytes();
        long.extend(b"words and more words. ".repeat(2000));
        assert_eq!(sniff_binary(&long), None);
        long.extend([0u8; 4096]);
        assert_eq!(
            sniff_binary(&long),
            Some("text with NUL bytes (a damaged file?)")
        );
    }

    #[test]
    fn short_utf16_without_bom_stays_text() {
        let le: Vec<u8> = "联邦学习的隐私保护与通信效率研究综述\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(sniff_binary(&le), None);
    }

    #[cfg(unix)]
    #[test]
    fn hidden_names_that_are_not_utf8_stay_hidden() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("seen.md"), "x").unwrap();
        let hidden = std::ffi::OsStr::from_bytes(b".\xB1\xCA\xBC\xC7.md");
        std::fs::write(dir.path().join(hidden), "x").unwrap();
        let (files, skips) = walk(dir.path());
        let names: Vec<_> = files.iter().map(|f| f.rel.clone()).collect();
        assert_eq!(names, [std::path::PathBuf::from("seen.md")]);
        assert!(skips.is_empty());
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
