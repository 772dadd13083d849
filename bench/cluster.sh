#!/usr/bin/env bash
# Mend on several servers, on loopback: Debian's nginx (deploy/nginx.conf without TLS) in
# front of two granian app servers, two task workers, PostgreSQL, Redis, moto's S3 server
# and an SMTP sink. bench/cluster.py puts a mixed, bounded load on it, kills one app
# server in the middle and restarts it, then checks what must hold and prints PASS/FAIL.
#
#   bench/cluster.sh [--seconds 180]          the mixed load and every check
#   bench/cluster.sh --bookings-only [--seconds 60]
#                                             64 clients booking distinct free times across
#                                             20 clinicians; prints bookings/s
#   bench/cluster.sh --compare OTHER [--rounds 1] [--seconds 60]
#                                             --bookings-only on this checkout (A), then on
#                                             the checkout OTHER with OTHER/.venv (B): A B A,
#                                             one more B A for each further round
#
# BENCH_LOGS=<folder> keeps the processes' logs there.
# BENCH_CHECKOUT (another checkout) and BENCH_VENV (its venv) choose the code the servers
# and workers run; moto, the SMTP sink and the load itself always come from this checkout's
# .venv. PostgreSQL on 127.0.0.1:5432 (a scratch database, dropped at exit), Redis on
# 127.0.0.1:6379 (database BENCH_REDIS_DB, 5 by default, emptied at start and exit).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
TOOLS=$ROOT/.venv/bin                          # moto, aiosmtpd, the load
CHECKOUT=$(cd "${BENCH_CHECKOUT:-$ROOT}" && pwd)
BIN=${BENCH_VENV:-$CHECKOUT/.venv}/bin         # what Mend runs on
REDIS_DB=${BENCH_REDIS_DB:-5}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ "${1:-}" = --compare ]; then
  other=$(cd "$2" && pwd)
  shift 2
  rounds=1
  if [ "${1:-}" = --rounds ]; then rounds=$2; shift 2; fi
  results=$(mktemp)
  sides=(A)
  for _ in $(seq "$rounds"); do sides+=(B A); done
  for side in "${sides[@]}"; do
    if [ "$side" = A ]; then checkout=$CHECKOUT; venv=$BIN/..; else checkout=$other; venv=$other/.venv; fi
    echo "== $side: $checkout ($(git -C "$checkout" log --oneline -1 2>/dev/null | cut -c1-60))"
    BENCH_CHECKOUT=$checkout BENCH_VENV=$venv "$0" --bookings-only "$@" |
      tee -a /dev/stderr | sed -n "s/^bookings\/s: \([0-9.]*\).*/$side \1/p" >>"$results"
  done
  "$TOOLS/python" "$HERE/cluster.py" compare "$results"
  rm -f "$results"
  exit 0
fi

work=$(mktemp -d -t mend-cluster-XXXXXX)
database=mend_cluster_$$
redis=(redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB")

stop_all() {
  local pidfile
  if [ -n "${BENCH_LOGS:-}" ]; then mkdir -p "$BENCH_LOGS" && cp "$work"/*.log "$BENCH_LOGS"/ || true; fi
  for pidfile in "$work"/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -- "-$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 1
  for pidfile in "$work"/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -0 -- "-$(cat "$pidfile")" 2>/dev/null && kill -9 -- "-$(cat "$pidfile")" 2>/dev/null
  done
  wait 2>/dev/null || true
  "${redis[@]}" FLUSHDB >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

free_port() { "$TOOLS/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT_NGINX=$(free_port); PORT_A=$(free_port); PORT_B=$(free_port)
PORT_S3=$(free_port); PORT_SMTP=$(free_port)

# Each process is started in the background with its pid in $work/<name>.pid, which the
# exit trap (and the load, for the server it kills and restarts) reads: a granian server
# is a parent and its worker, so whole process groups are signalled.
spawn() {  # in a session of its own, so that its pid names its whole process group
  local name=$1; shift
  setsid "$@" >>"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  disown  # the exit trap ends it by its pid file, without the shell reporting it
}
wait_http() {  # url, what
  for _ in $(seq 150); do curl -sf -o /dev/null "$1" && return; sleep 0.2; done
  echo "$2 did not start; its log:" >&2
  tail -n 40 "$work/$2.log" >&2 || true
  return 1
}

"${redis[@]}" FLUSHDB >/dev/null
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $database"

export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$database
export REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
export MEND_DEBUG=false MEND_VAR_DIR=$work/var MEND_ALLOWED_HOSTS=127.0.0.1
export MEND_BASE_URL=http://127.0.0.1:$PORT_NGINX
MEND_SECRET_KEY="cluster-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export MEND_SECRET_KEY EMAIL_URL=smtp://127.0.0.1:$PORT_SMTP
export MEND_S3_BUCKET=mend-media MEND_S3_ENDPOINT_URL=http://127.0.0.1:$PORT_S3
export MEND_S3_ACCESS_KEY_ID=cluster MEND_S3_SECRET_ACCESS_KEY=cluster MEND_S3_REGION=us-east-1
export MEND_DB_POOL_SIZE=${MEND_DB_POOL_SIZE:-8}
export MEND_PAGE_CACHE_RECHECK_MS=${MEND_PAGE_CACHE_RECHECK_MS:-1000}
# One address (nginx's) sends every request: the per-address limits would refuse the load.
export MEND_BOOKING_RATE_LIMIT=1000000 MEND_BOOKING_EMAIL_RATE_LIMIT=1000000
export MEND_FORM_RATE_LIMIT=1000000
# Reminders two hours ahead, on a one-minute step, so that visits booked for a little over
# two hours from now have their reminders fall due while the load runs.
export MEND_BOOKING_REMINDER_HOURS=2
if [ "${1:-}" != --bookings-only ]; then export MEND_BOOKING_STEP_MINUTES=1; fi
export DJANGO_SETTINGS_MODULE=mend.settings PYTHONPATH=$CHECKOUT
export AWS_ACCESS_KEY_ID=cluster AWS_SECRET_ACCESS_KEY=cluster AWS_DEFAULT_REGION=us-east-1

spawn s3 "$TOOLS/python" -m moto.server -H 127.0.0.1 -p "$PORT_S3"
spawn smtp "$TOOLS/python" "$HERE/cluster.py" sink --port "$PORT_SMTP" --out "$work/mail.jsonl"
wait_http "http://127.0.0.1:$PORT_S3/" s3
"$TOOLS/python" -c "import boto3, sys; boto3.client('s3', endpoint_url=sys.argv[1]).create_bucket(Bucket='mend-media')" \
  "$MEND_S3_ENDPOINT_URL"

cd "$CHECKOUT"
"$BIN/python" -m mend migrate --no-input -v 0
"$BIN/python" -m mend collectstatic --no-input -v 0
setup_flags=()
if [ "${1:-}" = --bookings-only ]; then
  setup_flags=(--bookings-only)  # the booking demo is all it needs (and all the baseline has)
else
  "$BIN/python" -m mend load_demo --force >/dev/null
fi
"$BIN/python" -m mend load_booking_demo >/dev/null
"$BIN/python" "$HERE/cluster.py" setup --out "$work/setup.json" "${setup_flags[@]}"

# One granian worker process per server with eight threads (the booking race's shape);
# the two servers are the "machines". The load restarts server A from app-a.cmd.
app_command() {
  printf '%s\n' "$BIN/python" -m granian --interface wsgi --host 127.0.0.1 --port "$1" \
    --workers 1 --blocking-threads 8 --log-level warning --no-ws mend.wsgi:application
}
app_command "$PORT_A" >"$work/app-a.cmd"
app_command "$PORT_B" >"$work/app-b.cmd"
mapfile -t command_a <"$work/app-a.cmd"
mapfile -t command_b <"$work/app-b.cmd"
spawn app-a "${command_a[@]}"
spawn app-b "${command_b[@]}"
spawn worker-1 "$BIN/python" -m mend worker
spawn worker-2 "$BIN/python" -m mend worker
wait_http "http://127.0.0.1:$PORT_A/health/" app-a
wait_http "http://127.0.0.1:$PORT_B/health/" app-b

"$TOOLS/python" "$HERE/cluster.py" nginx-conf --deployed "$ROOT/deploy/nginx.conf" \
  --port "$PORT_NGINX" --upstream "127.0.0.1:$PORT_A" --upstream "127.0.0.1:$PORT_B" \
  --work "$work" >"$work/nginx.conf"
spawn nginx "$NGINX" -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log"
wait_http "http://127.0.0.1:$PORT_NGINX/health/" nginx

status=0
"$TOOLS/python" "$HERE/cluster.py" load --setup "$work/setup.json" --work "$work" \
  --nginx "$PORT_NGINX" --server-a "$PORT_A" --server-b "$PORT_B" --checkout "$CHECKOUT" \
  --python "$BIN/python" "$@" || status=$?
exit $status
