#!/usr/bin/env bash
# Load the demo Achilles article as in production and print requests/s and p99.
#
#   bench/article_page.sh [sqlite|postgres|both|nginx]   (default: both)
#
# wrk loads it from loopback for 20 s with 32 connections (bench/lib.sh serves
# it). SQLite runs with the default file cache, PostgreSQL with Redis as the
# cache (the two ways Mend is deployed). Also prints the uncached render time.
#
# "nginx" measures, in one run on SQLite: the cached article page and the demo
# course's sales page, then Debian's nginx serving the same bytes of each as a
# static file, and prints each page's share of nginx's figure.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
which=${1:-both}
DURATION=${BENCH_SECONDS:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
ARTICLE=/articles/achilles-pain-running-hamstring-stretch/
SALES=/courses/low-back-pain-start-at-home/
NGINX_PORT=$((PORT + 1))
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

# requests/s of one wrk run against URL; the run's figures are left in $work/wrk.txt.
rate() {
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" >"$work/wrk.txt"
  awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt"
}

side_by_side() {
  command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
  echo "== SQLite, file cache, beside nginx serving the same bytes (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  demo_database
  $BIN/python -m mend load_course_demo --force >/dev/null
  start_server
  mkdir -p "$work/static"
  declare -A mend
  for name in article sales; do
    path=$ARTICLE; [ "$name" = sales ] && path=$SALES
    curl -sf -o "$work/static/$name.html" "http://127.0.0.1:$PORT$path"
    curl -sf -o /dev/null "http://127.0.0.1:$PORT$path"
    mend[$name]=$(rate "http://127.0.0.1:$PORT$path")
    echo "Mend, cached $name page ($path): ${mend[$name]} requests/s, p99 $(awk '$1 == "99%" {print $2}' "$work/wrk.txt")"
  done
  stop_server
  chmod 755 "$work"
  cat >"$work/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/static;
    default_type text/html;
  }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work"
  for name in article sales; do
    served=$(rate "http://127.0.0.1:$NGINX_PORT/$name.html")
    share=$(awk -v m="${mend[$name]}" -v n="$served" 'BEGIN {printf "%.0f", 100 * m / n}')
    echo "nginx, the same $name bytes ($(stat -c %s "$work/static/$name.html") B): $served requests/s, p99 $(awk '$1 == "99%" {print $2}' "$work/wrk.txt"); Mend is ${share} % of it"
  done
  kill "$(cat "$work/nginx.pid")"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

if [ "$which" = nginx ]; then
  DATABASE_URL="sqlite:///$work/bench.sqlite3" REDIS_URL="" side_by_side
fi
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
