//! Index stage: papers → a tantivy index on disk, and opening it again for queries.
//!
//! Layout of an index directory:
//! ```text
//! DIR/CURRENT        name of the live generation (replaced atomically by rename)
//! DIR/LOCK           held by the one process writing (pid and start time inside)
//! DIR/gen-<n>/       one tantivy index + the state of its last commit (see [`state`])
//! ```
//! A full build writes a new generation and only then points `CURRENT` at it; an incremental
//! run updates the live generation with one tantivy commit whose payload names its state
//! files. Either way a crash or kill at any moment leaves the last commit searchable.

pub mod doc;
pub mod schema;
pub mod state;

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
/// Metadata file of indexes from before incremental runs (read only to name their version).
const LEGACY_META_FILE: &str = "papersift.json";
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

/// Most threads one search uses (`IndexStore::spread_searches`).
const SEARCH_THREADS: usize = 4;

fn open_reader(index: &Index, dir: &Path) -> Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .with_context(|| format!("opening a reader on {}", dir.display()))
}

fn read_current(dir: &Path) -> Result<Option<PathBuf>> {
    match fs::read_to_string(dir.join(CURRENT)) {
        Ok(s) => Ok(Some(dir.join(s.trim()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", dir.join(CURRENT).display())),
    }
}

/// Opens the tantivy index of generation `gen` and the metadata its last commit names.
/// Indexes from before commit tokens yield their metadata file, so the caller can name the
/// schema version and ask for `reindex`.
fn open_generation(gen: &Path) -> Result<(Index, Option<String>, IndexMeta)> {
    let index =
        Index::open_in_dir(gen).with_context(|| format!("opening index {}", gen.display()))?;
    let metas = index
        .load_metas()
        .with_context(|| format!("reading the commit of {}", gen.display()))?;
    let meta = match metas.payload.as_deref() {
        Some(token) => state::read_meta(gen, token)?,
        None => {
            let p = gen.join(LEGACY_META_FILE);
            let m: IndexMeta = serde_json::from_slice(
                &fs::read(&p).with_context(|| format!("no commit payload in {}", gen.display()))?,
            )
            .with_context(|| format!("parsing {}", p.display()))?;
            m
        }
    };
    Ok((index, metas.payload, meta))
}

/// The live generation's commit, as an index run needs it: its directory, state token and
/// metadata. `Ok(None)` when there is no index yet.
pub struct LiveCommit {
    /// The generation directory.
    pub gen: PathBuf,
    /// Token naming its state files (`None` for indexes from before incremental runs).
    pub token: Option<String>,
    /// Build metadata (any schema version).
    pub meta: IndexMeta,
}

/// Reads the live commit of `dir` without the schema check (`reindex` needs the roots of an
/// index this papersift can no longer search).
pub fn live_commit(dir: &Path) -> Result<Option<LiveCommit>> {
    let Some(gen) = read_current(dir)? else {
        return Ok(None);
    };
    let (_, token, meta) = open_generation(&gen)?;
    Ok(Some(LiveCommit { gen, token, meta }))
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
        let (index, _, meta) = open_generation(&gen)?;
        if meta.schema_version != SPEC.version {
            return Err(OpenError::SchemaVersion {
                dir: dir.to_path_buf(),
                found: meta.schema_version,
                expected: SPEC.version,
            }
            .into());
        }
        analyze::register(&index);
        let fields = Fields::resolve(&index.schema(), &SPEC)?;
        let reader = open_reader(&index, &gen)?;
        Ok(IndexStore {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            meta,
        })
    }

    /// Spreads every later search over the machine's cores (at most 4 threads): segments are
    /// scored, and the page's hits read and cut into snippets, in parallel.
    ///
    /// For a process that answers many queries (in-process p50 1.86 → 1.14 ms on the shared
    /// corpus). A one-query process should not: starting the pool and waking an idle core
    /// cost more than they save (`papersift search` median 11.4 → 13.2 ms), so the CLI
    /// searches on one thread.
    pub fn spread_searches(&mut self) -> Result<()> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if threads < 2 {
            return Ok(());
        }
        self.index
            .set_multithread_executor(threads.min(SEARCH_THREADS))
            .context("starting the search threads")?;
        // The reader's searchers hold their own handle on the index, executor included.
        self.reader = open_reader(&self.index, &self.dir)?;
        Ok(())
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

/// Writes one commit: a new generation ([`IndexBuilder::create`]) or an update of the live
/// one ([`IndexBuilder::update`]). Nothing is visible to readers until [`IndexBuilder::finish`].
pub struct IndexBuilder {
    dir: PathBuf,
    gen: PathBuf,
    new_generation: bool,
    token: String,
    /// Taken by `finish` (waiting for merges consumes it).
    writer: Option<IndexWriter<TantivyDocument>>,
    fields: Fields,
    finished: bool,
}

impl Drop for IndexBuilder {
    /// A build that failed (a full disk, a write error) gives its space back at once; the
    /// live index was never touched.
    fn drop(&mut self) {
        if !self.finished && self.new_generation {
            // The writer's threads first, or they may write into the directory as it goes.
            drop(self.writer.take());
            let _ = fs::remove_dir_all(&self.gen);
        }
    }
}

/// Memory for tantivy's indexing threads in a full build, in bytes (split between them).
/// Large enough that `../shared/corpus` becomes one segment per thread: each flush writes
/// its own term dictionary (fewer flushes: ~10% less build CPU than 96 MiB), and every
/// search looks terms up once per segment. The arenas grow only as needed: the build's peak
/// RSS measured ~410 MB with 96 MiB and with this.
const WRITER_HEAP: usize = 256 << 20;
/// Memory for an update: a few changed papers need little.
const UPDATE_HEAP: usize = 48 << 20;

fn index_settings() -> tantivy::IndexSettings {
    // zstd halves the document store against lz4 on Chinese text. Each hit shown decompresses
    // its whole block: 4 KiB blocks (about one record each) rather than tantivy's 16 KiB cut
    // in-process p50 from ~1.03 to ~0.82 ms for 1.15× instead of 1.12× the text on disk.
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 4096,
        ..Default::default()
    }
}

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
        let token = state::new_token();
        let gen = dir.join(format!("gen-{token}"));
        fs::create_dir_all(&gen).with_context(|| format!("creating {}", gen.display()))?;
        let index = Index::builder()
            .schema(schema::build(&SPEC))
            .settings(index_settings())
            .create_in_dir(&gen)
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
            gen,
            new_generation: true,
            token,
            writer: Some(writer),
            fields,
            finished: false,
        })
    }

    /// Opens the live generation `live` for an update. The caller holds `_lock`.
    pub fn update(dir: &Path, live: &LiveCommit, _lock: &WriteLock) -> Result<IndexBuilder> {
        let index = Index::open_in_dir(&live.gen)
            .with_context(|| format!("opening index {}", live.gen.display()))?;
        analyze::register(&index);
        let fields = Fields::resolve(&index.schema(), &SPEC)?;
        if let Some(t) = &live.token {
            // State files of runs killed before their commit.
            state::sweep(&live.gen, t)?;
        }
        let writer = index
            .writer_with_num_threads(1, UPDATE_HEAP)
            .context("starting the index writer")?;
        Ok(IndexBuilder {
            dir: dir.to_path_buf(),
            gen: live.gen.clone(),
            new_generation: false,
            token: state::new_token(),
            writer: Some(writer),
            fields,
            finished: false,
        })
    }

    /// The generation directory this commit writes into.
    pub fn generation(&self) -> &Path {
        &self.gen
    }

    /// The token naming this commit's state files.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Adds one paper.
    pub fn add(&mut self, paper: &Paper) -> Result<()> {
        self.writer
            .as_ref()
            .context("the index writer is closed")?
            .add_document(doc::to_document(paper, &self.fields))
            .context("adding a document")?;
        Ok(())
    }

    /// Removes the paper with this id (no-op when absent).
    pub fn delete(&mut self, id: &str) {
        if let Some(w) = &self.writer {
            w.delete_term(tantivy::Term::from_field_text(self.fields.id, id));
        }
    }

    /// Writes `meta` and `manifest`, commits with this commit's token as payload, and makes
    /// the result live; then removes what the previous commit no longer needs. The sightings
    /// store must already be finished.
    pub fn finish(mut self, mut meta: IndexMeta, manifest: &state::Manifest) -> Result<()> {
        meta.schema_version = SPEC.version;
        meta.built_by = env!("CARGO_PKG_VERSION").to_string();
        state::write_meta_and_manifest(&self.gen, &self.token, &meta, manifest)?;
        let mut writer = self.writer.take().context("the index writer is closed")?;
        let mut commit = writer.prepare_commit().context("committing the index")?;
        commit.set_payload(&self.token);
        commit.commit().context("committing the index")?;
        if self.new_generation {
            // Merges make the new generation compact; it goes live only after them.
            writer
                .wait_merging_threads()
                .context("finishing segment merges")?;
            let old = read_current(&self.dir)?;
            let name = self
                .gen
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            write_atomic(&self.dir.join(CURRENT), format!("{name}\n").as_bytes())?;
            self.finished = true;
            if let Some(old) = old {
                if old != self.gen {
                    // Readers that opened it keep their mmaps; new readers follow CURRENT.
                    let _ = fs::remove_dir_all(&old);
                }
            }
        } else {
            // The commit is live; a failed merge only leaves more segments behind.
            self.finished = true;
            let _ = writer.wait_merging_threads();
            state::sweep(&self.gen, &self.token)?;
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
