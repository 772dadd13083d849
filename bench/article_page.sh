#!/usr/bin/env bash
# Load the demo Achilles article as in production and print requests/s and p99.
#
#   bench/article_page.sh [sqlite|postgres|both]   (default: both)
#
# Mend runs with MEND_DEBUG off, whitenoise and granian (WSGI, one worker per
# core; BENCH_SERVER=gunicorn to compare) on 127.0.0.1; wrk loads it from loopback for 20 s with 32 connections.
# SQLite runs with the default file cache, PostgreSQL with Redis as the cache
# (the two ways Mend is deployed). Also prints the uncached render time.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
PORT=${BENCH_PORT:-8090}
DURATION=${BENCH_SECONDS:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
SERVER=${BENCH_SERVER:-granian}   # or gunicorn, to compare
ARTICLE=/articles/achilles-pain-running-hamstring-stretch/
BIN=${BENCH_VENV:-.venv}/bin   # the venv to use (another checkout's, for a clean tree)
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

export MEND_DEBUG=false EMAIL_URL=console: MEND_VAR_DIR="$work"
export MEND_SECRET_KEY="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export MEND_BASE_URL="http://127.0.0.1:$PORT" MEND_ALLOWED_HOSTS=127.0.0.1

run() {
  local name=$1
  echo "== $name"
  $BIN/python -m mend migrate --no-input -v 0
  $BIN/python -m mend collectstatic --no-input -v 0
  $BIN/python -m mend load_demo >/dev/null
  if [ "$SERVER" = gunicorn ]; then
    $BIN/python -m gunicorn mend.wsgi:application --bind "127.0.0.1:$PORT" --workers "$(nproc)" \
      --worker-class gthread --threads 4 --access-logfile /dev/null &
  else
    # One Python thread per worker: the page cache's work is CPU-bound, more threads only contend.
    $BIN/python -m granian --interface wsgi --host 127.0.0.1 --port "$PORT" --workers "$(nproc)" \
      --blocking-threads 1 --backpressure 2 --log-level warning --no-ws mend.wsgi:application &
  fi
  server=$!
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT$ARTICLE" && break; sleep 0.2; done
  curl -sf -o /dev/null "http://127.0.0.1:$PORT$ARTICLE"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$ARTICLE" >"$work/wrk.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  errors=$(awk '/Non-2xx|Socket errors/' "$work/wrk.txt")
  echo "cached article page ($SERVER): ${rps} requests/s, p99 ${p99} at ${CONNECTIONS} connections (${DURATION} s)"
  [ -z "$errors" ] || echo "errors: $errors"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  $BIN/python bench/article_render.py "$ARTICLE"
}

if [ "$which" = sqlite ] || [ "$which" = both ]; then
  DATABASE_URL="sqlite:///$work/bench.sqlite3" REDIS_URL= run "SQLite, file cache"
fi
if [ "$which" = postgres ] || [ "$which" = both ]; then
  db="mend_bench_$$"
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  redis-cli -h 127.0.0.1 -n 5 flushdb >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL=redis://127.0.0.1:6379/5 \
    run "PostgreSQL, Redis cache"
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE $db"
fi
