#!/usr/bin/env bash
# Scale (issue 18 item 5): a library of QUESTIONS (default 100,000). Two instances on
# PostgreSQL, each keeping its index on disk: start-up time and memory cold (empty index
# directory) and warm (restart), then SAVES (default 100) editor saves through instance A's
# website, one a second, each timed to the moment instance B's search finds it, with the
# question page and search of B measured idle and during the saves. Then the same with one
# instance on SQLite (saves and searches on it). Needs PostgreSQL on 127.0.0.1:5432.
# Usage: bash bench/run-scale.sh [QUESTIONS] [SAVES]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
SAVES=${2:-100}
if [ -z "${STUDYPACK_BIN:-}" ]; then
  cargo build --release --locked -q -p studypack
  STUDYPACK_BIN="${CARGO_TARGET_DIR:-target}/release/studypack"
fi
BIN=$STUDYPACK_BIN
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
EMAIL=editor@scale.example
PASSWORD=scale-bench-password

# start NAME PORT INDEX_DIR: starts an instance, waits until it serves, prints its start-up.
start() {
  local t0=$SECONDS started
  started=$(date +%s.%N)
  STUDYPACK_LOG=studypack_web=info,studypack=info "$BIN" serve --addr "127.0.0.1:$2" --index-dir "$3" >>"$WORK/$1.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  eval "PID_$1=$pid"
  for _ in $(seq 1 3000); do
    curl -sf "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  local now; now=$(date +%s.%N)
  printf '%-28s start-up %6.1f s   RSS %5d MB (peak %5d MB)\n' "$1 $4" "$(echo "$now - $started" | bc)" \
    "$(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))" "$(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 ))"
}
stop() { local pid; pid=$(eval "echo \$PID_$1"); kill "$pid"; wait "$pid" 2>/dev/null || true; }

library() { # prepares the database named by STUDYPACK_DATABASE_URL
  "$BIN" import content >/dev/null
  "$BIN" bench-data --questions "$N" 2>/dev/null | tail -n 1
  printf '%s\n' "$PASSWORD" | "$BIN" users add "$EMAIL" --role editor --password-stdin >/dev/null
}

echo "== two instances, PostgreSQL, $N questions"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS studypack_scale" -c "CREATE DATABASE studypack_scale TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
export STUDYPACK_DATABASE_URL="postgres://postgres@127.0.0.1:5432/studypack_scale"
library
start A 8301 "$WORK/index-a" cold
start B 8302 "$WORK/index-b" cold
stop B
start B 8302 "$WORK/index-b" warm
python3 bench/scale_driver.py http://127.0.0.1:8301 http://127.0.0.1:8302 "$EMAIL" "$PASSWORD" "$SAVES" "$N"
grep -ohE '"library changes applied"|library changes applied.*' "$WORK/B.log" | tail -n 2 || true
stop A; stop B

echo "== one instance, SQLite, $N questions"
export STUDYPACK_DATABASE_URL="sqlite://$WORK/scale.db"
library
start S 8303 "$WORK/index-s" cold
stop S
start S 8303 "$WORK/index-s" warm
python3 bench/scale_driver.py http://127.0.0.1:8303 http://127.0.0.1:8303 "$EMAIL" "$PASSWORD" "$SAVES" "$N"
grep -ohE 'library changes applied.*' "$WORK/S.log" | tail -n 2 || true
