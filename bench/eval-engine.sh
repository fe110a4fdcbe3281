#!/usr/bin/env bash
# The engine's evaluation in one command: ASAP-SAS set 5 QWK (bench/eval-asap.sh), the stance
# accuracy on the labelled introductions and conclusions (the feedback crate's stance test), and
# the table of essay variants for every demo question (bench/eval_variants.py), each with what
# a teacher would expect. Usage: bash bench/eval-engine.sh [OUT.md]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/eval-engine.md}
mkdir -p "$(dirname "$out")"
# STUDYPACK_BIN=path runs that binary instead of building the release one.
if [ -z "${STUDYPACK_BIN:-}" ]; then
  cargo build --release --locked -q -p studypack
  STUDYPACK_BIN="${CARGO_TARGET_DIR:-target}/release/studypack"
fi
export STUDYPACK_BIN
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="sqlite://$work/demo.db"
STUDYPACK_DATABASE_URL="$db" "$STUDYPACK_BIN" import content >/dev/null
{
  echo "# Engine evaluation ($(date -u +%Y-%m-%d))"
  echo
  echo "## ASAP-SAS set 5"
  echo
  bash bench/eval-asap.sh | tail -2
  echo
  echo "## Stance of introductions and conclusions"
  echo
  cargo test --release --locked -q -p studypack-feedback --test evidence stance -- --nocapture 2>&1 \
    | sed -e 's/^\.stance/stance/' | grep -E "^(stance|  [a-z]+:|\||misread)" || true
  echo
  echo "## Essay variants"
  python3 bench/eval_variants.py "$STUDYPACK_BIN" "$db" || true
} | tee "$out"
echo "written to $out"
