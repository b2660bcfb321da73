//! The index job: walk → decode → parse → merge → index, with worker threads for decode and
//! parse. Knows nothing of the CLI; progress goes to a callback.
//!
//! A run is incremental when the index already holds a usable commit: files whose size and
//! modification time are unchanged are not read again, changed ones are hashed and re-parsed
//! only when their content differs, and only papers whose merged content changed are
//! replaced in tantivy. Without a usable commit (first run, `reindex`, another schema) the
//! run builds a new generation and swaps it in.

use crate::decode::{self, DecodeReport, DomainCounts, RepairModel};
use crate::index::state::{self, FileEntry, FileStatus, Manifest, SightingsWriter};
use crate::index::{self, FlaggedFile, IndexBuilder, IndexMeta, SkippedFile, WriteLock};
use crate::merge::{self, SourceRef};
use crate::parse::{self, Sighting};
use crate::walk::{self, SourceFile};
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Files larger than this are indexed up to this many bytes (memory stays bounded).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Han characters of exactly decoded text counted for the in-domain repair model per run;
/// beyond this more text barely changes it (it weighs as much as the dictionary from 1M on).
const LEARN_HAN: u64 = 4_000_000;

/// Running totals, passed to the progress callback.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Files to read in this run.
    pub files_total: usize,
    /// Files read so far.
    pub files_done: usize,
    /// Bytes read so far.
    pub bytes_done: u64,
    /// Paper records found so far.
    pub records: usize,
    /// Current phase: `scanning`, `reading`, `repairing` (files with guessed bytes, again with
    /// the folder's own statistics), `merging`, `indexing`, `committing`.
    pub phase: &'static str,
    /// Set for one call when a file has just been skipped, so it is reported as it happens.
    pub skipped: Option<SkippedFile>,
}

/// Whether a run may reuse the index's last commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Re-read only what changed (falls back to a full build when there is nothing to reuse).
    Incremental,
    /// Read everything again into a new generation.
    Rebuild,
}

/// What one run did, besides the state of the whole index it left.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// The whole index after the run.
    pub meta: IndexMeta,
    /// `Some(why)` when the run built a new generation from scratch.
    pub rebuilt: Option<String>,
    /// Nothing had changed: the run wrote nothing.
    pub unchanged: bool,
    /// Files read for the first time.
    pub files_new: usize,
    /// Files read again because their content changed.
    pub files_changed: usize,
    /// Files gone since the last run (their records removed).
    pub files_removed: usize,
    /// Papers added or replaced in the index.
    pub papers_written: usize,
    /// Papers removed from the index.
    pub papers_removed: usize,
    /// Files skipped in this run's reading (a subset of `meta.skipped`, to report now).
    pub new_skips: Vec<SkippedFile>,
}

/// What happened to one file.
// Few outcomes are alive at once (one per file in flight), so the size gap costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum FileOutcome {
    /// Read and parsed.
    Parsed {
        /// Records found.
        sightings: Vec<Sighting>,
        /// How it was decoded.
        report: DecodeReport,
        /// Set when only a prefix was read.
        truncated: bool,
    },
    /// Not indexed.
    Skipped(String),
}

/// A file as read: its stat at read time, the hash of its bytes, and the outcome.
struct ReadFile {
    size: u64,
    mtime_ns: u64,
    hash: String,
    /// `None` when the content equals the previous run's (nothing parsed).
    outcome: Option<FileOutcome>,
    /// It could not be read: not remembered, so it is tried again next run.
    unreadable: bool,
    /// It was gone by the time it was opened.
    vanished: bool,
}

fn mtime_ns(m: &std::fs::Metadata) -> u64 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Reads one file (up to [`MAX_FILE_BYTES`]), hashes it, and parses it unless its hash is
/// `known_hash`; exactly decoded text is counted into `learn` when given. Never panics on
/// file content.
fn read_file(
    path: &Path,
    rel: &Path,
    known_hash: Option<&str>,
    model: &RepairModel,
    learn: Option<&mut DomainCounts>,
) -> ReadFile {
    let mut bytes = Vec::new();
    let opened = std::fs::File::open(path);
    let read = opened.and_then(|f| {
        let m = f.metadata()?;
        f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        Ok(m)
    });
    let m = match read {
        Ok(m) => m,
        Err(e) => {
            let vanished = e.kind() == std::io::ErrorKind::NotFound;
            let reason = if vanished {
                format!("cannot read: {e} (vanished during the run)")
            } else {
                format!("cannot read: {e}")
            };
            return ReadFile {
                size: 0,
                mtime_ns: 0,
                hash: String::new(),
                outcome: Some(FileOutcome::Skipped(reason)),
                unreadable: true,
                vanished,
            };
        }
    };
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let outcome = if known_hash == Some(hash.as_str()) {
        None
    } else {
        Some(process_bytes(bytes, rel, model, learn))
    };
    ReadFile {
        size: m.len(),
        mtime_ns: mtime_ns(&m),
        hash,
        outcome,
        unreadable: false,
        vanished: false,
    }
}

/// The vocabulary (the repair's in-domain counts) kept with commit `token`, when it has a
/// readable one.
fn kept_vocabulary(gen: &Path, token: &str) -> Option<DomainCounts> {
    DomainCounts::from_bytes(&state::read_vocabulary(gen, token)?)
}

/// Decodes `bytes` as `index` does for the index in `index_dir`, with readability (for
/// `inspect`): with the shipped statistics, and again with the vocabulary kept with the
/// index when that repair guessed lost bytes. Also returns the Han characters of the
/// vocabulary used (0 when the shipped statistics decided).
pub fn decode_as_indexed(bytes: &[u8], index_dir: &Path) -> (decode::Decoded, u64) {
    let d = decode::decode_full(bytes, &RepairModel::shipped());
    if !d.report.has_guesses() {
        return (d, 0);
    }
    let counts = index::live_commit(index_dir)
        .ok()
        .flatten()
        .and_then(|live| kept_vocabulary(&live.gen, live.token.as_deref()?));
    match counts.map(|c| (RepairModel::refreshed(&c), c.han_chars())) {
        Some((model, han)) if model.is_refreshed() => (decode::decode_full(bytes, &model), han),
        _ => (d, 0),
    }
}

/// Reads, decodes and parses one file. Never panics on file content.
pub fn process_file(path: &Path, rel: &Path) -> FileOutcome {
    read_file(path, rel, None, &RepairModel::shipped(), None)
        .outcome
        .unwrap_or_else(|| FileOutcome::Skipped("unchanged".into()))
}

fn process_bytes(
    mut bytes: Vec<u8>,
    rel: &Path,
    model: &RepairModel,
    learn: Option<&mut DomainCounts>,
) -> FileOutcome {
    let truncated = bytes.len() as u64 > MAX_FILE_BYTES;
    bytes.truncate(MAX_FILE_BYTES as usize);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return FileOutcome::Skipped("empty file".into());
    }
    if let Some(what) = walk::sniff_binary(&bytes) {
        return FileOutcome::Skipped(format!("not text: {what}"));
    }
    // A defect in a stage must cost one file, not the whole run.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let d = decode::decode_with(&bytes, model);
        // A BOM alone, or UTF-16 spaces, decode to nothing.
        if d.text.trim().is_empty() {
            return None;
        }
        if let Some(counts) = learn.filter(|_| d.report.is_exact()) {
            counts.add(&d.text);
        }
        let sightings = parse::parse(&d.text, rel);
        Some((sightings, d.report))
    }));
    match result {
        Ok(None) => FileOutcome::Skipped("empty file".into()),
        Ok(Some((sightings, report))) => FileOutcome::Parsed {
            sightings,
            report,
            truncated,
        },
        Err(_) => FileOutcome::Skipped(
            "internal error while reading this file (a papersift bug: please report it)".into(),
        ),
    }
}

/// The manifest status of a file read and parsed.
fn indexed_status(records: usize, size: u64, dr: &DecodeReport, truncated: bool) -> FileStatus {
    FileStatus::Indexed {
        records: records as u32,
        bytes: size.min(MAX_FILE_BYTES),
        repaired: !dr.mojibake.lines_repaired.is_empty(),
        flagged: dr
            .needs_review
            .then(|| (dr.raw.encoding.clone(), review_reason(dr))),
        truncated,
    }
}

/// Decodes and parses `files` again with `model`, on the worker threads: (position in
/// `files`, outcome) for each file whose bytes still hash to the given hash (a file changed
/// since its first reading keeps that reading).
fn redecode(files: &[(&SourceFile, &str)], model: &RepairModel) -> Vec<(usize, FileOutcome)> {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..worker_count().min(files.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some((f, hash)) = files.get(k) else {
                            break;
                        };
                        let rf = read_file(&f.path, &f.rel, None, model, None);
                        if rf.hash == *hash {
                            if let Some(o) = rf.outcome {
                                out.push((k, o));
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .filter_map(|w| w.join().ok())
            .flatten()
            .collect()
    })
}

/// Why a decoded file needs a person's look, in the design's terms.
fn review_reason(r: &DecodeReport) -> String {
    let m = &r.mojibake;
    let mut why = Vec::new();
    if let Some(after) = r.readability.as_ref().map(|x| &x.after) {
        if after.readable_lines < 0.9 {
            why.push(format!(
                "{:.0}% of lines readable after repair",
                after.readable_lines * 100.0
            ));
        }
    }
    if m.unrecoverable_chars > 0 {
        why.push(format!(
            "{} characters lost (U+FFFD)",
            m.unrecoverable_chars
        ));
    }
    if m.ambiguous_restorations > 0 {
        why.push(format!(
            "{} restored characters are guesses",
            m.ambiguous_restorations
        ));
    }
    if why.is_empty() {
        why.push("doubtful decoding".into());
    }
    why.join(", ")
}

fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// The previous commit, when it can be reused.
struct Previous {
    live: index::LiveCommit,
    token: String,
    manifest: Manifest,
}

/// Loads the commit to build on, or says why there is none to reuse.
fn previous(index_dir: &Path) -> std::result::Result<Previous, String> {
    let live = match index::live_commit(index_dir) {
        Ok(Some(l)) => l,
        Ok(None) => return Err(String::new()),
        Err(e) => return Err(format!("the existing index cannot be read ({e:#})")),
    };
    if live.meta.schema_version != index::schema::SPEC.version {
        return Err(format!(
            "the existing index has schema version {}, this papersift uses {}",
            live.meta.schema_version,
            index::schema::SPEC.version
        ));
    }
    let Some(token) = live.token.clone() else {
        return Err("the existing index predates incremental runs".into());
    };
    match state::read_manifest(&live.gen, &token) {
        Ok(manifest) => Ok(Previous {
            live,
            token,
            manifest,
        }),
        Err(e) => Err(format!(
            "the existing index's manifest cannot be read ({e:#})"
        )),
    }
}

/// Brings the index in `index_dir` up to date with `roots` (the folders it covers from now on):
/// incrementally when it can, else by building a new generation. The live index stays
/// searchable throughout, and a kill at any moment leaves the last commit whole.
pub fn index_folders(
    index_dir: &Path,
    roots: &[PathBuf],
    mode: RunMode,
    on_progress: impl FnMut(&Progress),
) -> Result<RunReport> {
    run(index_dir, roots, mode, on_progress).map_err(|e| {
        if is_storage_error(&e) {
            e.context(format!(
                "could not write the index at {} (disk full or a size limit?); the last \
                 complete index is unchanged and still searchable",
                index_dir.display()
            ))
        } else {
            e
        }
    })
}

/// Whether an error comes from storage running out (full disk, quota, file size limit).
fn is_storage_error(e: &anyhow::Error) -> bool {
    use std::error::Error;
    let io_full = |io: &std::io::Error| {
        matches!(
            io.kind(),
            std::io::ErrorKind::StorageFull
                | std::io::ErrorKind::QuotaExceeded
                | std::io::ErrorKind::FileTooLarge
        )
    };
    e.chain().any(|c| {
        let mut cur: Option<&(dyn Error + 'static)> = Some(c);
        while let Some(err) = cur {
            if err.downcast_ref::<std::io::Error>().is_some_and(io_full) {
                return true;
            }
            if let Some(tantivy::TantivyError::IoError(io)) =
                err.downcast_ref::<tantivy::TantivyError>()
            {
                if io_full(io) {
                    return true;
                }
            }
            cur = err.source();
        }
        // tantivy sometimes keeps only the message.
        let msg = c.to_string();
        msg.contains("No space left") || msg.contains("File too large")
    })
}

fn run(
    index_dir: &Path,
    roots: &[PathBuf],
    mode: RunMode,
    mut on_progress: impl FnMut(&Progress),
) -> Result<RunReport> {
    let lock = WriteLock::acquire(index_dir)?;
    let run_started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut roots_abs = Vec::new();
    for r in roots {
        let a = r
            .canonicalize()
            .with_context(|| format!("cannot index {}", r.display()))?;
        if !roots_abs.contains(&a) {
            roots_abs.push(a);
        }
    }
    let mut progress = Progress {
        phase: "scanning",
        ..Default::default()
    };
    on_progress(&progress);

    let (prev, rebuilt) = match mode {
        RunMode::Rebuild => (None, Some("rebuild requested".to_string())),
        RunMode::Incremental => match previous(index_dir) {
            Ok(p) => (Some(p), None),
            Err(why) => (None, Some(why)),
        },
    };

    let mut files: Vec<SourceFile> = Vec::new();
    let mut walk_skips: Vec<SkippedFile> = Vec::new();
    for r in &roots_abs {
        let (f, s) = walk::walk(r);
        files.extend(f);
        walk_skips.extend(s.into_iter().map(|s| SkippedFile {
            path: s.path.to_string_lossy().into_owned(),
            reason: s.reason,
        }));
    }
    // Overlapping roots list a file twice; keep its first listing.
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(f.path.clone()));

    let prev_files: HashMap<&Path, &FileEntry> = prev
        .as_ref()
        .map(|p| {
            p.manifest
                .files
                .iter()
                .map(|e| (e.path.as_path(), e))
                .collect()
        })
        .unwrap_or_default();
    let racy_after = prev.as_ref().map_or(0, |p| p.manifest.started_ns);
    let mut kept: Vec<FileEntry> = Vec::new();
    let mut to_read: Vec<(SourceFile, Option<&FileEntry>)> = Vec::new();
    for f in files {
        let old = prev_files.get(f.path.as_path()).copied();
        match old {
            // Same size and time, and not touched while the last run was reading it.
            Some(e)
                if e.size == f.size
                    && u128::from(e.mtime_ns) == f.mtime_ns
                    && e.mtime_ns < racy_after =>
            {
                kept.push(e.clone())
            }
            _ => to_read.push((f, old)),
        }
    }
    let listed: HashSet<&Path> = kept
        .iter()
        .map(|e| e.path.as_path())
        .chain(to_read.iter().map(|(f, _)| f.path.as_path()))
        .collect();
    let removed: Vec<&FileEntry> = prev_files
        .values()
        .copied()
        .filter(|e| !listed.contains(e.path.as_path()))
        .collect();
    let mut report = RunReport {
        rebuilt,
        files_removed: removed.len(),
        new_skips: walk_skips.clone(),
        ..Default::default()
    };
    for s in &walk_skips {
        progress.skipped = Some(s.clone());
        on_progress(&progress);
    }
    progress.skipped = None;
    let is_indexed = |e: &FileEntry| matches!(e.status, FileStatus::Indexed { .. });
    // Whether any paper can differ from the last commit's (else the merge is skipped).
    let mut sightings_changed = prev.is_none() || removed.iter().any(|e| is_indexed(e));
    if let (Some(p), true) = (&prev, to_read.is_empty() && removed.is_empty()) {
        if p.live.meta.roots == roots_abs {
            report.unchanged = true;
            report.meta = p.live.meta.clone();
            return Ok(report);
        }
    }

    // Read what is new or changed, two (or more) files at a time.
    progress.files_total = to_read.len();
    progress.phase = "reading";
    on_progress(&progress);
    let mut fresh: Vec<(FileEntry, Option<Vec<Sighting>>)> = Vec::new();
    let (job_tx, job_rx) = crossbeam_channel::unbounded::<usize>();
    let (res_tx, res_rx) = crossbeam_channel::bounded::<(usize, ReadFile)>(256);
    for i in 0..to_read.len() {
        let _ = job_tx.send(i);
    }
    drop(job_tx);
    // Files whose repair guessed lost bytes: (index in `fresh`, index in `to_read`).
    let mut retry: Vec<(usize, usize)> = Vec::new();
    // Exactly decoded text teaches the repair model the folder's own vocabulary (design §4.1).
    let learned = AtomicU64::new(0);
    let shipped = RepairModel::shipped();
    let counts = std::thread::scope(|s| {
        let mut workers = Vec::new();
        for _ in 0..worker_count() {
            let (job_rx, res_tx, to_read) = (job_rx.clone(), res_tx.clone(), &to_read);
            let (learned, shipped) = (&learned, &shipped);
            workers.push(s.spawn(move || {
                let mut counts = DomainCounts::default();
                for i in job_rx {
                    let (f, old) = &to_read[i];
                    let known = old.map(|e| e.hash.as_str()).filter(|h| !h.is_empty());
                    let before = counts.han_chars();
                    let learn =
                        (learned.load(Ordering::Relaxed) < LEARN_HAN).then_some(&mut counts);
                    let rf = read_file(&f.path, &f.rel, known, shipped, learn);
                    learned.fetch_add(counts.han_chars() - before, Ordering::Relaxed);
                    if res_tx.send((i, rf)).is_err() {
                        break;
                    }
                }
                counts
            }));
        }
        drop(res_tx);
        for (i, rf) in res_rx {
            let (f, old) = &to_read[i];
            let skips_before = report.new_skips.len();
            progress.files_done += 1;
            progress.bytes_done += rf.size.min(MAX_FILE_BYTES);
            let mut entry = FileEntry {
                path: f.path.clone(),
                rel: f.rel.clone(),
                size: rf.size,
                mtime_ns: rf.mtime_ns,
                hash: rf.hash,
                status: FileStatus::Skipped {
                    reason: String::new(),
                },
            };
            match rf.outcome {
                None => {
                    // Touched but not changed: keep what the last run found.
                    if let Some(o) = old {
                        entry.status = o.status.clone();
                    }
                    kept.push(entry);
                }
                Some(FileOutcome::Skipped(reason)) => {
                    report.new_skips.push(SkippedFile {
                        path: f.path.to_string_lossy().into_owned(),
                        reason: reason.clone(),
                    });
                    match old {
                        // Unreadable for now (permissions…): keep what it held last time.
                        Some(o) if rf.unreadable && !rf.vanished => kept.push((*o).clone()),
                        Some(o) if rf.vanished => {
                            report.files_removed += 1;
                            sightings_changed |= is_indexed(o);
                        }
                        _ if rf.unreadable => {}
                        _ => {
                            sightings_changed |= old.is_some_and(is_indexed);
                            entry.status = FileStatus::Skipped { reason };
                            count_new(&mut report, old.is_some());
                            fresh.push((entry, None));
                        }
                    }
                }
                Some(FileOutcome::Parsed {
                    sightings,
                    report: dr,
                    truncated,
                }) => {
                    if truncated {
                        report.new_skips.push(SkippedFile {
                            path: f.path.to_string_lossy().into_owned(),
                            reason: truncation_note(),
                        });
                    }
                    entry.status = indexed_status(sightings.len(), rf.size, &dr, truncated);
                    progress.records += sightings.len();
                    sightings_changed = true;
                    count_new(&mut report, old.is_some());
                    if dr.has_guesses() {
                        retry.push((fresh.len(), i));
                    }
                    fresh.push((entry, Some(sightings)));
                }
            }
            for s in &report.new_skips[skips_before..] {
                progress.skipped = Some(s.clone());
                on_progress(&progress);
            }
            progress.skipped = None;
            if progress.files_done.is_multiple_of(64) {
                on_progress(&progress);
            }
        }
        let mut counts = DomainCounts::default();
        for w in workers {
            // A worker that panicked lost only its counts.
            if let Ok(c) = w.join() {
                counts.merge(c);
            }
        }
        counts
    });
    on_progress(&progress);
    // The folder's vocabulary is kept with the index and topped up by each run until it is
    // large enough, so that a run reading a few new files still repairs with it.
    let stored = || {
        prev.as_ref()
            .and_then(|p| kept_vocabulary(&p.live.gen, &p.token))
    };
    // (the vocabulary, whether it differs from the stored one)
    let vocabulary: Option<(DomainCounts, bool)> = if counts.han_chars() == 0 && retry.is_empty() {
        None
    } else {
        match stored() {
            Some(s) if s.han_chars() >= LEARN_HAN || counts.han_chars() == 0 => Some((s, false)),
            Some(mut s) => {
                s.merge(counts);
                Some((s, true))
            }
            None => Some((counts, true)),
        }
    };
    if let (false, Some((vocabulary, _))) = (retry.is_empty(), &vocabulary) {
        let model = RepairModel::refreshed(vocabulary);
        if model.is_refreshed() {
            progress.phase = "repairing";
            on_progress(&progress);
            let jobs: Vec<(&SourceFile, &str)> = retry
                .iter()
                .map(|&(fi, ti)| (&to_read[ti].0, fresh[fi].0.hash.as_str()))
                .collect();
            for (k, outcome) in redecode(&jobs, &model) {
                let (fi, _) = retry[k];
                if let FileOutcome::Parsed {
                    sightings,
                    report: dr,
                    truncated,
                } = outcome
                {
                    let (entry, old) = &mut fresh[fi];
                    progress.records -= old.as_ref().map_or(0, Vec::len);
                    progress.records += sightings.len();
                    entry.status = indexed_status(sightings.len(), entry.size, &dr, truncated);
                    *old = Some(sightings);
                }
            }
            on_progress(&progress);
        }
    }

    let mut builder = match &prev {
        Some(p) => IndexBuilder::update(index_dir, &p.live, &lock)?,
        None => IndexBuilder::create(index_dir, &lock)?,
    };
    match (&vocabulary, &prev) {
        (Some((v, true)), _) => {
            state::write_vocabulary(builder.generation(), builder.token(), &v.to_bytes())?
        }
        (_, Some(p)) => state::link_vocabulary(&p.live.gen, &p.token, builder.token())?,
        (_, None) => {}
    }
    if let (Some(p), false) = (&prev, sightings_changed) {
        // Files were touched or added as skipped, but no record differs: commit the new
        // manifest over the same sightings and papers.
        state::link_sightings(&p.live.gen, &p.token, builder.token())?;
        let mut manifest = Manifest {
            version: state::STATE_VERSION,
            started_ns: run_started,
            files: kept,
            papers: p.manifest.papers.clone(),
        };
        manifest.files.extend(fresh.into_iter().map(|(e, _)| e));
        manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut meta = meta_of(&manifest, roots_abs, walk_skips);
        meta.papers = p.live.meta.papers;
        meta.built_at = run_started / 1_000_000_000;
        builder.finish(meta.clone(), &manifest)?;
        report.meta = meta;
        return Ok(report);
    }

    // Every file's sightings: fresh ones, plus the remembered ones of unchanged files.
    progress.phase = "merging";
    on_progress(&progress);
    let mut store = SightingsWriter::create(builder.generation(), builder.token())?;
    let mut all: Vec<(SourceRef, Sighting)> = Vec::new();
    let mut push_file = |path: &Path, sightings: Vec<Sighting>, store: &mut SightingsWriter| {
        let r = store.write(path, &sightings);
        for sg in sightings {
            all.push((
                SourceRef {
                    path: path.to_path_buf(),
                    line: sg.line,
                },
                sg,
            ));
        }
        r
    };
    if let Some(p) = &prev {
        let keep: HashSet<&Path> = kept
            .iter()
            .filter(|e| is_indexed(e))
            .map(|e| e.path.as_path())
            .collect();
        state::read_sightings(&p.live.gen, &p.token, |row| {
            if keep.contains(row.path.as_path()) {
                push_file(&row.path, row.sightings, &mut store)?;
            }
            Ok(())
        })
        .context("reading the sightings of unchanged files")?;
    }
    let mut manifest = Manifest {
        version: state::STATE_VERSION,
        started_ns: run_started,
        files: kept,
        papers: Vec::new(),
    };
    for (entry, sightings) in fresh {
        if let Some(sg) = sightings {
            push_file(&entry.path, sg, &mut store)?;
        }
        manifest.files.push(entry);
    }
    store.finish()?;
    manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
    // Sorted so ids, merge order and output are deterministic.
    all.sort_by(|a, b| a.0.cmp(&b.0));

    progress.phase = "indexing";
    on_progress(&progress);
    let old_papers: HashMap<&str, u64> = prev
        .as_ref()
        .map(|p| {
            p.manifest
                .papers
                .iter()
                .map(|(id, h)| (id.as_str(), *h))
                .collect()
        })
        .unwrap_or_default();
    // Papers go to the writer one at a time, so they are never all in memory at once.
    merge::merge_each(all, |paper| -> Result<()> {
        let fp = paper.fingerprint();
        match old_papers.get(paper.id.as_str()) {
            Some(&old) if old == fp => {}
            old => {
                if old.is_some() {
                    builder.delete(&paper.id);
                }
                builder.add(&paper)?;
                report.papers_written += 1;
            }
        }
        manifest.papers.push((paper.id, fp));
        Ok(())
    })?;
    manifest.papers.sort();
    let live_ids: HashSet<&str> = manifest.papers.iter().map(|(id, _)| id.as_str()).collect();
    for id in old_papers.keys() {
        if !live_ids.contains(id) {
            builder.delete(id);
            report.papers_removed += 1;
        }
    }
    drop(live_ids);
    let mut meta = meta_of(&manifest, roots_abs, walk_skips);
    meta.papers = manifest.papers.len();

    progress.phase = "committing";
    on_progress(&progress);
    meta.built_at = run_started / 1_000_000_000;
    builder.finish(meta.clone(), &manifest)?;
    drop(lock);
    report.meta = meta;
    Ok(report)
}

fn count_new(report: &mut RunReport, seen_before: bool) {
    if seen_before {
        report.files_changed += 1;
    } else {
        report.files_new += 1;
    }
}

fn truncation_note() -> String {
    format!(
        "larger than {} MiB: only the first {} MiB indexed",
        MAX_FILE_BYTES >> 20,
        MAX_FILE_BYTES >> 20
    )
}

/// The whole index's totals, from the manifest (so incremental runs count every file).
fn meta_of(m: &Manifest, roots: Vec<PathBuf>, walk_skips: Vec<SkippedFile>) -> IndexMeta {
    let mut meta = IndexMeta {
        roots,
        skipped: walk_skips,
        ..Default::default()
    };
    for e in &m.files {
        let path = e.path.to_string_lossy().into_owned();
        match &e.status {
            FileStatus::Indexed {
                records,
                bytes,
                repaired,
                flagged,
                truncated,
            } => {
                meta.files_read += 1;
                meta.bytes_read += bytes;
                meta.records += *records as usize;
                meta.repaired_files += usize::from(*repaired);
                if let Some((encoding, reason)) = flagged {
                    meta.flagged.push(FlaggedFile {
                        path: path.clone(),
                        encoding: encoding.clone(),
                        reason: reason.clone(),
                    });
                }
                if *truncated {
                    meta.skipped.push(SkippedFile {
                        path,
                        reason: truncation_note(),
                    });
                }
            }
            FileStatus::Skipped { reason } => meta.skipped.push(SkippedFile {
                path,
                reason: reason.clone(),
            }),
        }
    }
    meta.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    meta.flagged.sort_by(|a, b| a.path.cmp(&b.path));
    meta
}

/// Builds a fresh index of `roots` in `index_dir`, replacing the live one only when complete.
pub fn build_index(
    index_dir: &Path,
    roots: &[PathBuf],
    on_progress: impl FnMut(&Progress),
) -> Result<IndexMeta> {
    index_folders(index_dir, roots, RunMode::Rebuild, on_progress).map(|r| r.meta)
}
