//! The daily-arxiv JSON Lines exports in `../shared/corpus` against their markdown digests:
//! every line is one paper with the listing's title, authors and arXiv id, and a day indexed from
//! both files gives each paper once, with both sources and no passage twice.
//! Skips with a message when the corpus is absent.

mod common;
use common::*;
use std::path::Path;

fn day_files(corpus: &Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let jsonl = corpus.join("daily-arxiv/jsonl/2026-06-01_AI_enhanced_Chinese.jsonl");
    let md = corpus.join("daily-arxiv/md/2026-06-01.md");
    (jsonl.is_file() && md.is_file()).then_some((jsonl, md))
}

#[test]
fn every_json_line_is_a_paper_with_its_listing_metadata() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let dir = corpus.join("daily-arxiv/jsonl");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("jsonl folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "{} files in {}",
        files.len(),
        dir.display()
    );
    let (mut lines, mut same) = (0usize, 0usize);
    for f in &files {
        let text = std::fs::read_to_string(f).expect("utf-8 jsonl");
        let rel = f.strip_prefix(&corpus).expect("inside the corpus");
        let records = papersift::parse::parse(&text, rel);
        let truth: Vec<serde_json::Value> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("ground truth parses"))
            .collect();
        assert_eq!(records.len(), truth.len(), "{}", f.display());
        for (r, t) in records.iter().zip(&truth) {
            lines += 1;
            let authors: Vec<&str> = t["authors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str())
                .collect();
            if r.arxiv_id.as_deref() == t["id"].as_str()
                && Some(r.title.as_str()) == t["title"].as_str().map(str::trim)
                && r.authors == authors
                && r.layout == "jsonl"
                && !r.text.is_empty()
            {
                same += 1;
            }
        }
    }
    let share = same as f64 / lines as f64;
    eprintln!("{same} of {lines} JSON lines give the listing's id, title and authors ({share:.4})");
    assert!(share >= 0.99, "{same} of {lines}");
}

#[test]
fn a_day_from_its_digest_and_its_export_is_one_paper_each() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let Some((jsonl, md)) = day_files(&corpus) else {
        eprintln!("skipped: the 2026-06-01 digest or export is missing");
        return;
    };
    let only_md = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&md, only_md.path().join("2026-06-01.md")).expect("copy");
    let both = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&md, both.path().join("2026-06-01.md")).expect("copy");
    std::fs::copy(&jsonl, both.path().join("2026-06-01.jsonl")).expect("copy");
    let count = |dir: &Path| {
        let idx = build_index(dir);
        let (code, out, err) = run_ok(idx.path(), &["stats", "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("stats json");
        (idx, v["papers"].as_u64().expect("papers"))
    };
    let (_a, md_papers) = count(only_md.path());
    let (idx, both_papers) = count(both.path());
    assert_eq!(
        md_papers, both_papers,
        "the export adds no paper the digest lacks"
    );
    // A paper's summary is shown once although both files carry it.
    let first = std::fs::read_to_string(&jsonl).expect("read");
    let t: serde_json::Value =
        serde_json::from_str(first.lines().next().expect("a line")).expect("json");
    let id = t["id"].as_str().expect("id");
    let (code, out, err) = run_ok(idx.path(), &["show", id, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("show json");
    let text = v["text"].as_str().expect("text");
    let tldr = t["AI"]["tldr"].as_str().expect("tldr");
    assert_eq!(text.matches(tldr).count(), 1, "{text}");
    let abs = t["summary"].as_str().expect("summary");
    assert_eq!(text.matches(abs.trim()).count(), 1, "{text}");
    let sources = v["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2, "{sources:?}");
}
