#!/usr/bin/env bash
# `make bench`: every bench/bench_*.py on the database crm_bench (the five
# addons with demo data; created when missing, updated when the addons
# changed). Results: printed, and appended to var/bench/results.md.
#   tools/run_bench.sh [bench/bench_x.py ...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export CRM_BENCH_DB=${CRM_BENCH_DB:-crm_bench}
.venv/bin/python tools/crmdb.py ensure "$CRM_BENCH_DB"
[ $# -eq 0 ] && set -- bench/bench_*.py
echo "| benchmark | data | result | target |"
echo "|---|---|---|---|"
for script in "$@"; do
    (cd bench && ../.venv/bin/python "$(basename "$script")")
done
