# Shared by the benchmark scripts: serve the demo clinic as in production.
#   source bench/lib.sh; bench_env; demo_database; start_server; …; stop_server
# MEND_DEBUG off, static files by whitenoise, granian (or BENCH_SERVER=gunicorn)
# on 127.0.0.1:$PORT. Everything lives in a scratch folder removed on exit.

PORT=${BENCH_PORT:-8090}
SERVER=${BENCH_SERVER:-granian}
BIN=${BENCH_VENV:-.venv}/bin   # the venv to use (another checkout's, for a clean tree)
server=""
work=$(mktemp -d)
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

bench_env() {
  export MEND_DEBUG=false EMAIL_URL=console: MEND_VAR_DIR="$work"
  MEND_SECRET_KEY="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export MEND_SECRET_KEY MEND_BASE_URL="http://127.0.0.1:$PORT" MEND_ALLOWED_HOSTS=127.0.0.1
}

demo_database() {
  $BIN/python -m mend migrate --no-input -v 0
  $BIN/python -m mend collectstatic --no-input -v 0
  $BIN/python -m mend load_demo --force >/dev/null
}

start_server() {
  if [ "$SERVER" = gunicorn ]; then
    $BIN/python -m gunicorn mend.wsgi:application --bind "127.0.0.1:$PORT" --workers "$(nproc)" \
      --worker-class gthread --threads 4 --access-logfile /dev/null --error-logfile /dev/null &
  else
    # One Python thread per worker: the page cache's work is CPU-bound, more threads only contend.
    # Backpressure caps the connections a worker accepts (not the requests in flight): 2 keeps
    # wrk's 32 connections queued in front of the server, while a browser, which holds several
    # keep-alive connections open, needs more (BENCH_BACKPRESSURE; bench/ux.sh sets it).
    $BIN/python -m granian --interface wsgi --host 127.0.0.1 --port "$PORT" --workers "$(nproc)" \
      --blocking-threads 1 --backpressure "${BENCH_BACKPRESSURE:-2}" --log-level warning --no-ws \
      mend.wsgi:application &
  fi
  server=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/" && return; sleep 0.2; done
  echo "the server did not start" >&2
  return 1
}

stop_server() {
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}
