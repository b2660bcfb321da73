//! `papersift index --watch`: keep an index current while files are created, changed,
//! renamed and deleted. File system events only say *that* something happened; each batch
//! runs an incremental index, which finds out *what* by size, time and hash.

use crate::ingest::{self, RunMode, RunReport};
use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Quiet time that closes a batch: a scraper writing many files gives one run, not hundreds.
pub const DEBOUNCE: Duration = Duration::from_millis(500);
/// Longest a batch waits for quiet while events keep coming.
pub const MAX_BATCH_WAIT: Duration = Duration::from_secs(5);

/// Whether an event can change what a file holds (our own reads must not trigger runs).
fn matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Watches `roots` and calls `on_batch` with the outcome of each incremental run, forever
/// (until the process is stopped; a stop mid-run is as safe as a killed `index`). The first
/// run starts once the watches are in place, so no change falls between it and them.
pub fn watch(
    index_dir: &Path,
    roots: &[PathBuf],
    mut on_batch: impl FnMut(Result<RunReport>, Duration),
) -> Result<()> {
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| {
            r.canonicalize()
                .with_context(|| format!("cannot watch {}", r.display()))
        })
        .collect::<Result<_>>()?;
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("starting the file watcher")?;
    for r in &roots {
        watcher
            .watch(r, RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", r.display()))?;
    }
    // The index may live inside a watched folder: its own writes are not news.
    let own = index_dir
        .canonicalize()
        .unwrap_or_else(|_| index_dir.to_path_buf());
    let relevant = |ev: &notify::Result<notify::Event>| match ev {
        Ok(e) => matters(&e.kind) && e.paths.iter().any(|p| !p.starts_with(&own)),
        Err(_) => true,
    };
    let started = Instant::now();
    let report = ingest::index_folders(index_dir, &roots, RunMode::Incremental, |_| {});
    on_batch(report, started.elapsed());
    loop {
        // Wait for the first event that matters, then for quiet.
        let first = rx.recv().context("the file watcher stopped")?;
        if !relevant(&first) {
            continue;
        }
        let opened = Instant::now();
        let mut last = Instant::now();
        while last.elapsed() < DEBOUNCE && opened.elapsed() < MAX_BATCH_WAIT {
            match rx.recv_timeout(DEBOUNCE - last.elapsed().min(DEBOUNCE)) {
                Ok(ev) if relevant(&ev) => last = Instant::now(),
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    anyhow::bail!("the file watcher stopped")
                }
            }
        }
        let started = Instant::now();
        let report = ingest::index_folders(index_dir, &roots, RunMode::Incremental, |_| {});
        on_batch(report, started.elapsed());
    }
}
