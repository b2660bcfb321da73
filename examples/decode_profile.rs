//! Decodes one file, clean or damaged, repeatedly (for profiling the decode stage):
//! `cargo run --release --example decode_profile -- FILE CHAIN|clean|gbk [lossy] [print] [oneline]`.
//! `oneline` joins the file's lines with spaces and repeats them into one line of at least 1 MB
//! (scraped pages without newlines) and reports the peak memory of the process.

use papersift::decode::damage::{corrupt_with, Damage};
use papersift::decode::{decode, Chain};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(mode)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: decode_profile FILE CHAIN|clean|gbk [lossy] [print] [oneline]");
        return;
    };
    let flag = |f: &str| args.iter().skip(3).any(|a| a == f);
    let lossy = flag("lossy");
    let mut text = std::fs::read_to_string(path).unwrap_or_default();
    if flag("oneline") && !text.is_empty() {
        let line = text.replace(['\n', '\r'], " ");
        text = line.repeat((1 << 20) / line.len().max(1) + 1);
    }
    let broken = match (mode.as_str(), Chain::from_name(mode)) {
        ("clean", _) => text.clone().into_bytes(),
        ("gbk", _) => encoding_rs::GBK.encode(&text).0.into_owned(),
        (_, Some(chain)) => corrupt_with(&text, Damage { chain, lossy }, 1),
        _ => {
            eprintln!("unknown chain {mode}");
            return;
        }
    };
    let t0 = Instant::now();
    let mut out = decode(&broken);
    let first = t0.elapsed().as_secs_f64();
    // About 2 s of work at most (a 1 MB lossy line takes seconds per decode).
    let rounds = ((2.0 / first.max(1e-6)) as u32).clamp(1, 50);
    let t1 = Instant::now();
    for _ in 0..rounds {
        out = decode(&broken);
    }
    let secs = t1.elapsed().as_secs_f64() / f64::from(rounds);
    println!(
        "{} bytes, first {:.4}s, then {:.5}s = {:.2} MB/s",
        broken.len(),
        first,
        secs,
        broken.len() as f64 / 1e6 / secs
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&out.report).unwrap_or_default()
    );
    if let Some(hwm) = peak_rss_kb() {
        println!("peak RSS {:.1} MB", hwm as f64 / 1024.0);
    }
    if flag("print") {
        println!("{}", out.text);
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), in KiB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
