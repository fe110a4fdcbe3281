#!/usr/bin/env bash
# Search latency at 100,000 questions: generates the synthetic library into a temporary
# SQLite database (about 90 s), builds the index and times 15 kinds of query, 50 rounds.
# Usage: bash bench/run-search.sh [QUESTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p studypack
BIN="${CARGO_TARGET_DIR:-target}/release/studypack"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export STUDYPACK_DATABASE_URL="sqlite://$WORK/bench.db"
"$BIN" bench-data --questions "${1:-100000}"
"$BIN" bench-search --rounds 50
