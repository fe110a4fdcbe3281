#!/usr/bin/env bash
# Schemathesis against the served OpenAPI document, on SQLite and on PostgreSQL, anonymously
# and with a bearer token: every response must be a documented status with a documented
# body and content type, and none may be a 5xx.
#
#   bash attack/schemathesis.sh [STUDYPACK_BINARY]
#
# Needs: a built `studypack` (default target/debug/studypack), python3, and PostgreSQL on
# 127.0.0.1:5432 with trust authentication (STUDYPACK_TEST_DATABASE_URL names the admin
# database; a fresh database is made and dropped for the run). Schemathesis is installed into
# a virtual environment under ~/.cache/studypack-ci from PyPI on first use.
# Bounded: SCHEMATHESIS_EXAMPLES test cases per operation (default 60) and a fixed seed.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/debug/studypack}
examples=${SCHEMATHESIS_EXAMPLES:-60}
seed=${SCHEMATHESIS_SEED:-20261201}
version=4.32.5
venv="${HOME}/.cache/studypack-ci/schemathesis-${version}"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==${version}"
fi
st="$venv/bin/schemathesis"

work=$(mktemp -d)
server=""
pgdb=""
admin_url=${STUDYPACK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$pgdb" ] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

password="correct horse battery staple"

# Starts the server on $1 (a database URL); sets $server and $base.
start() {
  local url=$1
  STUDYPACK_DATABASE_URL=$url "$bin" users add fuzz@example.com --password-stdin <<<"$password" >/dev/null
  STUDYPACK_DATABASE_URL=$url "$bin" serve --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  for _ in $(seq 1 100); do
    base=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -n 1 || true)
    [ -n "$base" ] && break
    sleep 0.2
  done
  [ -n "$base" ] || { echo "the server did not start: $(cat "$work/serve.err")" >&2; exit 1; }
}

stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

# One run of schemathesis; extra arguments are passed on.
run() {
  local label=$1
  shift
  echo "== schemathesis: $label"
  "$st" run "$base/api/v1/openapi.json" \
    --checks all \
    --exclude-checks positive_data_acceptance,ensure_resource_availability,use_after_free,ignored_auth,object_level_authorization \
    --max-examples "$examples" --seed "$seed" --no-shrink \
    --phases examples,coverage,fuzzing \
    --request-timeout 30 \
    --suppress-health-check all \
    --report junit --report-dir "$work/report-$label" \
    "$@"
}

# Checks that no response was a 5xx: the server logs each failure it answered with one.
no_server_errors() {
  if grep -q "request failed" "$work/serve.err"; then
    echo "the server answered with a 5xx:" >&2
    grep "request failed" "$work/serve.err" | head -n 5 >&2
    exit 1
  fi
}

for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/attack.db"
  else
    pgdb="studypack_attack_$$"
    psql "$admin_url" -qc "CREATE DATABASE $pgdb TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    url="${admin_url%/*}/$pgdb"
  fi
  start "$url"
  # The token first: the anonymous run's sign-in attempts soon meet the rate limit.
  token=$(curl -sf -H 'content-type: application/json' \
    -d "{\"email\":\"fuzz@example.com\",\"password\":\"$password\"}" "$base/api/v1/session" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  run "$backend-anonymous"
  # Signed in: everything but signing out (which would end the token half way).
  run "$backend-bearer" -H "Authorization: Bearer $token" --exclude-operation-id signOut
  no_server_errors
  stop
done
echo "schemathesis: no 5xx and no schema violations on SQLite and PostgreSQL"
