#!/usr/bin/env bash
# Lighthouse and axe-core on demo pages, the way the WordPress anchor was scored
# (../shared/bench/ux/). Needs LH: a scratch folder holding the npm install of
# lighthouse@12.8.2, axe-core@4.14.1 and puppeteer-core (see that README).
#
#   LH=/some/scratch bench/ux.sh OUTDIR RUNS NAME=PATH [NAME=PATH ...]
#   e.g. LH=$LH bench/ux.sh out 3 article=/articles/achilles-pain-running-hamstring-stretch/
# The argument "booking" stands for every step of the booking flow with the demo clinic's
# visit types (visit, where, who, day, time, details), found by following the pages.
set -euo pipefail
cd "$(dirname "$0")/.."
# A browser keeps several connections open. At granian's backpressure of 2 per worker (the
# wrk benches' setting) a connection beyond the first few waited about 30 s to be accepted,
# so one script or style sheet of a page took 30 s to load.
export BENCH_BACKPRESSURE=${BENCH_BACKPRESSURE:-64}
source bench/lib.sh
: "${LH:?set LH to the folder with the npm install of lighthouse, axe-core and puppeteer-core}"
out=$(realpath -m "$1"); runs=$2; shift 2
UX=${BENCH_UX:-../shared/bench/ux}
mkdir -p "$out"
bench_env
export DATABASE_URL="sqlite:///$work/ux.sqlite3"
demo_database
$BIN/python -m mend load_booking_demo >/dev/null  # as `mend demo`: visit types, clinicians
start_server

booking_steps() {  # NAME=PATH for each step, the first offered choice taken at each
  local base=http://127.0.0.1:$PORT q="tz=UTC" visit mode who day start
  first() {  # path, field[, which]: the value of the field's first (or which-th) choice
    curl -s "$base$1" | grep -o "name=\"$2\" value=\"[^\"]*\"" | sed -n "${3:-1}p" |
      sed -E 's/.*value="([^"]*)"/\1/'
  }
  visit=$(first "/book/?$q" visit); mode=$(first "/book/?$q&visit=$visit" mode)
  who=$(first "/book/?$q&visit=$visit&mode=$mode" clinician)
  # The second day offered, not the first: today's first times fall inside the visit type's
  # notice while the runs go on, and the details page then answers 409 (the time is gone).
  day=$(first "/book/?$q&visit=$visit&mode=$mode&clinician=$who" date 2)
  start=$(first "/book/?$q&visit=$visit&mode=$mode&clinician=$who&date=$day" start)
  echo "bookvisit=/book/"
  echo "bookwhere=/book/?$q&visit=$visit"
  echo "bookwho=/book/?$q&visit=$visit&mode=$mode"
  echo "bookday=/book/?$q&visit=$visit&mode=$mode&clinician=$who"
  echo "booktime=/book/?$q&visit=$visit&mode=$mode&clinician=$who&date=$day"
  echo "bookdetails=/book/details/?$q&visit=$visit&mode=$mode&clinician=$who&date=$day&start=$start"
}

targets=()
for target in "$@"; do
  if [ "$target" = booking ]; then
    while read -r step; do targets+=("${step%%=*}=http://127.0.0.1:$PORT${step#*=}"); done < <(booking_steps)
  else
    targets+=("${target%%=*}=http://127.0.0.1:$PORT${target#*=}")
  fi
done
# Now and then (about one run in 30 here, on the booking steps and on a quiet machine too)
# Lighthouse stops with NO_NAVSTART: its trace lacks the main frame's navigation start,
# while the page itself loaded normally (every request a 200 within 200 ms). Such a run
# gives no scores, so a target whose runs stop is run again, at most twice.
for target in "${targets[@]}"; do
  for try in 1 2 3; do
    LH=$LH bash "$UX/run-lh.sh" "$out" "$runs" "$target" >/dev/null && break
    echo "Lighthouse stopped on ${target%%=*} (try $try of 3)" >&2
  done
done
node "$UX/summarize.js" "$out"
for target in "${targets[@]}"; do
  for mode in mobile desktop; do
    NODE_PATH=$LH/node_modules node "$UX/axe-run.js" "${target#*=}" \
      "$out/axe_${target%%=*}_$mode.json" "$mode"
  done
done
stop_server
