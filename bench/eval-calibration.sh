#!/usr/bin/env bash
# Calibration on ASAP-SAS set 5 (598 answers marked 0–3): `studypack calibrate` against the
# set's plain-text scheme with its own rule from points to marks (1–2 key elements: 1; 3: 2;
# 4 or more: 3; the uncalibrated engine's mark, as in bench/eval-asap.sh), printing 5-fold
# cross-validated agreement of the calibrated and uncalibrated engine and the learning curve
# (25/50/100/200 answers, 10 draws each, measured on the answers not drawn). The held-out
# marks are re-scored by ../shared/eval/qwk.py as an independent check. With --sensitivity,
# the same figures with each learning setting moved either side of its default.
# Usage: bash bench/eval-calibration.sh [--sensitivity]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${STUDYPACK_BIN:-}" ]; then
  cargo build --release -q -p studypack
  STUDYPACK_BIN="${CARGO_TARGET_DIR:-target}/release/studypack"
fi
EVAL=../shared/eval/asap-sas-set5
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export STUDYPACK_DATABASE_URL="sqlite://$WORK/eval.db"
run() {
  "$STUDYPACK_BIN" calibrate --scheme "$EVAL/scheme.txt" --question-text "$(cat "$EVAL/prompt.txt")" \
    --marked "$EVAL/responses.jsonl" --points-for 1,3,4 "$@"
}
start=$(date +%s.%N)
run --out "$WORK/calibration.json" --held-out "$WORK/held-out.jsonl"
end=$(date +%s.%N)
echo
echo "calibrate (598 answers: observe, 5-fold cross-validation, learning curve of 40 draws, final learning): $(python3 -c "print(f'{$end - $start:.1f}')") s"
python3 - "$WORK/held-out.jsonl" "$WORK" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for key in ("calibrated", "uncalibrated"):
    with open(f"{sys.argv[2]}/{key}.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps({"id": r["id"], "score": r[key]}) + "\n")
PY
for key in calibrated uncalibrated; do
  echo "qwk.py on the $key held-out marks: $(python3 "$EVAL/../qwk.py" "$EVAL/responses.jsonl" "$WORK/$key.jsonl" | grep -E "^(QWK|exact)" | tr "\n" " ")"
done
if [ "${1:-}" = "--sensitivity" ]; then
  echo
  echo "Sensitivity: 5-fold CV QWK, then mean learning-curve QWK at 25/50/100/200 (uncalibrated: 0.737 / 0.737 0.736 0.747 0.749)"
  for s in "" select_errors=0 select_errors=1 select_errors=3 select_margin=0 select_margin=0.03 \
           min_term_answers=2 min_term_answers=5 max_terms=50 max_terms=800 \
           penalty_scale=0.25 penalty_scale=4 cut_candidates=16 cut_candidates=256 inner_splits=1 inner_splits=4; do
    args=()
    [ -n "$s" ] && args=(--setting "$s")
    run --format json "${args[@]}" | python3 -c "
import json, sys
v = json.load(sys.stdin)
curve = ' '.join(f\"{p['calibrated']['mean']:.3f}\" for p in v['learning_curve'])
print(f\"  {'${s:-defaults}':<22} {v['cross_validation']['calibrated']['qwk']:.3f}   {curve}\")
"
  done
fi
