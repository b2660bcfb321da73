//! Character accuracy of the repair on damaged copies of real notes (for tuning the decode
//! stage; `tests/search_damaged.rs` asserts the figures):
//! `cargo run --release --example decode_accuracy -- NOTES_DIR CHAIN [lossy] [--files N] [--show N] [--domain N] [--oracle]`.
//!
//! Damages N notes (evenly spread over the sorted list) with CHAIN, decodes them (with
//! `--domain N`: with the model refreshed from N other notes, as `index` does), and prints
//! the median and mean character accuracy against the clean text, the decode throughput, and
//! the most frequent wrong characters (`want→got` in lines of equal length).

#[path = "../tests/common/accuracy.rs"]
mod accuracy;

use papersift::decode::damage::{corrupt_with, representable, Damage};
use papersift::decode::{decode, decode_with, Chain, DomainCounts, RepairModel};
use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(chain)) = (args.get(1), args.get(2).and_then(|c| Chain::from_name(c)))
    else {
        eprintln!(
            "usage: decode_accuracy NOTES_DIR CHAIN [lossy] [--files N] [--show N] [--domain N] [--oracle]"
        );
        std::process::exit(2);
    };
    let opt = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let lossy = args.iter().any(|a| a == "lossy");
    let (want_files, show, domain) = (opt("--files", 200), opt("--show", 30), opt("--domain", 0));
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let step = (files.len() / want_files.max(1)).max(1);
    let picked: Vec<_> = files.iter().step_by(step).take(want_files).collect();
    let mut counts = DomainCounts::default();
    for p in files.iter().filter(|p| !picked.contains(p)).take(domain) {
        if let Ok(bytes) = std::fs::read(p) {
            counts.add(&decode(&bytes).text);
        }
    }
    // `--oracle`: the model also learns the clean text of the damaged notes themselves, the
    // ceiling of what better in-domain statistics could give a character-pair model.
    if args.iter().any(|a| a == "--oracle") {
        for p in &picked {
            if let Ok(clean) = std::fs::read_to_string(p) {
                counts.add(&clean);
            }
        }
    }
    let t = Instant::now();
    let model = RepairModel::refreshed(&counts);
    if domain > 0 || model.is_refreshed() {
        println!(
            "model from {} Han characters of {domain} notes: refreshed {} in {:.0} ms",
            counts.han_chars(),
            model.is_refreshed(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let damage = Damage { chain, lossy };
    let (mut accs, mut bytes, mut secs) = (Vec::new(), 0usize, 0f64);
    let mut wrong: HashMap<(char, char), usize> = HashMap::new();
    let mut examples: HashMap<(char, char), String> = HashMap::new();
    for (i, p) in picked.iter().enumerate() {
        let Ok(clean) = std::fs::read_to_string(p) else {
            continue;
        };
        let broken = corrupt_with(&clean, damage, i as u64 + 1);
        let t = Instant::now();
        let got = decode_with(&broken, &model).text;
        secs += t.elapsed().as_secs_f64();
        bytes += broken.len();
        let want = representable(&clean, chain);
        accs.push(accuracy::char_accuracy(&got, &want));
        for (g, w) in got.lines().zip(want.lines()) {
            let (gc, wc): (Vec<char>, Vec<char>) = (g.chars().collect(), w.chars().collect());
            if gc.len() != wc.len() {
                continue;
            }
            for (k, (&a, &b)) in wc.iter().zip(&gc).enumerate() {
                if a != b {
                    *wrong.entry((a, b)).or_default() += 1;
                    examples.entry((a, b)).or_insert_with(|| {
                        let lo = k.saturating_sub(4);
                        let hi = (k + 5).min(wc.len());
                        format!(
                            "{} → {}",
                            wc[lo..hi].iter().collect::<String>(),
                            gc[lo..hi].iter().collect::<String>()
                        )
                    });
                }
            }
        }
    }
    accs.sort_by(f64::total_cmp);
    let median = accs.get(accs.len() / 2).copied().unwrap_or(0.0);
    let mean = accs.iter().sum::<f64>() / accs.len().max(1) as f64;
    println!(
        "{} on {} files: median accuracy {median:.5}, mean {mean:.5}, worst {:.4}; decode {:.2} MB/s",
        damage.label(),
        accs.len(),
        accs.first().copied().unwrap_or(0.0),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    let mut w: Vec<_> = wrong.into_iter().collect();
    w.sort_by_key(|x| std::cmp::Reverse(x.1));
    let total: usize = w.iter().map(|x| x.1).sum();
    println!("{total} wrong characters in equal-length lines; most frequent:");
    for ((a, b), n) in w.iter().take(show) {
        println!("  {n:5}  {a}→{b}   {}", examples[&(*a, *b)]);
    }
}
