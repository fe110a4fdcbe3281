#!/usr/bin/env bash
# The web feedback path's cost per request, for one or more release binaries run alternately
# (three rounds): each round starts the binary on a fresh SQLite database with the demo
# library (server pinned to core 0, client to core 1) and times 50 sequential
# POST /api/v1/feedback requests (the feedback rate limit is 60 a minute per address).
# Usage: bash bench/run-feedback-web.sh BIN [BIN…]   (default: a release build of this tree)
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
if [ "${#bins[@]}" -eq 0 ]; then cargo build --release -q -p studypack; bins=(target/release/studypack); fi
port=8390
for round in 1 2 3; do
  for b in "${bins[@]}"; do
    d=$(mktemp -d); port=$((port + 1))
    taskset -c 0 "$b" --database "sqlite://$d/x.db" serve --addr "127.0.0.1:$port" >/dev/null 2>&1 & pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    printf 'round %s %s: ' "$round" "$b"
    taskset -c 1 python3 bench/feedback_latency.py "$port" 50
    kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$d"
  done
done
