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
  first() { curl -s "$base$1" | grep -o "name=\"$2\" value=\"[^\"]*\"" | head -1 | sed -E 's/.*value="([^"]*)"/\1/'; }
  visit=$(first "/book/?$q" visit); mode=$(first "/book/?$q&visit=$visit" mode)
  who=$(first "/book/?$q&visit=$visit&mode=$mode" clinician)
  day=$(first "/book/?$q&visit=$visit&mode=$mode&clinician=$who" date)
  start=$(first "/book/?$q&visit=$visit&mode=$mode&clinician=$who&date=$day" start)
  echo "book-visit=/book/"
  echo "book-where=/book/?$q&visit=$visit"
  echo "book-who=/book/?$q&visit=$visit&mode=$mode"
  echo "book-day=/book/?$q&visit=$visit&mode=$mode&clinician=$who"
  echo "book-time=/book/?$q&visit=$visit&mode=$mode&clinician=$who&date=$day"
  echo "book-details=/book/details/?$q&visit=$visit&mode=$mode&clinician=$who&date=$day&start=$start"
}

targets=()
for target in "$@"; do
  if [ "$target" = booking ]; then
    while read -r step; do targets+=("${step%%=*}=http://127.0.0.1:$PORT${step#*=}"); done < <(booking_steps)
  else
    targets+=("${target%%=*}=http://127.0.0.1:$PORT${target#*=}")
  fi
done
LH=$LH bash "$UX/run-lh.sh" "$out" "$runs" "${targets[@]}" >/dev/null
node "$UX/summarize.js" "$out"
for target in "${targets[@]}"; do
  for mode in mobile desktop; do
    NODE_PATH=$LH/node_modules node "$UX/axe-run.js" "${target#*=}" \
      "$out/axe_${target%%=*}_$mode.json" "$mode"
  done
done
stop_server
