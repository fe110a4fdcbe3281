#!/usr/bin/env bash
# The seed page's model essay and free plan, each read as an essay against the seed's own mark
# scheme on the AQA rubric (the question's view as the question text; the model essay is not
# compared with itself). Usage: bash bench/eval-seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export STUDYPACK_DATABASE_URL="sqlite://$WORK/seed.db"
BIN=target/release/studypack
SLUG=aqa-2022-there-were-more-similarities-than-differences-between-stalin
$BIN import ../shared/seed/000_359a0cc6bd3e9193.txt >/dev/null
$BIN show $SLUG --format json > "$WORK/q.json"
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]; q = json.load(open(w + "/q.json"))
open(w + "/essay.txt", "w").write(q["model_essay"]); open(w + "/plan.txt", "w").write(q["plan"])
open(w + "/question.txt", "w").write(q["question"])
open(w + "/scheme.txt", "w").write("Arguments supporting the view\n" + "".join("• " + b + "\n" for b in q["mark_scheme"]["supporting"])
    + "\nArguments challenging the view\n" + "".join("• " + b + "\n" for b in q["mark_scheme"]["challenging"]))
PY
for f in essay plan; do
  $BIN feedback --scheme "$WORK/scheme.txt" --topic aqa-7042-1h-russia-1855-1964 --question-text "$(cat "$WORK/question.txt")" \
    --format json "$WORK/$f.txt" | python3 -c "
import json, sys; r = json.load(sys.stdin); c = r['coverage']
print('$f: level %s (marks %s); %d of %d bullets with a covered point; points %d covered, %d partial of %d; introduction %s, conclusion %s; flags %s' % (
  r['level']['level'], r['level']['marks'], c['bullets_covered'], c['bullets_total'], c['covered'], c['partial'], c['total'],
  r['judgement']['introduction'], r['judgement']['conclusion'], r['flags']))"
done
