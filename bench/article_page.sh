#!/usr/bin/env bash
# Load the demo Achilles article as in production and print requests/s and p99.
#
#   bench/article_page.sh [sqlite|postgres|both]   (default: both)
#
# wrk loads it from loopback for 20 s with 32 connections (bench/lib.sh serves
# it). SQLite runs with the default file cache, PostgreSQL with Redis as the
# cache (the two ways Mend is deployed). Also prints the uncached render time.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
which=${1:-both}
DURATION=${BENCH_SECONDS:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
ARTICLE=/articles/achilles-pain-running-hamstring-stretch/
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
bench_env

run() {
  echo "== $1"
  demo_database
  start_server
  curl -sf -o /dev/null "http://127.0.0.1:$PORT$ARTICLE"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$ARTICLE" >"$work/wrk.txt"
  stop_server
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  errors=$(awk '/Non-2xx|Socket errors/' "$work/wrk.txt")
  echo "cached article page ($SERVER): $rps requests/s, p99 $p99 at $CONNECTIONS connections (${DURATION} s)"
  [ -z "$errors" ] || echo "errors: $errors"
  $BIN/python bench/article_render.py "$ARTICLE"
}

if [ "$which" = sqlite ] || [ "$which" = both ]; then
  DATABASE_URL="sqlite:///$work/bench.sqlite3" REDIS_URL="" run "SQLite, file cache"
fi
if [ "$which" = postgres ] || [ "$which" = both ]; then
  db="mend_bench_$$"
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  redis-cli -h 127.0.0.1 -n 5 flushdb >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL=redis://127.0.0.1:6379/5 \
    run "PostgreSQL, Redis cache"
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE $db"
fi
