#!/usr/bin/env bash
# QWK on ASAP-SAS set 5: every answer through `studypack feedback --scheme --jsonl`, the number
# of covered key elements mapped through rubric.txt (4+ → 3, 3 → 2, 1–2 → 1, 0 → 0), scored by
# ../shared/eval/qwk.py. Global settings, no training. Usage: bash bench/eval-asap.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# STUDYPACK_BIN=path runs that binary instead of building the release one.
if [ -z "${STUDYPACK_BIN:-}" ]; then
  cargo build --release -q -p studypack
  STUDYPACK_BIN="${CARGO_TARGET_DIR:-target}/release/studypack"
fi
EVAL=../shared/eval/asap-sas-set5
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export STUDYPACK_DATABASE_URL="sqlite://$WORK/eval.db"
"$STUDYPACK_BIN" feedback --scheme "$EVAL/scheme.txt" --question-text "$(cat "$EVAL/prompt.txt")" \
  --jsonl "$EVAL/responses.jsonl" > "$WORK/reports.jsonl"
python3 - "$WORK/reports.jsonl" "$WORK/pred.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        r = json.loads(line)
        n = r["coverage"]["covered"]
        out.write(json.dumps({"id": r["id"], "score": 3 if n >= 4 else 2 if n == 3 else 1 if n >= 1 else 0}) + "\n")
PY
python3 "$EVAL/../qwk.py" "$EVAL/responses.jsonl" "$WORK/pred.jsonl"
