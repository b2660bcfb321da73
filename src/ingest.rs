//! The index job: walk → decode → parse → merge → index, with two worker threads for
//! decode and parse. Knows nothing of the CLI; progress goes to a callback.

use crate::decode::{self, DecodeReport};
use crate::index::{FlaggedFile, IndexBuilder, IndexMeta, SkippedFile, WriteLock};
use crate::merge::{self, SourceRef};
use crate::parse::{self, Sighting};
use crate::walk::{self, SourceFile};
use anyhow::{Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are indexed up to this many bytes (memory stays bounded).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Running totals, passed to the progress callback.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Files found by the walk.
    pub files_total: usize,
    /// Files read so far.
    pub files_done: usize,
    /// Bytes read so far.
    pub bytes_done: u64,
    /// Paper records found so far.
    pub records: usize,
    /// Current phase: `reading`, `indexing`, `committing`.
    pub phase: &'static str,
}

/// What happened to one file.
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

/// Reads, decodes and parses one file. Never panics on file content.
pub fn process_file(path: &Path, rel: &Path) -> FileOutcome {
    let mut bytes = Vec::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return FileOutcome::Skipped(format!("cannot read: {e}"));
    }
    let truncated = bytes.len() as u64 > MAX_FILE_BYTES;
    bytes.truncate(MAX_FILE_BYTES as usize);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return FileOutcome::Skipped("empty file".into());
    }
    if let Some(what) = walk::sniff_binary(&bytes) {
        return FileOutcome::Skipped(format!("not text: {what}"));
    }
    // A defect in a stage must cost one file, not the whole run.
    let result = std::panic::catch_unwind(|| {
        let d = decode::decode(&bytes);
        let sightings = parse::parse(&d.text, rel);
        (sightings, d.report)
    });
    match result {
        Ok((sightings, report)) => FileOutcome::Parsed {
            sightings,
            report,
            truncated,
        },
        Err(_) => FileOutcome::Skipped(
            "internal error while reading this file (a papersift bug: please report it)".into(),
        ),
    }
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

/// Builds a fresh index of `roots` in `index_dir`, replacing the live one only when complete.
pub fn build_index(
    index_dir: &Path,
    roots: &[PathBuf],
    mut on_progress: impl FnMut(&Progress),
) -> Result<IndexMeta> {
    let lock = WriteLock::acquire(index_dir)?;
    let mut roots_abs = Vec::new();
    for r in roots {
        let a = r
            .canonicalize()
            .with_context(|| format!("cannot index {}", r.display()))?;
        roots_abs.push(a);
    }
    let mut files: Vec<SourceFile> = Vec::new();
    let mut meta = IndexMeta {
        roots: roots_abs.clone(),
        ..Default::default()
    };
    for r in &roots_abs {
        let (f, s) = walk::walk(r);
        files.extend(f);
        meta.skipped.extend(s.into_iter().map(|s| SkippedFile {
            path: s.path.to_string_lossy().into_owned(),
            reason: s.reason,
        }));
    }
    let mut progress = Progress {
        files_total: files.len(),
        phase: "reading",
        ..Default::default()
    };
    on_progress(&progress);

    let (job_tx, job_rx) = crossbeam_channel::unbounded::<usize>();
    let (res_tx, res_rx) = crossbeam_channel::bounded::<(usize, FileOutcome)>(256);
    for i in 0..files.len() {
        let _ = job_tx.send(i);
    }
    drop(job_tx);
    let mut all: Vec<(SourceRef, Sighting)> = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..worker_count() {
            let (job_rx, res_tx, files) = (job_rx.clone(), res_tx.clone(), &files);
            s.spawn(move || {
                for i in job_rx {
                    let f = &files[i];
                    if res_tx.send((i, process_file(&f.path, &f.rel))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(res_tx);
        for (i, outcome) in res_rx {
            let f = &files[i];
            progress.files_done += 1;
            progress.bytes_done += f.size.min(MAX_FILE_BYTES);
            match outcome {
                FileOutcome::Parsed {
                    sightings,
                    report,
                    truncated,
                } => {
                    meta.files_read += 1;
                    if truncated {
                        meta.skipped.push(SkippedFile {
                            path: f.path.to_string_lossy().into_owned(),
                            reason: format!(
                                "larger than {} MiB: only the first {} MiB indexed",
                                MAX_FILE_BYTES >> 20,
                                MAX_FILE_BYTES >> 20
                            ),
                        });
                    }
                    if !report.mojibake.lines_repaired.is_empty() {
                        meta.repaired_files += 1;
                    }
                    if report.needs_review {
                        meta.flagged.push(FlaggedFile {
                            path: f.path.to_string_lossy().into_owned(),
                            encoding: report.raw.encoding.clone(),
                            reason: review_reason(&report),
                        });
                    }
                    progress.records += sightings.len();
                    for sg in sightings {
                        all.push((
                            SourceRef {
                                path: f.path.clone(),
                                line: sg.line,
                            },
                            sg,
                        ));
                    }
                }
                FileOutcome::Skipped(reason) => {
                    meta.skipped.push(SkippedFile {
                        path: f.path.to_string_lossy().into_owned(),
                        reason,
                    });
                }
            }
            if progress.files_done % 64 == 0 {
                on_progress(&progress);
            }
        }
    });
    meta.bytes_read = progress.bytes_done;
    meta.records = all.len();
    // Files arrive in completion order; sort so ids, merge order and output are deterministic.
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let papers = merge::merge(all);
    meta.papers = papers.len();
    progress.phase = "indexing";
    on_progress(&progress);
    let mut builder = IndexBuilder::create(index_dir, &lock)?;
    for p in &papers {
        builder.add(p)?;
    }
    drop(papers);
    progress.phase = "committing";
    on_progress(&progress);
    meta.built_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    meta.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    meta.flagged.sort_by(|a, b| a.path.cmp(&b.path));
    builder.finish(meta.clone())?;
    Ok(meta)
}
