#!/usr/bin/env bash
# Reproduces README's Performance table: builds release, then runs benches/papersift_bench.rs
# over a corpus folder (default ../shared/corpus) and prints one Markdown table.
#
#   benches/reproduce.sh                                   # the README table
#   benches/reproduce.sh ../shared/corpus --print-queries  # plus the 200 queries it timed
#   benches/reproduce.sh ../shared/corpus --scale 1,2,5,10 # the scale curve (needs ~3.5 GB free)
#
# Timings are only comparable on a quiet machine: the table ends with the load average.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus="${1:-../shared/corpus}"
[ $# -gt 0 ] && shift
if [ ! -d "$corpus" ]; then
  echo "reproduce.sh: corpus folder $corpus not found" >&2
  exit 1
fi
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "reproduce.sh: load average is $load: other work is running, figures will be noisy" >&2
fi
# `cargo bench` builds the release binary it measures (a separate `cargo build --release`
# would compile the dependencies a second time, with other feature sets).
cargo bench --quiet --bench papersift_bench -- "$corpus" "$@"
