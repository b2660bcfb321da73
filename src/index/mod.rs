//! Index stage: papers → a tantivy index on disk, and opening it again for queries.
//!
//! Layout of an index directory:
//! ```text
//! DIR/CURRENT        name of the live generation (replaced atomically by rename)
//! DIR/LOCK           held by the one process writing (pid and start time inside)
//! DIR/gen-<n>/       one complete tantivy index + papersift.json
//! ```
//! A build writes a new generation and only then points `CURRENT` at it, so a crash or
//! kill at any moment leaves the previous generation searchable.

pub mod doc;
pub mod schema;

use crate::analyze;
use crate::merge::Paper;
use anyhow::{Context, Result};
use schema::{Fields, SPEC};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

pub use doc::StoredPaper;

/// File naming the live generation.
pub const CURRENT: &str = "CURRENT";
/// papersift's own metadata inside a generation.
pub const META_FILE: &str = "papersift.json";
const LOCK_FILE: &str = "LOCK";

/// Errors a user can act on when opening an index.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Nothing has been indexed at this location yet.
    #[error("no index at {0}: build one with `papersift index FOLDER`")]
    Missing(PathBuf),
    /// Built by a papersift with another schema.
    #[error("the index at {dir} was built with schema version {found}, this papersift uses version {expected}: run `papersift reindex`")]
    SchemaVersion {
        /// Index directory.
        dir: PathBuf,
        /// Version found on disk.
        found: u32,
        /// Version this binary uses.
        expected: u32,
    },
}

/// A file that was not indexed, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SkippedFile {
    /// Path, shown lossily when not UTF-8.
    pub path: String,
    /// Reason in a few words.
    pub reason: String,
}

/// A file whose decoding needs a person's look (encoding repair thresholds).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlaggedFile {
    /// Path.
    pub path: String,
    /// Encoding the raw bytes were read as.
    pub encoding: String,
    /// Why it was flagged.
    pub reason: String,
}

/// What papersift records about one build, next to the tantivy index.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct IndexMeta {
    /// `index-schema/schema.toml` version the index was built with.
    pub schema_version: u32,
    /// papersift version that built it.
    pub built_by: String,
    /// Seconds since the Unix epoch.
    pub built_at: u64,
    /// Folders indexed (remembered for `reindex`).
    pub roots: Vec<PathBuf>,
    /// Files read.
    pub files_read: usize,
    /// Bytes read.
    pub bytes_read: u64,
    /// Paper records found in files (before merging).
    pub records: usize,
    /// Unique papers indexed.
    pub papers: usize,
    /// Files whose text was repaired (mojibake).
    pub repaired_files: usize,
    /// Files not indexed, with reasons.
    pub skipped: Vec<SkippedFile>,
    /// Files flagged by encoding repair.
    pub flagged: Vec<FlaggedFile>,
}

/// An open index, ready for queries.
pub struct IndexStore {
    /// The index directory (the one holding `CURRENT`).
    pub dir: PathBuf,
    /// The tantivy index of the live generation.
    pub index: Index,
    /// Reader over its last commit.
    pub reader: IndexReader,
    /// Field handles.
    pub fields: Fields,
    /// Build metadata.
    pub meta: IndexMeta,
}

fn read_current(dir: &Path) -> Result<Option<PathBuf>> {
    match fs::read_to_string(dir.join(CURRENT)) {
        Ok(s) => Ok(Some(dir.join(s.trim()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", dir.join(CURRENT).display())),
    }
}

impl IndexStore {
    /// Opens the live generation under `dir`.
    pub fn open(dir: &Path) -> Result<IndexStore> {
        // A build may swap generations between reading CURRENT and opening it: retry once.
        match Self::open_once(dir) {
            Err(e) if e.downcast_ref::<OpenError>().is_none() => Self::open_once(dir),
            r => r,
        }
    }

    fn open_once(dir: &Path) -> Result<IndexStore> {
        let gen = read_current(dir)?.ok_or_else(|| OpenError::Missing(dir.to_path_buf()))?;
        let meta_path = gen.join(META_FILE);
        let meta: IndexMeta = serde_json::from_slice(
            &fs::read(&meta_path).with_context(|| format!("reading {}", meta_path.display()))?,
        )
        .with_context(|| format!("parsing {}", meta_path.display()))?;
        if meta.schema_version != SPEC.version {
            return Err(OpenError::SchemaVersion {
                dir: dir.to_path_buf(),
                found: meta.schema_version,
                expected: SPEC.version,
            }
            .into());
        }
        let index =
            Index::open_in_dir(&gen).with_context(|| format!("opening index {}", gen.display()))?;
        analyze::register(&index);
        let fields = Fields::resolve(&index.schema(), &SPEC)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .with_context(|| format!("opening a reader on {}", gen.display()))?;
        Ok(IndexStore {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            meta,
        })
    }

    /// Reads one paper by id.
    pub fn get(&self, id: &str) -> Result<Option<StoredPaper>> {
        let searcher = self.reader.searcher();
        let term = tantivy::Term::from_field_text(self.fields.id, id);
        let q = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(
            &q,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, addr)) => {
                let d: TantivyDocument = searcher.doc(*addr)?;
                Ok(Some(doc::from_document(&d, &self.fields)))
            }
            None => Ok(None),
        }
    }

    /// Size on disk of the live generation, in bytes.
    pub fn size_on_disk(&self) -> Result<u64> {
        let gen = read_current(&self.dir)?.ok_or_else(|| OpenError::Missing(self.dir.clone()))?;
        dir_size(&gen)
    }
}

/// Total size of the regular files in a directory (not recursive: generations are flat).
pub fn dir_size(dir: &Path) -> Result<u64> {
    let mut n = 0;
    for e in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let m = e?.metadata()?;
        if m.is_file() {
            n += m.len();
        }
    }
    Ok(n)
}

/// The exclusive right to write an index directory, held until dropped.
pub struct WriteLock {
    _file: fs::File,
}

impl WriteLock {
    /// Takes the lock or fails at once, naming the process that holds it.
    pub fn acquire(dir: &Path) -> Result<WriteLock> {
        fs::create_dir_all(dir)
            .with_context(|| format!("creating index directory {}", dir.display()))?;
        let path = dir.join(LOCK_FILE);
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                anyhow::bail!(
                    "another papersift is writing the index at {} ({}); wait for it to finish",
                    dir.display(),
                    holder.trim()
                );
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", path.display()));
            }
        }
        file.set_len(0)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        write!(file, "pid {} since unix time {now}", std::process::id())?;
        Ok(WriteLock { _file: file })
    }
}

/// Writes a new generation; nothing is visible to readers until [`IndexBuilder::finish`].
pub struct IndexBuilder {
    dir: PathBuf,
    gen_name: String,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
}

/// Memory for tantivy's indexing threads, in bytes (split between them).
const WRITER_HEAP: usize = 192 << 20;

impl IndexBuilder {
    /// Starts a new generation under `dir`. The caller holds `_lock`; leftovers of killed
    /// builds are removed here.
    pub fn create(dir: &Path, _lock: &WriteLock) -> Result<IndexBuilder> {
        let current = read_current(dir)?;
        for e in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
            let p = e?.path();
            let is_gen = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("gen-"));
            if is_gen && Some(&p) != current.as_ref() {
                fs::remove_dir_all(&p)
                    .with_context(|| format!("removing unfinished build {}", p.display()))?;
            }
        }
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let gen_name = format!("gen-{stamp}");
        let gen = dir.join(&gen_name);
        fs::create_dir_all(&gen).with_context(|| format!("creating {}", gen.display()))?;
        let tschema = schema::build(&SPEC);
        let index = Index::create_in_dir(&gen, tschema)
            .with_context(|| format!("creating index in {}", gen.display()))?;
        analyze::register(&index);
        let fields = Fields::resolve(&index.schema(), &SPEC)?;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let writer = index
            .writer_with_num_threads(threads, WRITER_HEAP)
            .context("starting the index writer")?;
        Ok(IndexBuilder {
            dir: dir.to_path_buf(),
            gen_name,
            writer,
            fields,
        })
    }

    /// Adds one paper.
    pub fn add(&mut self, paper: &Paper) -> Result<()> {
        self.writer
            .add_document(doc::to_document(paper, &self.fields))
            .context("adding a document")?;
        Ok(())
    }

    /// Commits, writes `meta`, and makes the new generation live; then removes the old one.
    pub fn finish(mut self, mut meta: IndexMeta) -> Result<()> {
        self.writer.commit().context("committing the index")?;
        self.writer
            .wait_merging_threads()
            .context("finishing segment merges")?;
        let gen = self.dir.join(&self.gen_name);
        meta.schema_version = SPEC.version;
        meta.built_by = env!("CARGO_PKG_VERSION").to_string();
        write_atomic(&gen.join(META_FILE), &serde_json::to_vec_pretty(&meta)?)?;
        let old = read_current(&self.dir)?;
        write_atomic(
            &self.dir.join(CURRENT),
            format!("{}\n", self.gen_name).as_bytes(),
        )?;
        if let Some(old) = old {
            if old != gen {
                // Readers that opened it keep their mmaps; new readers follow CURRENT.
                let _ = fs::remove_dir_all(&old);
            }
        }
        Ok(())
    }
}

/// Writes a file so that readers see either the old or the new content, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    {
        let mut f =
            fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("writing {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("syncing {}", tmp.display()))?;
    }
    fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
