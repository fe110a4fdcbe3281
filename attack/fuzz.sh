#!/usr/bin/env bash
# The fuzz targets (fuzz/fuzz_targets: the feedback engine, every parser of outside input)
# under libFuzzer via cargo-fuzz, for a fixed number of inputs each.
#
#   bash attack/fuzz.sh [RUNS]      # default 100000 inputs per target (CI)
#
# cargo-fuzz needs nightly compiler flags (-Zsanitizer); the machine has one stable
# toolchain, so the build sets RUSTC_BOOTSTRAP=1 to allow them. cargo-fuzz itself is
# installed from crates.io on first use. A crash leaves its input in fuzz/artifacts/ and
# fails the script.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs=${1:-100000}
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
for target in $(cargo fuzz list); do
  corpus=$(mktemp -d)
  echo "== fuzz: $target, $runs inputs"
  log=$(mktemp)
  if ! cargo fuzz run -O "$target" "$corpus" -- -runs="$runs" -seed=1 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz target $target failed (its input is in fuzz/artifacts/$target)" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
  rm -rf "$corpus" "$log"
done
echo "fuzz: every target ran $runs inputs without a crash"
