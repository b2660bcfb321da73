//! Decodes one file damaged with a chain, repeatedly (for profiling the repair):
//! `cargo run --release --example decode_profile -- FILE CHAIN [lossy]`.

use papersift::decode::damage::{corrupt_with, Damage};
use papersift::decode::{decode, Chain};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(chain)) = (args.get(1), args.get(2).and_then(|c| Chain::from_name(c)))
    else {
        eprintln!("usage: decode_profile FILE CHAIN [lossy]");
        return;
    };
    let lossy = args.get(3).is_some_and(|a| a == "lossy");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let broken = corrupt_with(&text, Damage { chain, lossy }, 1);
    let t0 = Instant::now();
    let mut out = decode(&broken);
    let first = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    for _ in 0..20 {
        out = decode(&broken);
    }
    let secs = t1.elapsed().as_secs_f64() / 20.0;
    println!(
        "{} bytes, first {:.3}s, then {:.3}s = {:.2} MB/s",
        broken.len(),
        first,
        secs,
        broken.len() as f64 / 1e6 / secs
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&out.report).unwrap_or_default()
    );
    if args.get(4).is_some() {
        println!("{}", out.text);
    }
}
