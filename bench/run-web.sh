#!/usr/bin/env bash
# Web throughput: the seed's question page and search under wrk (64 connections, 2 threads,
# 10 s each) for one instance on SQLite, nginx serving a saved copy of the same page, and two
# instances on PostgreSQL behind nginx. Needs wrk and nginx (Debian packages) and PostgreSQL
# on 127.0.0.1:5432. Usage: bash bench/run-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "apt-get install wrk nginx-light" >&2; exit 1; }
cargo build --release -q
BIN=target/release/studypack
SEED=../shared/seed/000_359a0cc6bd3e9193.txt
SLUG=aqa-2022-there-were-more-similarities-than-differences-between-stalin
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; }
trap cleanup EXIT

wait_up() { for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.2; done; echo "port $1 did not come up" >&2; exit 1; }
load() { # label url
  local out; out=$(wrk -t2 -c64 -d10s --latency "$2")
  printf '%-52s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}

echo "== one instance, SQLite"
export STUDYPACK_DATABASE_URL="sqlite://$WORK/bench.db"
$BIN import "$SEED" >/dev/null
$BIN serve --addr 127.0.0.1:8201 >/dev/null 2>&1 & PIDS+=($!)
wait_up 8201
mkdir -p "$WORK/www/questions"
curl -sf "http://127.0.0.1:8201/questions/$SLUG" > "$WORK/www/questions/$SLUG.html"
cat > "$WORK/nginx.conf" <<NGINX
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  upstream two { server 127.0.0.1:8202; server 127.0.0.1:8203; keepalive 64; }
  server {
    listen 127.0.0.1:8200;
    root $WORK/www;
    location / { default_type text/html; try_files \$uri.html =404; }
  }
  server {
    listen 127.0.0.1:8204;
    location / { proxy_pass http://two; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$WORK/nginx.conf"
load "question page (studypack, SQLite)" "http://127.0.0.1:8201/questions/$SLUG"
load "same page saved, served by nginx" "http://127.0.0.1:8200/questions/$SLUG"
load "question JSON, uncached (studypack, SQLite)" "http://127.0.0.1:8201/api/v1/questions/$SLUG"
load "search ?q=Khrushchev (studypack, SQLite)" "http://127.0.0.1:8201/api/v1/search?q=Khrushchev"

echo "== two instances, PostgreSQL, behind nginx"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS studypack_bench" -c "CREATE DATABASE studypack_bench TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
export STUDYPACK_DATABASE_URL="postgres://postgres@127.0.0.1:5432/studypack_bench"
$BIN import "$SEED" >/dev/null
$BIN serve --addr 127.0.0.1:8202 >/dev/null 2>&1 & PIDS+=($!)
$BIN serve --addr 127.0.0.1:8203 >/dev/null 2>&1 & PIDS+=($!)
wait_up 8202; wait_up 8203
load "question page (2 × studypack, PostgreSQL, nginx)" "http://127.0.0.1:8204/questions/$SLUG"
load "question JSON, uncached (2 × studypack, PostgreSQL)" "http://127.0.0.1:8204/api/v1/questions/$SLUG"
load "search ?q=Khrushchev (2 × studypack, PostgreSQL)" "http://127.0.0.1:8204/api/v1/search?q=Khrushchev"
load "question page (1 × studypack, PostgreSQL, direct)" "http://127.0.0.1:8202/questions/$SLUG"
