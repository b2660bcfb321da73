//! Decode-stage throughput: clean UTF-8, heavily broken text per chain, raw GBK.
//! Run with `cargo bench --bench decode`. Uses `../shared/corpus/paper-notes` when present,
//! generated text otherwise. A word after `--` keeps only the inputs whose label contains it
//! (ends with it, when the word ends with `$`).

use papersift::decode::damage::{corrupt_with, Damage};
use papersift::decode::{decode, Chain};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// Clean files read from the corpus (~12 KB each).
const CLEAN_FILES: usize = 1500;
/// Files damaged per chain.
const BROKEN_FILES: usize = 40;

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/paper-notes");
    let mut files: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let docs: Vec<String> = files
        .iter()
        .step_by((files.len() / CLEAN_FILES).max(1))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    if docs.is_empty() {
        eprintln!("corpus absent: using generated text");
        let para = "---\ntitle: 对比学习\n---\n# 对比学习（Contrastive Learning）\n\n**会议**: CVPR 2023\n本文提出一种新的联邦学习方法，通过知识蒸馏显著提升了模型性能（ImageNet 提升 3.5%）。\n";
        return (0..CLEAN_FILES)
            .map(|i| format!("{para}{i}\n").repeat(40))
            .collect();
    }
    docs
}

/// CPU seconds this thread has used (Linux `/proc/thread-self/stat`, 100 Hz ticks): the machine
/// is shared, so wall time alone understates throughput under load.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// True when the input labelled `label` is to be measured: `cargo bench --bench decode -- gbk`
/// measures only the inputs whose label contains `gbk`; a trailing `$` asks for the end of the
/// label (`'utf8>cp1252$'`).
fn wanted(label: &str) -> bool {
    static FILTER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let filter = FILTER.get_or_init(|| std::env::args().skip(1).find(|a| !a.starts_with('-')));
    match filter.as_deref().map(|f| (f, f.strip_suffix('$'))) {
        None => true,
        Some((_, Some(end))) => label.ends_with(end),
        Some((f, None)) => label.contains(f),
    }
}

fn measure(label: &str, inputs: &[Vec<u8>], rounds: usize) {
    if !wanted(label) {
        return;
    }
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let (t0, c0) = (Instant::now(), cpu_secs());
    for _ in 0..rounds {
        for b in inputs {
            black_box(decode(black_box(b)));
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    let cpu = match (c0, cpu_secs()) {
        (Some(a), Some(b)) if b > a => format!("{:>8.2} MB/s per CPU-second", mb / (b - a)),
        _ => String::new(),
    };
    println!(
        "{label:<34} {:>8.2} MB/s wall {cpu}  ({:.1} MB x {rounds})",
        mb / secs,
        bytes as f64 / 1e6
    );
}

fn main() {
    let docs = corpus();
    let clean: Vec<Vec<u8>> = docs.iter().map(|d| d.clone().into_bytes()).collect();
    measure("clean UTF-8", &clean, 10);
    let chains = [
        (Chain::Utf8Cp1252, false),
        (Chain::Utf8Cp1252, true),
        (Chain::Utf8Latin1, false),
        (Chain::Utf8Latin1, true),
        (Chain::Utf8Cp1254, true),
        (Chain::Utf8Latin1Utf8Gbk, false),
        (Chain::Utf8Gbk, false),
        (Chain::GbkLatin1, false),
        (Chain::GbkLatin1, true),
    ]
    .map(|(chain, lossy)| Damage { chain, lossy });
    let scored = wanted("raw GBK")
        || chains
            .iter()
            .any(|d| wanted(&format!("broken {}", d.label())));
    // The scoring tables are built once per process, on the first broken file: time that apart,
    // so the per-chain figures are what every later file costs.
    if let (true, Some(first)) = (scored, docs.first()) {
        let broken = corrupt_with(
            first,
            Damage {
                chain: Chain::Utf8Cp1252,
                lossy: true,
            },
            2,
        );
        let t0 = Instant::now();
        black_box(decode(&broken));
        println!(
            "first broken file (builds the scoring tables): {:.0} ms",
            t0.elapsed().as_secs_f64() * 1e3
        );
    }
    let gbk: Vec<Vec<u8>> = docs
        .iter()
        .take(200)
        .map(|d| encoding_rs::GBK.encode(d).0.into_owned())
        .collect();
    measure("raw GBK", &gbk, 1);
    let some: Vec<&String> = docs.iter().take(BROKEN_FILES).collect();
    for d in chains {
        let broken: Vec<Vec<u8>> = some.iter().map(|s| corrupt_with(s, d, 1)).collect();
        measure(&format!("broken {}", d.label()), &broken, 1);
    }
}
