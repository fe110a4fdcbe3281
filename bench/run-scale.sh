#!/usr/bin/env bash
# Scale (issue 18 item 5): a library of QUESTIONS (default 100,000). Two instances on
# PostgreSQL, each keeping its index on disk: start-up time and memory cold (empty index
# directory) and warm (restart), then SAVES (default 100) editor saves through instance A's
# website, one a second, each timed to the moment instance B's search finds it, with the
# question page and search of B measured in quiet spells and during the saves, which
# alternate (bench/scale_driver.py), with each process's share of the cores. Then the same with one
# instance on SQLite (saves and searches on it). Needs PostgreSQL on 127.0.0.1:5432.
# Usage: bash bench/run-scale.sh [QUESTIONS] [SAVES]
# With STUDYPACK_SCALE_DIR=DIR the databases are kept there (and the PostgreSQL database
# studypack_scale kept) and reused by the next run with the same QUESTIONS; index
# directories are always made afresh, so "cold" stays cold. STUDYPACK_SCALE_ONLY=postgres or
# sqlite runs one part.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
SAVES=${2:-100}
if [ -z "${STUDYPACK_BIN:-}" ]; then
  cargo build --release --locked -q -p studypack
  STUDYPACK_BIN="${CARGO_TARGET_DIR:-target}/release/studypack"
fi
BIN=$STUDYPACK_BIN
if [ -n "${STUDYPACK_SCALE_DIR:-}" ]; then WORK=$STUDYPACK_SCALE_DIR; KEEP=1; mkdir -p "$WORK"; else WORK=$(mktemp -d); KEEP=; fi
rm -rf "$WORK"/index-* "$WORK"/*.log
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; [ -n "$KEEP" ] || rm -rf "$WORK"; }
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
  local st=/proc/$pid/status
  printf '%-10s start-up %6.1f s   RSS %5d MB (heap and stacks %5d MB, mapped index files %5d MB; peak %5d MB)\n' "$1 $4" "$(echo "$now - $started" | bc)" \
    "$(( $(awk '/VmRSS/ {print $2}' $st) / 1024 ))" "$(( $(awk '/RssAnon/ {print $2}' $st) / 1024 ))" \
    "$(( $(awk '/RssFile/ {print $2}' $st) / 1024 ))" "$(( $(awk '/VmHWM/ {print $2}' $st) / 1024 ))"
}
stop() { local pid; pid=$(eval "echo \$PID_$1"); kill "$pid"; wait "$pid" 2>/dev/null || true; }

applied() { # the instance's own time per applied change, from its log
  python3 - "$WORK/$1.log" <<'PY'
import re, statistics, sys
rows = [l for l in open(sys.argv[1]) if "library changes applied" in l]
for key in ("indexed_ms", "engine_ms"):
    xs = sorted(int(m.group(1)) for l in rows for m in [re.search(key + r"=(\d+)", l)] if m)
    if xs:
        print(f"  {sys.argv[1].rsplit('/', 1)[-1][:-4]} applied {len(xs)} changes: {key} median {statistics.median(xs)}, p99 {xs[min(len(xs) - 1, round(0.99 * (len(xs) - 1)))]}, max {xs[-1]}")
PY
}

library() { # prepares the database named by STUDYPACK_DATABASE_URL (HAVE: questions it has)
  if [ -n "$KEEP" ] && [ "${HAVE:-0}" -ge "$N" ]; then echo "reusing a library of $HAVE questions"; return; fi
  "$BIN" import content >/dev/null
  "$BIN" bench-data --questions "$N" 2>/dev/null | tail -n 1
  printf '%s\n' "$PASSWORD" | "$BIN" users add "$EMAIL" --role editor --password-stdin >/dev/null
}

ONLY=${STUDYPACK_SCALE_ONLY:-}   # postgres or sqlite: only that part
if [ "$ONLY" != sqlite ]; then
echo "== two instances, PostgreSQL, $N questions"
HAVE=$(psql -h 127.0.0.1 -U postgres -d studypack_scale -tAc "SELECT count(*) FROM questions" 2>/dev/null || echo 0)
if [ -z "$KEEP" ] || [ "$HAVE" -lt "$N" ]; then
  HAVE=0
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS studypack_scale" -c "CREATE DATABASE studypack_scale TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
fi
export STUDYPACK_DATABASE_URL="postgres://postgres@127.0.0.1:5432/studypack_scale"
library
start A 8301 "$WORK/index-a" cold
start B 8302 "$WORK/index-b" cold
stop B
start B 8302 "$WORK/index-b" warm
python3 bench/scale_driver.py http://127.0.0.1:8301 http://127.0.0.1:8302 "$EMAIL" "$PASSWORD" "$SAVES" "$N" "A=$PID_A" "B=$PID_B"
applied B
stop A; stop B
fi

[ "$ONLY" = postgres ] && exit 0
echo "== one instance, SQLite, $N questions"
HAVE=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM questions').fetchone()[0])" "$WORK/scale.db" 2>/dev/null || echo 0)
[ "$HAVE" -ge "$N" ] || rm -f "$WORK"/scale.db*
export STUDYPACK_DATABASE_URL="sqlite://$WORK/scale.db"
library
start S 8303 "$WORK/index-s" cold
stop S
start S 8303 "$WORK/index-s" warm
python3 bench/scale_driver.py http://127.0.0.1:8303 http://127.0.0.1:8303 "$EMAIL" "$PASSWORD" "$SAVES" "$N" "S=$PID_S"
applied S
