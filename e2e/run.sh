#!/usr/bin/env bash
# End-to-end check of the practice page in a real browser (not part of CI: it needs Debian's
# chromium and playwright-core from npm). Usage: bash e2e/run.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/e2e}
mkdir -p "$out"
command -v chromium >/dev/null || { echo "install Debian's chromium first: apt-get install chromium" >&2; exit 1; }
[ -d e2e/node_modules/playwright-core ] || (cd e2e && npm install --no-save --silent playwright-core@1)
cargo build --release --locked -q
db=$(mktemp -d)/e2e.db
bin=target/release/studypack
echo "a long enough password" | $bin --database "sqlite://$db" users add e2e@example.com --password-stdin
$bin --database "sqlite://$db" serve --addr 127.0.0.1:8097 >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:8097/healthz >/dev/null && break; sleep 0.2; done
node e2e/practice.mjs http://127.0.0.1:8097 e2e@example.com "a long enough password" \
  aqa-2023-stalin-leadership-war-victory "$out"
