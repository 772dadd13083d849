#!/usr/bin/env bash
# Lighthouse and axe-core on demo pages, the way the WordPress anchor was scored
# (../shared/bench/ux/). Needs LH: a scratch folder holding the npm install of
# lighthouse@12.8.2, axe-core@4.14.1 and puppeteer-core (see that README).
#
#   LH=/some/scratch bench/ux.sh OUTDIR RUNS NAME=PATH [NAME=PATH ...]
#   e.g. LH=$LH bench/ux.sh out 3 article=/articles/achilles-pain-running-hamstring-stretch/
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
start_server
targets=()
for target in "$@"; do targets+=("${target%%=*}=http://127.0.0.1:$PORT${target#*=}"); done
LH=$LH bash "$UX/run-lh.sh" "$out" "$runs" "${targets[@]}" >/dev/null
node "$UX/summarize.js" "$out"
for target in "${targets[@]}"; do
  for mode in mobile desktop; do
    NODE_PATH=$LH/node_modules node "$UX/axe-run.js" "${target#*=}" \
      "$out/axe_${target%%=*}_$mode.json" "$mode"
  done
done
stop_server
