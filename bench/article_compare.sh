#!/usr/bin/env bash
# The article page against a baseline checkout, both measured in one run, interleaved.
#
#   BASE=/path/to/other/checkout bench/article_compare.sh [sqlite|postgres|both] [ROUNDS]
#
# BASE is another checkout of Mend (e.g. a git worktree of an older commit) with its own
# venv (BASE_VENV, default $BASE/.venv). Per database, each checkout gets its own demo
# database and cache. Then, ROUNDS times (default 3), in turn:
#   - the uncached render (bench/article_render.py, 60 renders or 10 s): this, baseline;
#   - the cached page under wrk (-t2 -c32, BENCH_SECONDS, default 10 s): this checkout,
#     the baseline and nginx serving this checkout's saved HTML as a static file.
# Prints every figure with the load average before it, then the medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
: "${BASE:?set BASE to the baseline checkout}"
BASE=$(realpath "$BASE")
BASE_VENV=${BASE_VENV:-$BASE/.venv}
HERE=$(pwd)
which=${1:-both}
ROUNDS=${2:-3}
DURATION=${BENCH_SECONDS:-10}
ARTICLE=/articles/achilles-pain-running-hamstring-stretch/
PORT_HERE=$PORT PORT_BASE=$((PORT + 1)) PORT_NGINX=$((PORT + 2))
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
bench_env
export MEND_ALLOWED_HOSTS=127.0.0.1 MEND_BASE_URL="http://127.0.0.1:$PORT_HERE"
pids=()
stop_all() {  # nginx by its pid; each granian server by the pid file it wrote
  local p left alive
  left=("${pids[@]}")
  for p in "$work"/*.granian.pid; do  # one file at a time: granian ends its pid without a newline
    [ -e "$p" ] && left+=("$(cat "$p")")
  done
  for p in "${left[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do  # at most 10 s for them to go, then SIGKILL
    alive=0
    for p in "${left[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for p in "${left[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
      echo "process $p did not stop on SIGTERM: killed" >&2
      kill -9 "$p" 2>/dev/null || true
    fi
  done
  rm -f "$work"/*.granian.pid
  wait 2>/dev/null || true
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

in_tree() {  # in_tree here|base COMMAND…: run with that checkout's code, venv, database and cache
  local name=$1; shift
  local tree=$HERE venv=$HERE/$BIN/..
  [ "$name" = base ] && tree=$BASE venv=$BASE_VENV
  (cd "$tree" && BENCH_TREE="$tree" MEND_VAR_DIR="$work/$name" DATABASE_URL="${DB[$name]}" \
    REDIS_URL="${REDIS[$name]:-}" PATH="$venv/bin:$PATH" exec "$@")
}

serve() {  # serve here|base PORT
  if curl -s -o /dev/null "http://127.0.0.1:$2/"; then echo "port $2 is taken" >&2; return 1; fi
  # in_tree runs in a subshell of its own, so $! would name that subshell, not granian:
  # granian writes its own pid, which stop_all signals.
  in_tree "$1" python -m granian --interface wsgi --host 127.0.0.1 --port "$2" \
    --workers "$(nproc)" --blocking-threads 1 --backpressure 2 --log-level warning --no-ws \
    --pid-file "$work/$1.granian.pid" mend.wsgi:application &
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/health/" && return; sleep 0.2; done
  echo "the $1 server did not start" >&2
  return 1
}

load() {  # load LABEL URL: one wrk run, its figures on one line
  wrk -t2 -c32 -d"${DURATION}s" --latency "$2" >"$work/wrk.txt"
  local rps p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  errors=$(awk '/Non-2xx|Socket errors/' "$work/wrk.txt")
  echo "cached $1: $rps requests/s, p99 $p99 ${errors:+($errors)}"
  echo "$1 $rps" >>"$work/rps.txt"
}

nginx_up() {
  mkdir -p "$work/static"
  chmod 755 "$work" "$work/static"
  curl -sf "http://127.0.0.1:$PORT_HERE$ARTICLE" -o "$work/static/article.html"
  cat >"$work/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$PORT_NGINX; root $work/static; default_type text/html; }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work" &
  pids+=($!)
  sleep 1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

run() {
  echo "== $1"
  : >"$work/rps.txt"; : >"$work/render.txt"
  for name in here base; do
    mkdir -p "$work/$name"
    in_tree "$name" python -m mend migrate --no-input -v 0
    in_tree "$name" python -m mend collectstatic --no-input -v 0
    in_tree "$name" python -m mend load_demo --force >/dev/null
  done
  for round in $(seq "$ROUNDS"); do
    for name in here base; do
      echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
      line=$(in_tree "$name" python "$HERE/bench/article_render.py" "$ARTICLE" \
        --renders 60 --seconds 10)
      echo "round $round $name: $line"
      echo "$name $(echo "$line" | sed -E 's/.*median ([0-9.]+) ms.*/\1/')" >>"$work/render.txt"
    done
  done
  serve here "$PORT_HERE"
  serve base "$PORT_BASE"
  nginx_up
  for round in $(seq "$ROUNDS"); do
    for target in "here $PORT_HERE$ARTICLE" "base $PORT_BASE$ARTICLE" "nginx $PORT_NGINX/article.html"; do
      set -- $target
      echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
      load "$1" "http://127.0.0.1:$2"
    done
  done
  stop_all
  local here base nginx rhere rbase
  rhere=$(awk '$1 == "here" {print $2}' "$work/render.txt" | median)
  rbase=$(awk '$1 == "base" {print $2}' "$work/render.txt" | median)
  here=$(awk '$1 == "here" {print $2}' "$work/rps.txt" | median)
  base=$(awk '$1 == "base" {print $2}' "$work/rps.txt" | median)
  nginx=$(awk '$1 == "nginx" {print $2}' "$work/rps.txt" | median)
  echo "uncached render, median of medians: $rhere ms against the baseline's $rbase ms:" \
    "$(awk -v a="$rhere" -v b="$rbase" 'BEGIN {printf "%.2f", a / b}') ×"
  echo "cached page, median: $here requests/s, baseline $base, nginx $nginx:" \
    "$(awk -v a="$here" -v n="$nginx" 'BEGIN {printf "%.0f", 100 * a / n}') % of nginx" \
    "(baseline $(awk -v a="$base" -v n="$nginx" 'BEGIN {printf "%.0f", 100 * a / n}') %)"
}

declare -A DB REDIS
if [ "$which" = sqlite ] || [ "$which" = both ]; then
  DB=([here]="sqlite:///$work/here.sqlite3" [base]="sqlite:///$work/base.sqlite3")
  REDIS=()
  run "SQLite, file cache"
fi
if [ "$which" = postgres ] || [ "$which" = both ]; then
  for name in here base; do
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS mend_bench_${name}_$$" \
      -c "CREATE DATABASE mend_bench_${name}_$$"
  done
  redis-cli -h 127.0.0.1 -n 5 flushdb >/dev/null
  redis-cli -h 127.0.0.1 -n 6 flushdb >/dev/null
  DB=([here]="postgres://postgres@127.0.0.1:5432/mend_bench_here_$$"
    [base]="postgres://postgres@127.0.0.1:5432/mend_bench_base_$$")
  REDIS=([here]=redis://127.0.0.1:6379/5 [base]=redis://127.0.0.1:6379/6)
  run "PostgreSQL, Redis cache"
  for name in here base; do psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE mend_bench_${name}_$$"; done
fi
