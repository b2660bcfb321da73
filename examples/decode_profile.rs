//! Decodes one file, clean or damaged, repeatedly (for profiling the decode stage):
//! `cargo run --release --example decode_profile -- FILE CHAIN|clean|gbk [lossy] [print]`.

use papersift::decode::damage::{corrupt_with, Damage};
use papersift::decode::{decode, Chain};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(mode)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: decode_profile FILE CHAIN|clean|gbk [lossy] [print]");
        return;
    };
    let lossy = args.get(3).is_some_and(|a| a == "lossy");
    let text = std::fs::read_to_string(path).unwrap_or_default();
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
    let rounds = 50;
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
    if args.get(4).is_some() {
        println!("{}", out.text);
    }
}
