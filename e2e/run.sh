#!/usr/bin/env bash
# The browser checks, run by .ci/run after the cargo tests: the real server binary on a fresh
# SQLite database, driven by Debian's headless Chromium through playwright-core.
#   1. practice.mjs: the practice page's flow (type, autosave, reload, a dropped network,
#      an essay over the limit, submit offline then online, the report), what its live regions
#      announce (a MutationObserver), the timer on a moved clock, the page's word count against
#      the engine's, the report's point labels by keyboard and touch, no overflow on a phone.
#   2. pages.mjs: every main page at phone (390×844) and desktop (1280×800) size, as a visitor,
#      a student, an editor and an admin, with axe-core on each: fails on a serious or critical
#      violation, a console error or a failed request; prints minor/moderate ones per rule.
#   3. teachers.mjs: an admin makes a teacher; class → join → set work → write → submit →
#      mark → release → the student reads the mark, with axe-core on every page of the walk;
#      run again on a fresh PostgreSQL database when STUDYPACK_E2E_POSTGRES names a server
#      (`postgres://user@host:port`; .ci/run gives the test server).
# Screenshots (the report at both sizes, the practice page) go to OUT_DIR.
# Needs: chromium (Debian's), node, and e2e/node_modules (`npm ci` in e2e/, run here if missing).
# Usage: bash e2e/run.sh [OUT_DIR]   (STUDYPACK_BIN=path to use a built binary; else a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/e2e}
mkdir -p "$out"
command -v chromium >/dev/null || { echo "install Debian's chromium first: apt-get install chromium" >&2; exit 1; }
[ -d e2e/node_modules/playwright-core ] && [ -d e2e/node_modules/axe-core ] || (cd e2e && npm ci --silent)
bin=${STUDYPACK_BIN:-}
if [ -z "$bin" ]; then
  cargo build -p studypack --locked -q
  bin=${CARGO_TARGET_DIR:-target}/debug/studypack
fi
tmp=$(mktemp -d)
password="a long enough password"
pids=()
pgdb=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$pgdb" ] && psql "$STUDYPACK_E2E_POSTGRES/postgres" -q -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# serve DB_URL LOG: the accounts the walks use, then the server on a free loopback port;
# sets $base.
serve() {
  for who in e2e:student editor:editor admin:admin teacher:student; do
    echo "$password" | "$bin" --database "$1" users add "${who%%:*}@example.com" --role "${who##*:}" --password-stdin 2>/dev/null
  done
  local port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  "$bin" --database "$1" serve --addr "127.0.0.1:$port" >"$2" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$2" >&2; echo "the server did not start" >&2; exit 1; }
  base="http://127.0.0.1:$port"
}
slug=aqa-2023-stalin-leadership-war-victory
# The question practised in the walks has an active calibration, so that its report's
# "Marked to your teachers' standard" line is seen, and checked by axe, in the browser too:
# 40 answers marked by how many of the scheme's bullets they make (4 marks a bullet).
"$bin" --database "sqlite://$tmp/e2e.db" show "$slug" --format json >"$tmp/question.json"
node -e '
  const q = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const bullets = [...q.mark_scheme.supporting, ...q.mark_scheme.challenging];
  for (let i = 0; i < 40; i++) {
    const k = i % 6;
    const text = "Stalin and the war. " + bullets.slice(0, k).map((b) => b + ". ").join("");
    console.log(JSON.stringify({ id: i, text, score: Math.min(k * 4, 25) }));
  }' "$tmp/question.json" >"$tmp/marked.jsonl"
"$bin" --database "sqlite://$tmp/e2e.db" calibrate --question "$slug" --marked "$tmp/marked.jsonl" --store >/dev/null
serve "sqlite://$tmp/e2e.db" "$tmp/server.log"
node e2e/practice.mjs "$base" e2e@example.com "$password" "$slug" "$out"
node e2e/teachers.mjs "$base" "$password" admin@example.com teacher@example.com "$slug" "$out"
node e2e/pages.mjs "$base" "$password" e2e@example.com editor@example.com admin@example.com \
  "$slug" aqa-7042-1h-russia-1855-1964 "$out"
if [ -n "${STUDYPACK_E2E_POSTGRES:-}" ]; then
  pgdb="studypack_e2e_$$"
  psql "$STUDYPACK_E2E_POSTGRES/postgres" -q -c "CREATE DATABASE $pgdb TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  serve "$STUDYPACK_E2E_POSTGRES/$pgdb" "$tmp/server-pg.log"
  mkdir -p "$out/postgres"
  echo "the teachers' walk on PostgreSQL:"
  node e2e/teachers.mjs "$base" "$password" admin@example.com teacher@example.com "$slug" "$out/postgres"
fi
