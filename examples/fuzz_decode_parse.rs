//! Long fuzz runs of decode → parse (the short run is `tests/fuzz_decode_parse.rs`).
//!
//! ```text
//! cargo run --release --example fuzz_decode_parse -- --seconds 600 --seed 7 [--out DIR]
//! cargo run --release --example fuzz_decode_parse -- --replay FILE.bin
//! ```
//!
//! Prints cases per second every 10 seconds. On a panic or a broken invariant it writes the
//! input to `DIR/fuzz-<seed>-<case>.bin` (default DIR: the system temp dir), prints its path and
//! exits with status 1.

#[path = "../tests/common/fuzz.rs"]
mod fuzz;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let mut seconds = 60u64;
    let mut seed = 1u64;
    let mut out = std::env::temp_dir();
    let mut replay: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_default();
        match a.as_str() {
            "--seconds" => seconds = val().parse().unwrap_or(seconds),
            "--seed" => seed = val().parse().unwrap_or(seed),
            "--out" => out = PathBuf::from(val()),
            "--replay" => replay = Some(PathBuf::from(val())),
            _ => {
                eprintln!("usage: fuzz_decode_parse [--seconds N] [--seed N] [--out DIR] [--replay FILE.bin]");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(file) = replay {
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("cannot read {}: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        let path = std::fs::read(file.with_extension("path"))
            .map(|b| {
                use std::os::unix::ffi::OsStringExt;
                PathBuf::from(std::ffi::OsString::from_vec(b))
            })
            .unwrap_or_else(|_| PathBuf::from("digest.md"));
        return match fuzz::check(&bytes, &path) {
            Ok(()) => {
                println!("ok: {} passes", file.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("fails: {e}");
                ExitCode::from(1)
            }
        };
    }
    let start = Instant::now();
    let limit = Duration::from_secs(seconds);
    let mut last = Instant::now();
    let mut last_cases = 0u64;
    println!("fuzzing decode → parse for {seconds} s, seed {seed}");
    let (stats, failure) = fuzz::run(seed, &out, |s| {
        if s.cases % 64 == 0 && last.elapsed() >= Duration::from_secs(10) {
            let rate = (s.cases - last_cases) as f64 / last.elapsed().as_secs_f64();
            println!(
                "{:>5.0} s  {} cases  {:.0} cases/s  {:.1} MB",
                start.elapsed().as_secs_f64(),
                s.cases,
                rate,
                s.bytes as f64 / 1e6
            );
            last = Instant::now();
            last_cases = s.cases;
        }
        start.elapsed() < limit
    });
    let secs = start.elapsed().as_secs_f64();
    println!(
        "seed {seed}: {} cases, {:.1} MB in {secs:.0} s ({:.0} cases/s)",
        stats.cases,
        stats.bytes as f64 / 1e6,
        stats.cases as f64 / secs
    );
    match failure {
        None => {
            println!("no failure");
            ExitCode::SUCCESS
        }
        Some(f) => {
            println!(
                "FAILED at case {} ({}); input saved to {}",
                f.case,
                f.what,
                f.saved.display()
            );
            ExitCode::from(1)
        }
    }
}
