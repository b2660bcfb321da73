//! What an index remembers besides tantivy's own files, so that a later run re-reads only the
//! files that changed: the manifest of source files and the sightings each file produced.
//!
//! Each commit has a token; its files are `meta-<token>.json`, `manifest-<token>.json` and
//! `sightings-<token>.jsonl.zst` inside the generation directory, and the token is stored as
//! tantivy's commit payload. Readers follow the payload, so the tantivy commit is the one
//! point at which a run becomes visible: a kill before it leaves the previous token's files
//! (still referenced) intact, a kill after it leaves only stale files to sweep.

use super::IndexMeta;
use crate::parse::Sighting;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Version of the manifest and sightings formats; another version means a full rebuild.
pub const STATE_VERSION: u32 = 1;

/// One source file as last seen by an index run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// Absolute path, raw bytes kept (file names need not be UTF-8).
    #[serde(with = "raw_path")]
    pub path: PathBuf,
    /// Path relative to its root, as the parse stage saw it.
    #[serde(with = "raw_path")]
    pub rel: PathBuf,
    /// Size in bytes when read.
    pub size: u64,
    /// Modification time when read, nanoseconds since the epoch.
    pub mtime_ns: u64,
    /// blake3 of the bytes read (hex), empty when the file was not read.
    pub hash: String,
    /// What came of it.
    pub status: FileStatus,
}

/// The outcome of reading one file, as remembered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileStatus {
    /// Read and parsed; its sightings are in the sightings store.
    Indexed {
        /// Records the file yielded.
        records: u32,
        /// Bytes indexed (the cap applies).
        bytes: u64,
        /// Mojibake was repaired.
        repaired: bool,
        /// Encoding the raw bytes were read as, and why the decoding needs a look, if it does.
        flagged: Option<(String, String)>,
        /// Only a prefix was read.
        truncated: bool,
    },
    /// Not indexed (not text, empty…): not retried until the file changes.
    Skipped {
        /// Reason in a few words.
        reason: String,
    },
}

/// Every source file of an index, sorted by path, and a fingerprint of every paper.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// [`STATE_VERSION`] at write time.
    pub version: u32,
    /// When the run that wrote it started, nanoseconds since the epoch. Files modified after
    /// this may have changed again within the same clock tick, so they are hashed next time.
    pub started_ns: u64,
    /// Source files, sorted by path.
    pub files: Vec<FileEntry>,
    /// Paper id and a hash of its whole content, sorted by id: which documents to replace.
    pub papers: Vec<(String, u64)>,
}

/// The sightings of one file, as kept in the store.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredSightings {
    /// Absolute path of the file.
    #[serde(with = "raw_path")]
    pub path: PathBuf,
    /// Its records, in file order.
    pub sightings: Vec<Sighting>,
}

/// File names of one commit's state.
pub fn meta_file(token: &str) -> String {
    format!("meta-{token}.json")
}
fn manifest_file(token: &str) -> String {
    format!("manifest-{token}.json")
}
fn sightings_file(token: &str) -> String {
    format!("sightings-{token}.jsonl.zst")
}
fn vocabulary_file(token: &str) -> String {
    format!("vocabulary-{token}.bin.zst")
}

/// A new token: time-ordered, unique per run.
pub fn new_token() -> String {
    let ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{ns:x}")
}

/// Reads the build metadata of commit `token` in `gen`.
pub fn read_meta(gen: &Path, token: &str) -> Result<IndexMeta> {
    let p = gen.join(meta_file(token));
    let bytes = fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", p.display()))
}

/// Reads the manifest of commit `token` in `gen`.
pub fn read_manifest(gen: &Path, token: &str) -> Result<Manifest> {
    let p = gen.join(manifest_file(token));
    let bytes = fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
    let m: Manifest =
        serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", p.display()))?;
    anyhow::ensure!(
        m.version == STATE_VERSION,
        "{} has format version {}, this papersift reads {STATE_VERSION}",
        p.display(),
        m.version
    );
    Ok(m)
}

/// Writes the metadata and manifest of commit `token` (durably, before the commit names it).
pub fn write_meta_and_manifest(
    gen: &Path,
    token: &str,
    meta: &IndexMeta,
    manifest: &Manifest,
) -> Result<()> {
    super::write_atomic(
        &gen.join(meta_file(token)),
        &serde_json::to_vec_pretty(meta)?,
    )?;
    super::write_atomic(
        &gen.join(manifest_file(token)),
        &serde_json::to_vec(manifest)?,
    )
}

/// Removes the state files of every commit but `keep` (leftovers of killed or older runs).
pub fn sweep(gen: &Path, keep: &str) -> Result<()> {
    for e in fs::read_dir(gen).with_context(|| format!("listing {}", gen.display()))? {
        let e = e?;
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let token = ["meta-", "manifest-", "sightings-", "vocabulary-"]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .and_then(|rest| rest.split('.').next());
        if token.is_some_and(|t| t != keep) || name.starts_with(".sightings-") {
            let _ = fs::remove_file(e.path());
        }
    }
    Ok(())
}

/// Streams sightings into the store of one commit; durable after [`SightingsWriter::finish`].
pub struct SightingsWriter {
    tmp: PathBuf,
    dest: PathBuf,
    enc: zstd::Encoder<'static, BufWriter<fs::File>>,
}

/// zstd level for the store: fast to write, about 4× smaller than the JSON.
const STORE_LEVEL: i32 = 3;

impl SightingsWriter {
    /// Starts the store of commit `token` in `gen`.
    pub fn create(gen: &Path, token: &str) -> Result<SightingsWriter> {
        let dest = gen.join(sightings_file(token));
        let tmp = gen.join(format!(".{}.tmp", sightings_file(token)));
        let f = fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let enc = zstd::Encoder::new(BufWriter::with_capacity(1 << 20, f), STORE_LEVEL)
            .context("starting the sightings store")?;
        Ok(SightingsWriter { tmp, dest, enc })
    }

    /// Appends the sightings of one file.
    pub fn write(&mut self, path: &Path, sightings: &[Sighting]) -> Result<()> {
        #[derive(Serialize)]
        struct Row<'a> {
            #[serde(with = "raw_path")]
            path: &'a Path,
            sightings: &'a [Sighting],
        }
        serde_json::to_writer(&mut self.enc, &Row { path, sightings })
            .and_then(|()| self.enc.write_all(b"\n").map_err(serde_json::Error::io))
            .with_context(|| format!("writing {}", self.tmp.display()))
    }

    /// Flushes, syncs and renames the store into place.
    pub fn finish(self) -> Result<()> {
        let buf = self
            .enc
            .finish()
            .with_context(|| format!("writing {}", self.tmp.display()))?;
        let f = buf
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", self.tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("syncing {}", self.tmp.display()))?;
        fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("renaming {}", self.tmp.display()))
    }
}

/// Gives commit `new` the same sightings store as commit `old`.
pub fn link_sightings(gen: &Path, old: &str, new: &str) -> Result<()> {
    link_or_copy(
        &gen.join(sightings_file(old)),
        &gen.join(sightings_file(new)),
    )
}

/// A hard link from `to` to `from`, else a copy.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to)
            .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

/// Keeps `bytes` (the repair model's in-domain counts, opaque here) with commit `token`.
pub fn write_vocabulary(gen: &Path, token: &str, bytes: &[u8]) -> Result<()> {
    let packed = zstd::encode_all(bytes, STORE_LEVEL).context("compressing the vocabulary")?;
    super::write_atomic(&gen.join(vocabulary_file(token)), &packed)
}

/// Gives commit `new` the vocabulary of commit `old`, if it has one.
pub fn link_vocabulary(gen: &Path, old: &str, new: &str) -> Result<()> {
    let from = gen.join(vocabulary_file(old));
    if !from.exists() {
        return Ok(());
    }
    link_or_copy(&from, &gen.join(vocabulary_file(new)))
}

/// The vocabulary kept with commit `token`; `None` when it has none or it cannot be read (it
/// only sharpens repairs: without it they use the shipped statistics).
pub fn read_vocabulary(gen: &Path, token: &str) -> Option<Vec<u8>> {
    let packed = fs::read(gen.join(vocabulary_file(token))).ok()?;
    zstd::decode_all(packed.as_slice()).ok()
}

/// Reads back the store of commit `token`, calling `each` for every file's sightings.
pub fn read_sightings(
    gen: &Path,
    token: &str,
    mut each: impl FnMut(StoredSightings) -> Result<()>,
) -> Result<()> {
    let p = gen.join(sightings_file(token));
    let f = fs::File::open(&p).with_context(|| format!("opening {}", p.display()))?;
    let dec = zstd::Decoder::new(f).with_context(|| format!("reading {}", p.display()))?;
    let mut r = BufReader::with_capacity(1 << 20, dec);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = r
            .read_until(b'\n', &mut line)
            .with_context(|| format!("reading {}", p.display()))?;
        if n == 0 {
            return Ok(());
        }
        let row: StoredSightings =
            serde_json::from_slice(&line).with_context(|| format!("parsing {}", p.display()))?;
        each(row)?;
    }
}

/// Serde for paths that need not be UTF-8: a string when they are, else `{"raw": [bytes]}`.
mod raw_path {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::path::{Path, PathBuf};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Raw { raw: Vec<u8> },
    }

    pub fn serialize<S: Serializer, P: AsRef<Path>>(p: P, s: S) -> Result<S::Ok, S::Error> {
        let p = p.as_ref();
        match p.to_str() {
            Some(t) => Repr::Text(t.to_owned()).serialize(s),
            None => Repr::Raw {
                raw: bytes_of(p).into_owned(),
            }
            .serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        Ok(match Repr::deserialize(d)? {
            Repr::Text(t) => PathBuf::from(t),
            Repr::Raw { raw } => from_bytes(raw),
        })
    }

    #[cfg(unix)]
    fn bytes_of(p: &Path) -> std::borrow::Cow<'_, [u8]> {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(p.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    fn bytes_of(p: &Path) -> std::borrow::Cow<'_, [u8]> {
        std::borrow::Cow::Owned(p.to_string_lossy().into_owned().into_bytes())
    }
    #[cfg(unix)]
    fn from_bytes(b: Vec<u8>) -> PathBuf {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(b))
    }
    #[cfg(not(unix))]
    fn from_bytes(b: Vec<u8>) -> PathBuf {
        PathBuf::from(String::from_utf8_lossy(&b).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_round_trip_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let gbk_name = std::ffi::OsStr::from_bytes(b"/tmp/\xc2\xdb\xce\xc4.md"); // 论文 in GBK
        let e = FileEntry {
            path: PathBuf::from(gbk_name),
            rel: PathBuf::from("a.md"),
            size: 1,
            mtime_ns: 2,
            hash: "h".into(),
            status: FileStatus::Skipped {
                reason: "empty file".into(),
            },
        };
        let json = serde_json::to_string(&e).expect("serializes");
        let back: FileEntry = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, e);
        assert_eq!(back.path.as_os_str().as_bytes(), gbk_name.as_bytes());
    }

    #[test]
    fn sightings_store_round_trips_and_sweep_keeps_only_the_live_token() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Sighting {
            title: "A title".into(),
            text: "正文 text".into(),
            line: 3,
            ..Default::default()
        };
        for tok in ["old", "new"] {
            let mut w = SightingsWriter::create(dir.path(), tok).expect("create");
            w.write(Path::new("/x/a.md"), std::slice::from_ref(&s))
                .expect("write");
            w.finish().expect("finish");
        }
        let mut rows = Vec::new();
        read_sightings(dir.path(), "new", |r| {
            rows.push(r);
            Ok(())
        })
        .expect("read");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].path, Path::new("/x/a.md"));
        assert_eq!(rows[0].sightings[0].text, "正文 text");
        sweep(dir.path(), "new").expect("sweep");
        assert!(read_sightings(dir.path(), "old", |_| Ok(())).is_err());
        assert!(read_sightings(dir.path(), "new", |_| Ok(())).is_ok());
    }
}
