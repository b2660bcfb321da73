//! A short fuzz run of decode → parse (see `tests/common/fuzz.rs`; long runs:
//! `cargo run --release --example fuzz_decode_parse -- --seconds 600 --seed N`).

#[path = "common/fuzz.rs"]
mod fuzz;

#[test]
fn decode_then_parse_survive_random_and_mutated_pages() {
    let out = std::env::temp_dir().join("papersift-fuzz");
    for seed in [1u64, 2, 3] {
        let (stats, failure) = fuzz::run(seed, &out, |s| s.cases < 150);
        if let Some(f) = failure {
            panic!(
                "seed {seed}, case {}: {}; input saved to {} (replay: cargo run --release \
                 --example fuzz_decode_parse -- --replay {})",
                f.case,
                f.what,
                f.saved.display(),
                f.saved.display()
            );
        }
        assert_eq!(stats.cases, 150);
    }
}
