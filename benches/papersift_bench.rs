//! End-to-end benchmark of papersift over a corpus folder (issue 7): one table with the full
//! build (wall and CPU time, MB/s, records/s, peak RSS), index size, a no-op re-run,
//! in-process query latency (p50/p95/p99 over a seeded mix of 200 queries, top 10 with
//! snippets) and the median `papersift search` as a whole process.
//!
//! ```text
//! cargo bench --bench papersift_bench -- CORPUS_DIR [options]
//!   --index DIR        keep the index in DIR (default: a temporary folder, removed at the end)
//!   --no-build         reuse the index already in --index DIR (no build, no no-op run)
//!   --no-noop          skip the no-op run
//!   --max-files N      index only N files of the corpus (evenly spread, copied to a temp folder)
//!   --rounds N         timed passes over the query list (default 5, after one warm-up pass)
//!   --cli-runs N       whole-process `papersift search` runs (default 24, over 4 queries)
//!   --seed N           query generator seed (default 7)
//!   --print-queries    also print every query with its kind, hit count and median latency
//!   --scale 1,2,5,10   scale run: build a k× copy of the corpus (distinct arXiv ids and
//!                      titles per copy) for each k and print one row per k
//!   --work-dir DIR     where the scale copies and temporary indexes go (default: $TMPDIR)
//!   --write-copy K DIR only write a K× copy of the corpus to DIR (as --scale does) and exit
//! ```
//!
//! The build and the no-op run are child processes of the release binary
//! (`CARGO_BIN_EXE_papersift`), so the peak RSS (from `wait4`) is the indexer's own.

use papersift::index::{IndexStore, StoredPaper};
use papersift::meta::glossary;
use papersift::query::{search, SearchRequest, Sort};
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The release binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_papersift");
/// Queries in the in-process mix.
const QUERY_COUNT: usize = 200;
/// Papers sampled from the index to draw queries from.
const SAMPLE_PAPERS: usize = 400;
/// Hits per query page, as `papersift search` shows by default.
const PAGE: usize = 10;

const USAGE: &str = "usage: cargo bench --bench papersift_bench -- CORPUS_DIR [--index DIR] [--no-build] [--no-noop] [--max-files N] [--rounds N] [--cli-runs N] [--seed N] [--print-queries] [--scale 1,2,5,10] [--work-dir DIR] [--write-copy K DIR]";

/// Command-line options.
#[derive(Debug, Clone)]
struct Opts {
    corpus: PathBuf,
    index: Option<PathBuf>,
    no_build: bool,
    no_noop: bool,
    max_files: Option<usize>,
    rounds: usize,
    cli_runs: usize,
    seed: u64,
    print_queries: bool,
    scale: Vec<usize>,
    work_dir: PathBuf,
    write_copy: Option<(usize, PathBuf)>,
}

fn fail(msg: &str) -> ! {
    eprintln!("papersift_bench: {msg}");
    std::process::exit(2)
}

fn parse_opts() -> Opts {
    let mut corpus = None;
    let mut o = Opts {
        corpus: PathBuf::new(),
        index: None,
        no_build: false,
        no_noop: false,
        max_files: None,
        rounds: 5,
        cli_runs: 24,
        seed: 7,
        print_queries: false,
        scale: Vec::new(),
        work_dir: std::env::temp_dir(),
        write_copy: None,
    };
    let mut args = std::env::args().skip(1);
    let num = |v: Option<String>, flag: &str| -> usize {
        v.and_then(|s| s.parse().ok())
            .unwrap_or_else(|| fail(&format!("{flag} needs a number\n{USAGE}")))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--index" => {
                o.index = Some(
                    args.next()
                        .map(PathBuf::from)
                        .unwrap_or_else(|| fail(USAGE)),
                )
            }
            "--no-build" => o.no_build = true,
            "--no-noop" => o.no_noop = true,
            "--max-files" => o.max_files = Some(num(args.next(), "--max-files")),
            "--rounds" => o.rounds = num(args.next(), "--rounds").max(1),
            "--cli-runs" => o.cli_runs = num(args.next(), "--cli-runs"),
            "--seed" => o.seed = num(args.next(), "--seed") as u64,
            "--print-queries" => o.print_queries = true,
            "--scale" => {
                let v = args.next().unwrap_or_else(|| fail(USAGE));
                o.scale = v
                    .split(',')
                    .map(|k| match k.trim().parse::<usize>() {
                        Ok(k) if k >= 1 => k,
                        _ => fail(&format!(
                            "--scale takes factors ≥ 1 like 1,2,5,10, not {v:?}"
                        )),
                    })
                    .collect();
            }
            "--work-dir" => {
                o.work_dir = args
                    .next()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| fail(USAGE))
            }
            "--write-copy" => {
                let k = num(args.next(), "--write-copy").max(1);
                let dir = args
                    .next()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| fail(USAGE));
                o.write_copy = Some((k, dir));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0)
            }
            s if s.starts_with('-') => fail(&format!("unknown option {s}\n{USAGE}")),
            s => corpus = Some(PathBuf::from(s)),
        }
    }
    o.corpus = corpus.unwrap_or_else(|| fail(&format!("no corpus folder given\n{USAGE}")));
    if !o.corpus.is_dir() {
        fail(&format!("{} is not a folder", o.corpus.display()));
    }
    if o.no_build && o.index.is_none() {
        fail("--no-build needs --index DIR");
    }
    if !o.scale.is_empty() && (o.no_build || o.index.is_some()) {
        fail("--scale builds its own indexes: drop --index / --no-build");
    }
    o
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/// SplitMix64: a seeded generator, so the query list is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> Option<&'a T> {
        if v.is_empty() {
            None
        } else {
            v.get(self.below(v.len()))
        }
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Megabytes with as many decimals as a small figure needs.
fn fmt_mb(bytes: u64) -> String {
    let v = mb(bytes);
    if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.0}")
    }
}

/// The 1-minute load average, to tell quiet runs from noisy ones.
fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// A folder removed on drop unless the user asked to keep it.
struct Scratch {
    path: PathBuf,
    keep: bool,
}

impl Scratch {
    fn temp(work_dir: &Path, prefix: &str) -> Scratch {
        fs::create_dir_all(work_dir)
            .unwrap_or_else(|e| fail(&format!("creating {}: {e}", work_dir.display())));
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(work_dir)
            .unwrap_or_else(|e| fail(&format!("temp dir in {}: {e}", work_dir.display())));
        Scratch {
            path: dir.keep(),
            keep: false,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Child processes

/// What one child process cost.
struct ChildRun {
    wall: Duration,
    /// User + system CPU seconds.
    cpu: f64,
    /// Peak resident set, bytes.
    max_rss: u64,
    /// Exit status (or 128 + signal).
    status: i32,
}

/// Runs `cmd` to completion with output to `log`, reaping it with `wait4` for its rusage.
fn run_measured(cmd: &mut Command, log: &Path) -> ChildRun {
    let out = File::create(log).unwrap_or_else(|e| fail(&format!("{}: {e}", log.display())));
    let err = out
        .try_clone()
        .unwrap_or_else(|e| fail(&format!("{}: {e}", log.display())));
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let start = Instant::now();
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| fail(&format!("starting {BIN}: {e}")));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it for our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is a child of this process that nothing else waits for.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            fail(&format!("wait4: {e}"));
        }
    }
    let wall = start.elapsed();
    drop(child);
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let status = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    ChildRun {
        wall,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        // Linux reports ru_maxrss in KiB.
        max_rss: ru.ru_maxrss as u64 * 1024,
        status,
    }
}

fn log_tail(log: &Path) -> String {
    let s = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// `papersift --index DIR index [PATHS]`, measured; fails the bench when the indexer fails.
fn run_index(index: &Path, corpus: Option<&Path>, log: &Path) -> ChildRun {
    let mut cmd = Command::new(BIN);
    cmd.arg("--index")
        .arg(index)
        .arg("--color")
        .arg("never")
        .arg("index")
        .arg("--quiet");
    if let Some(c) = corpus {
        cmd.arg(c);
    }
    let r = run_measured(&mut cmd, log);
    if r.status != 0 {
        fail(&format!(
            "`papersift index` exited with {}:\n{}",
            r.status,
            log_tail(log)
        ));
    }
    r
}

// ---------------------------------------------------------------------------------------------
// Query generation

/// The kinds of query in the mix, with their share of [`QUERY_COUNT`].
const KINDS: &[(&str, usize)] = &[
    ("English words/bigrams", 50),
    ("Chinese", 40),
    ("fielded", 40),
    ("phrase", 30),
    ("cross-lingual", 40),
];

/// One generated query.
#[derive(Debug, Clone)]
struct Q {
    kind: &'static str,
    text: String,
}

const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "based", "be", "beyond", "by", "can", "do", "does", "for",
    "from", "how", "in", "into", "is", "it", "its", "not", "of", "on", "or", "over", "than",
    "that", "the", "their", "this", "through", "to", "toward", "towards", "under", "using", "via",
    "what", "when", "where", "which", "with", "without", "you", "your",
];

/// The title's words in order: runs of ASCII letters and digits, lowercased.
fn title_words(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn content_word(w: &str) -> bool {
    w.len() >= 4 && w.chars().all(|c| c.is_ascii_alphabetic()) && !STOP.contains(&w)
}

/// Chinese words too common in summaries to be anybody's query.
const ZH_STOP: &[&str] = &[
    "我们", "本文", "论文", "提出", "一种", "通过", "进行", "以及", "实现", "使用", "这些", "这种",
    "其中", "可以", "能够", "并且", "同时", "由于", "因此", "现有", "问题", "方法",
];

fn jieba() -> &'static jieba_rs::Jieba {
    static J: std::sync::OnceLock<jieba_rs::Jieba> = std::sync::OnceLock::new();
    J.get_or_init(jieba_rs::Jieba::new)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Runs of Han characters in `s` at least `min` long.
fn han_runs(s: &str, min: usize) -> Vec<Vec<char>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if is_han(c) {
            cur.push(c);
        } else {
            if cur.len() >= min {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    out
}

/// A field value safe to write after `field:` without quotes.
fn field_value(s: &str) -> Option<String> {
    let v: String = s
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    (v.chars().count() >= 2).then_some(v)
}

/// Every paper id in the index, sorted: a sample drawn from it does not depend on how the
/// build happened to lay out segments.
fn all_ids(store: &IndexStore) -> Vec<String> {
    let searcher = store.reader.searcher();
    let mut ids = Vec::new();
    for seg in searcher.segment_readers() {
        let inv = seg
            .inverted_index(store.fields.id)
            .unwrap_or_else(|e| fail(&format!("reading the id terms: {e}")));
        let mut terms = inv
            .terms()
            .stream()
            .unwrap_or_else(|e| fail(&format!("reading the id terms: {e}")));
        while terms.advance() {
            ids.push(String::from_utf8_lossy(terms.key()).into_owned());
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

fn sample_papers(store: &IndexStore, rng: &mut Rng) -> Vec<StoredPaper> {
    let ids = all_ids(store);
    let mut out = Vec::new();
    for _ in 0..SAMPLE_PAPERS.min(ids.len() * 2) {
        if let Some(id) = rng.pick(&ids) {
            if let Ok(Some(p)) = store.get(id) {
                out.push(p);
            }
        }
    }
    out
}

/// One query of `kind` drawn from a random sampled paper (or the glossary), if that paper has
/// what the kind needs.
fn draw(kind: &str, i: usize, papers: &[StoredPaper], rng: &mut Rng) -> Option<String> {
    if kind == "cross-lingual" {
        let e = rng.pick(glossary::all())?;
        let forms = if i.is_multiple_of(2) { &e.en } else { &e.zh };
        return rng.pick(forms).cloned();
    }
    let p = rng.pick(papers)?;
    let words = title_words(&p.title);
    let content: Vec<&String> = words.iter().filter(|w| content_word(w)).collect();
    match kind {
        "English words/bigrams" => {
            if i % 5 < 3 {
                rng.pick(&content).map(|w| w.to_string())
            } else {
                let pairs: Vec<String> = words
                    .windows(2)
                    .filter(|w| {
                        w.iter()
                            .all(|x| x.len() >= 3 && !STOP.contains(&x.as_str()))
                    })
                    .map(|w| w.join(" "))
                    .collect();
                rng.pick(&pairs).cloned()
            }
        }
        "phrase" => {
            let n = 2 + rng.below(2);
            let grams: Vec<String> = words
                .windows(n)
                .filter(|w| {
                    w.iter().all(|x| x.chars().all(|c| c.is_ascii_alphabetic()))
                        && !STOP.contains(&w[0].as_str())
                        && !STOP.contains(&w[n - 1].as_str())
                })
                .map(|w| format!("\"{}\"", w.join(" ")))
                .collect();
            rng.pick(&grams).cloned()
        }
        "Chinese" => {
            let kws: Vec<&String> = p
                .keywords
                .iter()
                .filter(|k| (2..=8).contains(&k.chars().count()) && k.chars().all(is_han))
                .collect();
            if i.is_multiple_of(2) {
                if let Some(k) = rng.pick(&kws) {
                    return Some(k.to_string());
                }
            }
            // A word of the summary, as jieba cuts it.
            let runs = han_runs(&p.text, 4);
            let run: String = rng.pick(&runs)?.iter().collect();
            let words: Vec<&str> = jieba()
                .cut(&run, false)
                .into_iter()
                .map(|t| t.word)
                .filter(|w| (2..=4).contains(&w.chars().count()) && !ZH_STOP.contains(w))
                .collect();
            rng.pick(&words).map(|w| w.to_string())
        }
        "fielded" => match i % 5 {
            0 => Some(format!(
                "venue:{} year:{}",
                field_value(p.venue.as_deref()?)?,
                p.year?
            )),
            1 => {
                let a = p.authors.first()?;
                let family = a.split_whitespace().last().unwrap_or(a);
                Some(format!("author:{}", field_value(family)?))
            }
            2 => Some(format!(
                "venue:{} {}",
                field_value(p.venue.as_deref()?)?,
                rng.pick(&content)?
            )),
            3 => {
                let y = p.year?;
                Some(format!("year:{}..{} {}", y - 1, y, rng.pick(&content)?))
            }
            _ => Some(format!(
                "topic:{} {}",
                field_value(rng.pick(&p.topics)?)?,
                rng.pick(&content)?
            )),
        },
        _ => None,
    }
}

/// The seeded mix of [`QUERY_COUNT`] queries, shuffled.
fn make_queries(store: &IndexStore, seed: u64) -> Vec<Q> {
    let mut rng = Rng(seed);
    let papers = sample_papers(store, &mut rng);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for &(kind, n) in KINDS {
        let mut made = 0;
        let mut tries = 0;
        while made < n && tries < n * 50 {
            tries += 1;
            // After many misses (a corpus without venues, say), accept repeats.
            if let Some(t) = draw(kind, made, &papers, &mut rng) {
                if seen.insert(t.clone()) || tries > n * 25 {
                    out.push(Q { kind, text: t });
                    made += 1;
                }
            }
        }
    }
    // Top up with title words when the corpus could not supply some kinds.
    let mut tries = 0;
    while out.len() < QUERY_COUNT && tries < QUERY_COUNT * 50 {
        tries += 1;
        if let Some(t) = draw("English words/bigrams", tries, &papers, &mut rng) {
            out.push(Q {
                kind: "English words/bigrams",
                text: t,
            });
        }
    }
    rng.shuffle(&mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Measurements

/// In-process latencies: per query, one sample per round.
struct QueryTimes {
    /// Milliseconds, `per_query[i][round]`.
    per_query: Vec<Vec<f64>>,
    hits: Vec<usize>,
}

fn time_queries(store: &IndexStore, qs: &[Q], rounds: usize) -> QueryTimes {
    let req = |q: &Q| SearchRequest {
        query: q.text.clone(),
        limit: PAGE,
        offset: 0,
        sort: Sort::Relevance,
        explain: false,
        expand: true,
    };
    let mut hits = Vec::with_capacity(qs.len());
    // Warm-up pass: page cache, lazily built tables (glossary, analyzers).
    for q in qs {
        let r = search(store, &req(q))
            .unwrap_or_else(|e| fail(&format!("search {:?} failed: {e:#}", q.text)));
        hits.push(r.total);
    }
    let mut per_query = vec![Vec::with_capacity(rounds); qs.len()];
    for _ in 0..rounds {
        for (i, q) in qs.iter().enumerate() {
            let r = req(q);
            let t = Instant::now();
            let res = std::hint::black_box(search(store, &r));
            per_query[i].push(ms(t.elapsed()));
            if let Err(e) = res {
                fail(&format!("search {:?} failed: {e:#}", q.text));
            }
        }
    }
    QueryTimes { per_query, hits }
}

/// Whole-process `papersift search` runs over a few queries of different kinds; returns the
/// median milliseconds and the queries used.
fn time_cli(index: &Path, qs: &[Q], runs: usize, scratch: &Path) -> (f64, Vec<String>) {
    let mut chosen = Vec::new();
    for kind in [
        "English words/bigrams",
        "Chinese",
        "fielded",
        "cross-lingual",
    ] {
        if let Some(q) = qs.iter().find(|q| q.kind == kind) {
            chosen.push(q.text.clone());
        }
    }
    if chosen.is_empty() || runs == 0 {
        return (f64::NAN, chosen);
    }
    let log = scratch.join("search.log");
    let run = |q: &str| {
        let mut cmd = Command::new(BIN);
        cmd.arg("--index")
            .arg(index)
            .arg("--color")
            .arg("never")
            .arg("search")
            .arg("--")
            .args(q.split_whitespace());
        let r = run_measured(&mut cmd, &log);
        // 0: hits, 1: no hits; anything else is a failure.
        if r.status > 1 {
            fail(&format!(
                "`papersift search {q}` exited with {}:\n{}",
                r.status,
                log_tail(&log)
            ));
        }
        ms(r.wall)
    };
    for q in &chosen {
        run(q);
    }
    let mut times = Vec::new();
    for i in 0..runs {
        times.push(run(&chosen[i % chosen.len()]));
    }
    (percentile(&sorted(times), 50.0), chosen)
}

/// Everything one bench run measured.
struct Report {
    corpus: String,
    files: usize,
    bytes: u64,
    records: usize,
    papers: usize,
    build: Option<ChildRun>,
    noop: Option<ChildRun>,
    index_bytes: u64,
    queries: Vec<Q>,
    times: QueryTimes,
    rounds: usize,
    cli_median: f64,
    cli_runs: usize,
    cli_queries: Vec<String>,
    load_before: String,
    load_after: String,
}

impl Report {
    fn all_sorted(&self, kind: Option<&str>) -> Vec<f64> {
        sorted(
            self.times
                .per_query
                .iter()
                .zip(&self.queries)
                .filter(|(_, q)| kind.is_none_or(|k| q.kind == k))
                .flat_map(|(t, _)| t.iter().copied())
                .collect(),
        )
    }

    fn pcts(&self, kind: Option<&str>) -> (f64, f64, f64) {
        let s = self.all_sorted(kind);
        (
            percentile(&s, 50.0),
            percentile(&s, 95.0),
            percentile(&s, 99.0),
        )
    }
}

/// Builds (unless reusing), re-runs, queries: one [`Report`].
fn bench_one(o: &Opts, corpus: &Path) -> Report {
    let load_before = loadavg();
    let scratch = Scratch::temp(&o.work_dir, "papersift-bench-");
    let index = match &o.index {
        Some(d) => d.clone(),
        None => scratch.path.join("index"),
    };
    // A slice of the corpus: every n-th file, copied so the indexer sees only those.
    let slice = o.max_files.map(|n| {
        let dir = scratch.path.join("slice");
        copy_slice(corpus, &dir, n);
        dir
    });
    let corpus = slice.as_deref().unwrap_or(corpus);
    let corpus =
        fs::canonicalize(corpus).unwrap_or_else(|e| fail(&format!("{}: {e}", corpus.display())));
    let (build, noop) = if o.no_build {
        (None, None)
    } else {
        if index.exists() && o.index.is_some() {
            eprintln!(
                "papersift_bench: {} exists; building over it",
                index.display()
            );
        }
        eprintln!("papersift_bench: building {} …", corpus.display());
        let b = run_index(&index, Some(&corpus), &scratch.path.join("build.log"));
        let n = if o.no_noop {
            None
        } else {
            eprintln!("papersift_bench: no-op run …");
            Some(run_index(&index, None, &scratch.path.join("noop.log")))
        };
        (Some(b), n)
    };
    let mut store = IndexStore::open(&index)
        .unwrap_or_else(|e| fail(&format!("opening {}: {e:#}", index.display())));
    // This process answers many queries: each is spread over the cores (the CLI's one-query
    // process is not; see `IndexStore::spread_searches`).
    store
        .spread_searches()
        .unwrap_or_else(|e| fail(&format!("search threads: {e:#}")));
    let index_bytes = store
        .size_on_disk()
        .unwrap_or_else(|e| fail(&format!("index size: {e:#}")));
    let queries = make_queries(&store, o.seed);
    eprintln!(
        "papersift_bench: {} queries × {} rounds in process …",
        queries.len(),
        o.rounds
    );
    let times = time_queries(&store, &queries, o.rounds);
    eprintln!("papersift_bench: {} whole-process searches …", o.cli_runs);
    let (cli_median, cli_queries) = time_cli(&index, &queries, o.cli_runs, &scratch.path);
    let m = &store.meta;
    Report {
        corpus: o.corpus.display().to_string(),
        files: m.files_read,
        bytes: m.bytes_read,
        records: m.records,
        papers: m.papers,
        build,
        noop,
        index_bytes,
        queries,
        times,
        rounds: o.rounds,
        cli_median,
        cli_runs: o.cli_runs,
        cli_queries,
        load_before,
        load_after: loadavg(),
    }
}

fn fmt_ms(v: f64) -> String {
    if v.is_nan() {
        "–".into()
    } else if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}

fn print_report(r: &Report, o: &Opts) {
    println!("| papersift_bench: `{}` | measured | target |", r.corpus);
    println!("|---|---|---|");
    println!(
        "| corpus | {} files, {} MB read → {} records, {} papers | |",
        thousands(r.files as u64),
        fmt_mb(r.bytes),
        thousands(r.records as u64),
        thousands(r.papers as u64)
    );
    if let Some(b) = &r.build {
        let secs = b.wall.as_secs_f64().max(1e-9);
        println!(
            "| full build (wall, CPU user+sys) | {:.1} s ({:.1} s CPU) | ≤ 15 s |",
            secs, b.cpu
        );
        println!(
            "| build throughput | {:.1} MB/s, {} records/s | |",
            mb(r.bytes) / secs,
            thousands((r.records as f64 / secs) as u64)
        );
        println!(
            "| peak RSS of the build | {:.0} MB | ≤ 500 MB |",
            mb(b.max_rss)
        );
    }
    println!(
        "| index size | {} MB ({:.2}× the text read) | ≤ 1.5× |",
        fmt_mb(r.index_bytes),
        r.index_bytes as f64 / r.bytes.max(1) as f64
    );
    if let Some(n) = &r.noop {
        println!(
            "| no-op run (`index` again, nothing changed) | {:.2} s ({:.1} s CPU, peak RSS {:.0} MB) | ≤ 0.5 s |",
            n.wall.as_secs_f64(),
            n.cpu,
            mb(n.max_rss)
        );
    }
    let (p50, p95, p99) = r.pcts(None);
    println!(
        "| in-process query, top {PAGE} with snippets ({} queries × {} rounds) | p50 {} ms, p95 {} ms, p99 {} ms | p50 ≤ 1 ms, p99 ≤ 10 ms |",
        r.queries.len(),
        r.rounds,
        fmt_ms(p50),
        fmt_ms(p95),
        fmt_ms(p99)
    );
    for &(kind, _) in KINDS {
        let n = r.queries.iter().filter(|q| q.kind == kind).count();
        if n == 0 {
            continue;
        }
        let (p50, p95, p99) = r.pcts(Some(kind));
        println!(
            "| · {kind} ({n}) | p50 {} ms, p95 {} ms, p99 {} ms | |",
            fmt_ms(p50),
            fmt_ms(p95),
            fmt_ms(p99)
        );
    }
    println!(
        "| `papersift search` whole process (median of {} runs over {}) | {} ms | ≤ 20 ms |",
        r.cli_runs,
        r.cli_queries
            .iter()
            .map(|q| format!("`{q}`"))
            .collect::<Vec<_>>()
            .join(", "),
        fmt_ms(r.cli_median)
    );
    println!(
        "| 1-min load average before / after | {} / {} | < 0.5 for clean figures |",
        r.load_before, r.load_after
    );
    if o.print_queries {
        println!();
        println!("kind\thits\tmedian_ms\tquery");
        for (i, q) in r.queries.iter().enumerate() {
            let t = sorted(r.times.per_query[i].clone());
            println!(
                "{}\t{}\t{}\t{}",
                q.kind,
                r.times.hits[i],
                fmt_ms(percentile(&t, 50.0)),
                q.text
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Corpus slices and scaled copies

fn corpus_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

fn write_file(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .unwrap_or_else(|e| fail(&format!("creating {}: {e}", parent.display())));
    }
    fs::write(path, bytes).unwrap_or_else(|e| fail(&format!("writing {}: {e}", path.display())));
}

fn read_file(path: &Path) -> Option<Vec<u8>> {
    let mut v = Vec::new();
    File::open(path).ok()?.read_to_end(&mut v).ok()?;
    Some(v)
}

/// Copies `n` files of `src`, evenly spread over its sorted file list, to `dst`.
fn copy_slice(src: &Path, dst: &Path, n: usize) {
    let files = corpus_files(src);
    let step = (files.len() / n.max(1)).max(1);
    for f in files.iter().step_by(step).take(n) {
        let rel = f.strip_prefix(src).unwrap_or(f);
        if let Some(b) = read_file(f) {
            write_file(&dst.join(rel), &b);
        }
    }
}

/// Rewrites arXiv ids and titles so each copy of the corpus holds distinct papers.
struct Perturber {
    id_re: regex::bytes::Regex,
    titles: Vec<(regex::bytes::Regex, &'static str)>,
    h1: regex::bytes::Regex,
    /// Every id in the original corpus and every id handed out so far.
    used: HashSet<Vec<u8>>,
    /// (original id, copy) → new id.
    map: HashMap<(Vec<u8>, usize), Vec<u8>>,
}

impl Perturber {
    fn new() -> Perturber {
        let re = |s: &str| regex::bytes::Regex::new(s).expect("bench regex compiles");
        Perturber {
            id_re: re(r"\d{4}\.\d{4,5}"),
            titles: vec![
                // JSON Lines: "title": "…"
                (re(r#"("title"\s*:\s*"(?:[^"\\]|\\.)*)(")"#), "json"),
                // front matter, folded: title: >-\n  …
                (
                    re(r"(?m)^(title:[ \t]*[>|][-+]?[ \t]*\r?\n[ \t]+[^\r\n]*?)(\r?$)"),
                    "fold",
                ),
                // front matter, quoted or plain on one line
                (re(r#"(?m)^(title:[ \t]*"[^"\r\n]*)(")"#), "quoted"),
                (
                    re(r#"(?m)^(title:[ \t]*[^\s>|"'][^\r\n]*?)(\r?$)"#),
                    "plain",
                ),
                // digest entries: ### [3] [Title](https://arxiv.org/abs/…)
                (
                    re(r"(?m)^(### \[\d+\] \[[^\r\n]*?)(\]\(https?://)"),
                    "digest",
                ),
            ],
            h1: re(r"(?m)^(# [^\r\n]*?)(\r?$)"),
            used: HashSet::new(),
            map: HashMap::new(),
        }
    }

    /// Spans of arXiv-looking ids (`YYMM.NNNNN`, month 01–12, not inside a longer number).
    fn ids(&self, b: &[u8]) -> Vec<(usize, usize)> {
        self.id_re
            .find_iter(b)
            .filter(|m| {
                let (s, e) = (m.start(), m.end());
                let before_ok = s == 0 || !(b[s - 1].is_ascii_digit() || b[s - 1] == b'.');
                let after_ok = e == b.len() || !b[e].is_ascii_digit();
                let month = (b[s + 2] - b'0') * 10 + (b[s + 3] - b'0');
                before_ok && after_ok && (1..=12).contains(&month)
            })
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    fn learn(&mut self, b: &[u8]) {
        for (s, e) in self.ids(b) {
            self.used.insert(b[s..e].to_vec());
        }
    }

    /// The id `orig` gets in copy `k`: same YYMM and digit count, a number no other paper has.
    fn new_id(&mut self, orig: &[u8], k: usize) -> Vec<u8> {
        if let Some(v) = self.map.get(&(orig.to_vec(), k)) {
            return v.clone();
        }
        let digits = orig.len() - 5;
        let modulus = 10u64.pow(digits as u32);
        let seed = blake3::hash(&[orig, &(k as u64).to_le_bytes()].concat());
        let mut n = u64::from_le_bytes(seed.as_bytes()[..8].try_into().expect("8 bytes")) % modulus;
        let id = loop {
            let cand = format!(
                "{}.{:0digits$}",
                String::from_utf8_lossy(&orig[..4]),
                n,
                digits = digits
            )
            .into_bytes();
            if self.used.insert(cand.clone()) {
                break cand;
            }
            n = (n + 1) % modulus;
        };
        self.map.insert((orig.to_vec(), k), id.clone());
        id
    }

    /// Copy `k` (≥ 1) of one file: ids remapped, titles suffixed with ` (copy k)`.
    fn perturb(&mut self, b: &[u8], k: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(b.len() + 64);
        let mut last = 0;
        for (s, e) in self.ids(b) {
            out.extend_from_slice(&b[last..s]);
            let id = self.new_id(&b[s..e], k);
            out.extend_from_slice(&id);
            last = e;
        }
        out.extend_from_slice(&b[last..]);
        let suffix = format!(" (copy {k})");
        let rep = format!("${{1}}{suffix}${{2}}");
        for (re, _) in &self.titles {
            out = re.replace_all(&out, rep.as_bytes()).into_owned();
        }
        // Notes with front matter also carry the title as their first heading.
        if out.starts_with(b"---") {
            out = self.h1.replace(&out, rep.as_bytes()).into_owned();
        }
        out
    }
}

/// `a/b/name.ext` → `a/b/name_copyJ.ext`: a record titled after its file name (a file the
/// parser reads as one record) must not merge with its twins in the other copies.
fn copy_name(rel: &Path, j: usize) -> PathBuf {
    let stem = rel
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let name = match rel.extension() {
        Some(e) => format!("{stem}_copy{j}.{}", e.to_string_lossy()),
        None => format!("{stem}_copy{j}"),
    };
    rel.with_file_name(name)
}

/// Writes `k` copies of `src` under `dst/copy-J/`; copy 0 is verbatim. Returns bytes written.
fn make_scaled(src: &Path, dst: &Path, k: usize) -> u64 {
    let files = corpus_files(src);
    let mut p = Perturber::new();
    for f in &files {
        if let Some(b) = read_file(f) {
            p.learn(&b);
        }
    }
    let mut total = 0;
    for j in 0..k {
        for f in &files {
            let Some(b) = read_file(f) else { continue };
            let rel = f.strip_prefix(src).unwrap_or(f);
            let (out, rel) = if j == 0 {
                (b, rel.to_path_buf())
            } else {
                (p.perturb(&b, j), copy_name(rel, j))
            };
            total += out.len() as u64;
            write_file(&dst.join(format!("copy-{j}")).join(rel), &out);
        }
    }
    total
}

fn scale_run(o: &Opts) {
    let mut rows = Vec::new();
    // With --max-files, scale a slice of the corpus (a quick check of the generator).
    let slice_dir = o.max_files.map(|n| {
        let s = Scratch::temp(&o.work_dir, "papersift-slice-");
        copy_slice(&o.corpus, &s.path, n);
        s
    });
    let source = slice_dir
        .as_ref()
        .map_or(o.corpus.clone(), |s| s.path.clone());
    for &k in &o.scale {
        let load = loadavg();
        let scratch = Scratch::temp(&o.work_dir, &format!("papersift-scale{k}-"));
        let corpus = if k == 1 {
            source.clone()
        } else {
            eprintln!(
                "papersift_bench: writing a {k}× copy of {} …",
                o.corpus.display()
            );
            let t = Instant::now();
            let dir = scratch.path.join("corpus");
            let bytes = make_scaled(&source, &dir, k);
            eprintln!(
                "papersift_bench: {:.0} MB in {:.1} s",
                mb(bytes),
                t.elapsed().as_secs_f64()
            );
            dir
        };
        let mut ok = o.clone();
        ok.work_dir = scratch.path.clone();
        ok.max_files = None;
        let r = bench_one(&ok, &corpus);
        let (p50, p95, p99) = r.pcts(None);
        let b = r.build.as_ref().expect("scale runs build");
        let secs = b.wall.as_secs_f64();
        rows.push(format!(
            "| {k}× | {} | {:.0} | {} | {:.1} ({:.0} CPU) | {:.1} | {:.0} | {:.0} ({:.2}×) | {} | {} / {} / {} | {} | {} / {} |",
            thousands(r.files as u64),
            mb(r.bytes),
            thousands(r.papers as u64),
            secs,
            b.cpu,
            mb(r.bytes) / secs.max(1e-9),
            mb(b.max_rss),
            mb(r.index_bytes),
            r.index_bytes as f64 / r.bytes.max(1) as f64,
            r.noop
                .as_ref()
                .map_or("–".into(), |n| format!("{:.1}", n.wall.as_secs_f64())),
            fmt_ms(p50),
            fmt_ms(p95),
            fmt_ms(p99),
            fmt_ms(r.cli_median),
            load,
            r.load_after
        ));
        // Print as we go: a 10× run takes minutes.
        eprintln!("{}", rows.last().map_or("", String::as_str));
    }
    println!("| scale | files | MB read | papers | build s (CPU s) | MB/s | peak RSS MB | index MB (× text) | no-op s | query p50 / p95 / p99 ms | `search` process median ms | load before / after |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}

fn main() {
    // Die quietly when the reader of the table goes away (`| head`), as other tools do.
    // SAFETY: restoring the default disposition of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let o = parse_opts();
    if let Some((k, dir)) = &o.write_copy {
        if dir.exists() {
            fail(&format!("{} exists: give a new folder", dir.display()));
        }
        let bytes = make_scaled(&o.corpus, dir, *k);
        eprintln!(
            "papersift_bench: wrote a {k}× copy of {} ({} MB) to {}",
            o.corpus.display(),
            fmt_mb(bytes),
            dir.display()
        );
        return;
    }
    if !o.scale.is_empty() {
        scale_run(&o);
        return;
    }
    let r = bench_one(&o, &o.corpus);
    print_report(&r, &o);
}
