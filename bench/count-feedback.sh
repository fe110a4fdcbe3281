#!/usr/bin/env bash
# Instructions per report (callgrind), the benchmark's question and essay: a figure that does
# not move with the machine's load, unlike time. Needs valgrind.
# Usage: bash bench/count-feedback.sh [REPORTS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
cargo build --release -q -p studypack-feedback --example report_loop
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "${CARGO_TARGET_DIR:-target}/release/examples/report_loop" "$1" 2>&1 |
    awk '/Collected/ { gsub(",", "", $4); print $4 }'
}
setup=$(count 0)
total=$(count "$n")
echo "instructions per report: $(( (total - setup) / n )) (${n} reports; setup of the engine and question subtracted)"
