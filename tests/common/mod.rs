//! Helpers for tests that run the papersift binary on real files.
#![allow(dead_code)]

mod accuracy;
#[allow(unused_imports)]
pub use accuracy::char_accuracy;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus` when present; tests that need it print why they skip otherwise.
pub fn shared_corpus() -> Option<PathBuf> {
    let p = repo().join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} not found (the shared corpus sits beside the repo in CI)",
            p.display()
        );
        None
    }
}

/// Runs papersift with `args` against the index in `index`.
pub fn run(index: &Path, args: &[&str]) -> Output {
    papersift_cmd(index, args)
        .output()
        .expect("papersift binary runs")
}

/// The papersift binary against the index in `index`, with `args`, colour and env pinned.
fn papersift_cmd<S: AsRef<std::ffi::OsStr>>(index: &Path, args: &[S]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_papersift"));
    c.arg("--index")
        .arg(index)
        .args(args)
        .env_remove("PAPERSIFT_INDEX")
        .env("NO_COLOR", "1");
    c
}

/// Runs papersift and returns (exit code, stdout, stderr).
pub fn run_ok(index: &Path, args: &[&str]) -> (i32, String, String) {
    let o = run(index, args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Builds an index of `folder` in a new temp dir and returns the dir.
pub fn build_index(folder: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, err) = run_ok(
        dir.path(),
        &["index", "--quiet", folder.to_str().expect("utf-8 path")],
    );
    assert_eq!(code, 0, "index failed: {out}\n{err}");
    dir
}

/// Runs a JSON search and returns the parsed object.
pub fn search_json(index: &Path, query: &str, limit: usize) -> serde_json::Value {
    let o = run(
        index,
        &[
            "search",
            query,
            "--format",
            "json",
            "--limit",
            &limit.to_string(),
        ],
    );
    let code = o.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "search {query:?} failed ({code}): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("search --format json prints JSON")
}

/// Titles of the hits of a JSON search.
pub fn titles(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["title"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Ids of the hits of a JSON search.
pub fn ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["id"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Runs papersift with `args` (paths may not be UTF-8) against the index in `index`; returns
/// (exit code, stdout, stderr), the outputs read lossily.
pub fn run_os<S: AsRef<std::ffi::OsStr>>(index: &Path, args: &[S]) -> (i32, String, String) {
    let o = papersift_cmd(index, args)
        .output()
        .expect("papersift binary runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The `.md` notes under `root` (the corpus's own `SOURCE.md` left out), sorted.
pub fn note_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|n| n != "SOURCE.md")
        })
        .collect();
    v.sort();
    v
}
