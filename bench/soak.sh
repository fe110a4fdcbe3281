#!/usr/bin/env bash
# Soak: a mixed load for a while, sampled each minute — throughput, p50/p99, errors, rate
# limited answers and the server's resident memory.
#
#   bash bench/soak.sh [CONNECTIONS] [MINUTES] [sqlite|postgres]     # default 64 10 sqlite
#
# The load (wrk, 2 threads, loopback only): 45% question pages, 20% search pages, 10% the
# browse page, 10% search JSON, 15% feedback on a 700-word essay by one of 300 signed-in
# users (bearer tokens). The server runs with --trust-proxy so that the 300 sign-ins can
# each carry their own X-Forwarded-For (a header only: no traffic leaves the machine) and
# not meet the per-address sign-in limit. Each user may ask for feedback 60 times a minute
# (the default limit): answers past it are 429 and counted apart from errors.
# Needs wrk (apt-get install wrk) and, for postgres, the server on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-64}
minutes=${2:-10}
backend=${3:-sqlite}
command -v wrk >/dev/null || { echo "apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -q -p studypack
bin=target/release/studypack
work=$(mktemp -d)
server=""
pgdb=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$pgdb" ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$backend" = postgres ]; then
  pgdb="studypack_soak_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pgdb TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  export STUDYPACK_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pgdb"
else
  export STUDYPACK_DATABASE_URL="sqlite://$work/soak.db"
fi
$bin import ../shared/seed/000_359a0cc6bd3e9193.txt >/dev/null
port=$((20000 + RANDOM % 20000))
$bin serve --addr "127.0.0.1:$port" --trust-proxy >"$work/serve.out" 2>"$work/serve.err" &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

echo "making 300 accounts and signing them in ..."
for i in $(seq 1 300); do
  echo "soak password $i" | $bin users add "soak$i@example.com" --password-stdin >/dev/null 2>&1
done
: >"$work/tokens.txt"
for i in $(seq 1 300); do
  curl -sf -H 'content-type: application/json' -H "x-forwarded-for: 198.18.$((i / 250)).$((i % 250 + 1))" \
    -d "{\"email\":\"soak$i@example.com\",\"password\":\"soak password $i\"}" "$base/api/v1/session" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >>"$work/tokens.txt"
done
curl -sf "$base/api/v1/questions?per_page=100" | python3 -c 'import json,sys; [print(q["slug"]) for q in json.load(sys.stdin)["items"]]' >"$work/slugs.txt"
python3 - "$work/essay.json" <<'PY'
import json, sys
words = ("Stalin and Khrushchev both ruled through the Party and relied on the secret police, "
         "yet Khrushchev released prisoners from the Gulag and denounced Stalin in the Secret Speech of 1956. ").split()
essay = " ".join(words[i % len(words)] for i in range(700))
json.dump({"question": "aqa-2022-there-were-more-similarities-than-differences-between-stalin", "text": essay},
          open(sys.argv[1], "w"))
PY

cat >"$work/mix.lua" <<LUA
local threads = {}
function setup(thread) table.insert(threads, thread) end
local tokens, slugs, essay = {}, {}, ""
-- Globals, so that done() can read each thread's counts with thread:get().
ok, limited, errors = 0, 0, 0
function init(args)
  for l in io.lines("$work/tokens.txt") do table.insert(tokens, l) end
  for l in io.lines("$work/slugs.txt") do table.insert(slugs, l) end
  local f = io.open("$work/essay.json"); essay = f:read("*a"); f:close()
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
local queries = {"Khrushchev", "Stalin terror", "Tudor rebellion", "Cold War Berlin", "collectivisation", "de-Stalinisation"}
function request()
  local r = math.random(100)
  if r <= 45 then
    return wrk.format("GET", "/questions/" .. slugs[math.random(#slugs)])
  elseif r <= 65 then
    return wrk.format("GET", "/search?q=" .. queries[math.random(#queries)]:gsub(" ", "+"))
  elseif r <= 75 then
    return wrk.format("GET", "/questions?board=AQA")
  elseif r <= 85 then
    return wrk.format("GET", "/api/v1/search?q=" .. queries[math.random(#queries)]:gsub(" ", "+"))
  else
    return wrk.format("POST", "/api/v1/feedback",
      {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["Content-Type"] = "application/json"}, essay)
  end
end
function response(status, headers, body)
  if status == 429 then limited = limited + 1
  elseif status >= 200 and status < 400 then ok = ok + 1
  else errors = errors + 1 end
end
function done(summary, latency, requests)
  local o, l, e = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); l = l + t:get("limited"); e = e + t:get("errors") end
  e = e + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, o, l, e))
end
LUA

rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
echo "soak: $conns connections, $minutes minutes, $backend; RSS at start $(rss) MB"
printf '| minute | req/s | p50 ms | p99 ms | ok | 429 | errors | RSS MB |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n'
total_errors=0
for m in $(seq 1 "$minutes"); do
  line=$(wrk -t2 -c"$conns" -d60s --timeout 10s -s "$work/mix.lua" "$base" | grep '^RESULT')
  read -r _ rps p50 p99 ok limited errors <<<"$line"
  total_errors=$((total_errors + errors))
  printf '| %d | %s | %s | %s | %s | %s | %s | %s |\n' "$m" "$rps" "$p50" "$p99" "$ok" "$limited" "$errors" "$(rss)"
done
sleep 5
echo "RSS 5 s after the load: $(rss) MB; errors in all: $total_errors"
grep -c "request failed" "$work/serve.err" | xargs -I{} echo "server-side 5xx logged: {}"
