//! Parse and merge over the shared corpora (`../shared/corpus`), with the thresholds of the
//! issue asserted and the measured figures printed (`cargo test --test parse_corpus -- --nocapture`).

use papersift::merge::{merge, normalize_title, SourceRef};
use papersift::meta::venue;
use papersift::parse::{parse, Sighting};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn corpus(sub: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared/corpus not found ({})", p.display());
        None
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn daily_arxiv_ids_titles_authors_and_merge() {
    let Some(root) = corpus("daily-arxiv") else {
        return;
    };
    let mut days: Vec<PathBuf> = std::fs::read_dir(root.join("md"))
        .expect("md dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    days.sort();
    assert_eq!(days.len(), 31);
    let (mut titles_ok, mut authors_ok, mut total) = (0usize, 0usize, 0usize);
    let mut all: Vec<(SourceRef, Sighting)> = Vec::new();
    let t0 = Instant::now();
    for md in &days {
        let day = md.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(md).expect("utf-8 md");
        let rel = PathBuf::from(format!("daily-arxiv/md/{day}.md"));
        let recs = parse(&text, &rel);
        let jl =
            std::fs::read_to_string(root.join(format!("jsonl/{day}_AI_enhanced_Chinese.jsonl")))
                .expect("jsonl");
        let mut truth: HashMap<String, (String, Vec<String>)> = HashMap::new();
        for line in jl.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("json line");
            let id = v["id"].as_str().unwrap_or_default().to_string();
            let title = v["title"].as_str().unwrap_or_default().to_string();
            let authors = v["authors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            truth.insert(id, (title, authors));
        }
        let got: BTreeSet<String> = recs.iter().filter_map(|r| r.arxiv_id.clone()).collect();
        let want: BTreeSet<String> = truth.keys().cloned().collect();
        assert_eq!(got, want, "{day}: arXiv ids differ");
        assert_eq!(recs.len(), truth.len(), "{day}: one record per paper");
        for r in &recs {
            let Some((t, a)) = r.arxiv_id.as_ref().and_then(|id| truth.get(id)) else {
                continue;
            };
            total += 1;
            titles_ok += usize::from(squash(&r.title) == squash(t));
            authors_ok += usize::from(&r.authors == a);
        }
        all.extend(recs.into_iter().map(|r| {
            (
                SourceRef {
                    path: rel.clone(),
                    line: r.line,
                },
                r,
            )
        }));
    }
    let parse_time = t0.elapsed();
    let n = all.len();
    let papers = merge(all);
    let title_rate = titles_ok as f64 / total as f64;
    let author_rate = authors_ok as f64 / total as f64;
    println!(
        "daily-arxiv: ids equal on 31/31 days; titles {titles_ok}/{total} ({:.2}%), authors {authors_ok}/{total} ({:.2}%); {n} sightings -> {} papers; parse {:?}",
        title_rate * 100.0,
        author_rate * 100.0,
        papers.len(),
        parse_time
    );
    assert!(title_rate >= 0.995);
    assert!(author_rate >= 0.99);
    assert_eq!(n, 8798);
    assert_eq!(papers.len(), 6356);
    // Re-posted papers list every source and keep regenerated summaries once each.
    let multi = papers.iter().filter(|p| p.sources.len() > 1).count();
    assert!(multi > 1000);
}

/// The venue and year a `**会议**` line names, normalized independently of the parser:
/// the first `Name Year` / `NameYear` pair whose name the venue table knows.
fn expected_venue(line: &str) -> Option<(String, u16)> {
    static RE: once_cell::sync::Lazy<regex::Regex> =
        once_cell::sync::Lazy::new(|| regex::Regex::new(r"([A-Za-z]+)\s*(\d{4})").unwrap());
    let found = RE.captures_iter(line).find_map(|c| {
        let v = venue::normalize(&c[1])?;
        Some((v.to_string(), c[2].parse().ok()?))
    });
    found
}

#[test]
fn paper_notes_one_record_venue_title_and_no_related_block() {
    let Some(root) = corpus("paper-notes") else {
        return;
    };
    let (mut notes, mut with_venue, mut venue_ok, mut with_h1, mut h1_ok, mut related_leak) =
        (0, 0, 0, 0, 0, 0);
    let mut misses: Vec<String> = Vec::new();
    let t0 = Instant::now();
    let mut bytes = 0usize;
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.expect("walk");
        let p = e.path();
        if p.extension().is_none_or(|x| x != "md")
            || p.file_name().is_some_and(|n| n == "SOURCE.md")
        {
            continue;
        }
        let text = std::fs::read_to_string(p).expect("utf-8 note");
        bytes += text.len();
        let rel = p.strip_prefix(&root).unwrap();
        let recs = parse(&text, rel);
        notes += 1;
        assert_eq!(recs.len(), 1, "{}: one record per note", rel.display());
        let r = &recs[0];
        if let Some(line) = text
            .lines()
            .find(|l| l.trim_start_matches("- ").starts_with("**会议**"))
        {
            if let Some((v, y)) = expected_venue(line) {
                with_venue += 1;
                if r.venue.as_deref() == Some(v.as_str()) && r.year == Some(y) {
                    venue_ok += 1;
                } else if misses.len() < 10 {
                    misses.push(format!(
                        "{}: {line:?} -> {:?} {:?}",
                        rel.display(),
                        r.venue,
                        r.year
                    ));
                }
            }
        }
        if let Some(h1) = text.lines().find_map(|l| l.strip_prefix("# ")) {
            with_h1 += 1;
            if squash(&r.title) == squash(h1) {
                h1_ok += 1;
            } else if misses.len() < 20 {
                misses.push(format!(
                    "{}: title {:?} vs H1 {h1:?}",
                    rel.display(),
                    r.title
                ));
            }
        }
        // Titles of the related papers listed at the end must not be in this paper's text.
        if let Some(pos) = text.find("## 相关论文") {
            let leaked = text[pos..]
                .lines()
                .filter_map(|l| l.strip_prefix("- [").and_then(|l| l.split("](").next()))
                .filter_map(|t| t.rsplit("\\] ").next())
                .any(|t| t.len() > 12 && r.text.contains(t) && !text[..pos].contains(t));
            let leak = leaked || r.text.split("\n\n").any(|para| para.trim() == "相关论文");
            if leak && misses.len() < 30 {
                misses.push(format!("{}: related block leaked into text", rel.display()));
            }
            related_leak += usize::from(leak);
        }
    }
    let el = t0.elapsed();
    for m in &misses {
        println!("  miss: {m}");
    }
    println!(
        "paper-notes: {notes} notes, {notes} records; venue+year {venue_ok}/{with_venue} ({:.2}%); title=H1 {h1_ok}/{with_h1} ({:.2}%); related leaks {related_leak}; parse {:?} ({:.1} MB/s)",
        venue_ok as f64 * 100.0 / with_venue as f64,
        h1_ok as f64 * 100.0 / with_h1 as f64,
        el,
        bytes as f64 / 1e6 / el.as_secs_f64()
    );
    assert!(notes >= 7000);
    assert!(venue_ok as f64 >= 0.99 * with_venue as f64);
    assert!(h1_ok as f64 >= 0.99 * with_h1 as f64);
    assert_eq!(related_leak, 0);
}

/// Parse throughput over both corpora, files already in memory, one thread.
#[test]
fn parse_throughput() {
    let Some(root) = corpus("") else { return };
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for e in walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "md")
            && p.file_name().is_some_and(|n| n != "SOURCE.md")
        {
            if let Ok(t) = std::fs::read_to_string(p) {
                files.push((p.strip_prefix(&root).unwrap().to_path_buf(), t));
            }
        }
    }
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let t0 = Instant::now();
    let records: usize = files.iter().map(|(p, t)| parse(t, p).len()).sum();
    let el = t0.elapsed();
    println!(
        "throughput: {} files, {:.1} MB, {records} records in {el:?} ({:.1} MB/s)",
        files.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / el.as_secs_f64()
    );
    // Generous for a shared CI machine; release runs are several times faster.
    assert!(el.as_secs_f64() < 30.0);
}

#[test]
fn merged_titles_are_stable_keys() {
    assert_eq!(normalize_title("Deep  Nets!"), normalize_title("deep nets"));
}
