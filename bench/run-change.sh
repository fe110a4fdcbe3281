#!/usr/bin/env bash
# Change to search, on one instance on SQLite: a library of QUESTIONS (default 20,000), a
# server running, then ROUNDS (default 20) new questions imported with `studypack import`
# from a shell, each timed from the end of the import to the moment `GET /api/v1/search`
# finds it (polled every 20 ms; the server checks for changes every second). Also prints the
# server's own time per applied change (its log). Usage: bash bench/run-change.sh [QUESTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
ROUNDS=${2:-20}
if [ -z "${STUDYPACK_BIN:-}" ]; then
  cargo build --release --locked -q -p studypack
  STUDYPACK_BIN="${CARGO_TARGET_DIR:-target}/release/studypack"
fi
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export STUDYPACK_DATABASE_URL="sqlite://$WORK/bench.db"
"$STUDYPACK_BIN" import content >/dev/null
"$STUDYPACK_BIN" bench-data --questions "$N" >/dev/null
STUDYPACK_LOG=studypack_web=info "$STUDYPACK_BIN" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
python3 - "$STUDYPACK_BIN" "$PORT" "$ROUNDS" "$WORK" <<'PY'
import json, os, re, statistics, subprocess, sys, time, urllib.request
bin_, port, rounds, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
base = f"http://127.0.0.1:{port}"
def get(path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.loads(r.read())
start = time.time()
while True:
    try:
        get("/healthz"); break
    except Exception:
        if time.time() - start > 300: raise SystemExit("the server did not start")
        time.sleep(0.2)
print(f"server ready after {time.time() - start:.1f} s")
src = open("content/aqa-russia-1855-1964/aqa-2024-khrushchev-fall-agriculture.md").read()
waits = []
for i in range(rounds):
    word = f"zqxchange{i}"
    text = src.replace('slug = "aqa-2024-khrushchev-fall-agriculture"', f'slug = "change-{i}"')
    text = text.replace("# Question\n\n", f"# Question\n\n{word.capitalize()}: ", 1)
    path = os.path.join(work, f"change-{i}.md")
    open(path, "w").write(text)
    subprocess.run([bin_, "import", path], check=True, capture_output=True)
    t0 = time.time()
    while get(f"/api/v1/search?q={word}")["total"] != 1:
        if time.time() - t0 > 120: raise SystemExit(f"{word} not found in 120 s")
        time.sleep(0.02)
    waits.append(time.time() - t0)
waits.sort()
p99 = waits[min(len(waits) - 1, int(round(0.99 * (len(waits) - 1))))]
print(f"import → searchable, {rounds} changes: median {statistics.median(waits):.2f} s, p99 {p99:.2f} s, max {waits[-1]:.2f} s")
PY
grep -oE '(library changes applied|engine statistics learned again).*' "$WORK/server.log" | head -6 || true
