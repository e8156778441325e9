#!/usr/bin/env bash
# `make test`: a fresh throw-away database with the five addons and their
# demo data, then pytest over the addons' tests and tests/, then the
# database is dropped (also when the tests fail or are interrupted).
#   tools/run_tests.sh [pytest arguments]   (default: addons tests)
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
DB=crm_test_$$
started=${CRM_MAKE_STARTED:-$(date +%s)}

.venv/bin/python tools/crmdb.py cleanup || exit 1
trap '.venv/bin/python tools/crmdb.py drop "$DB" >/dev/null 2>&1' EXIT
.venv/bin/python tools/crmdb.py create "$DB" || exit 1
echo "[test] set-up took $(( $(date +%s) - ${started%.*} )) s before the first test"

[ $# -eq 0 ] && set -- addons tests
.venv/bin/pytest --odoo-config=odoo.conf --odoo-database="$DB" --odoo-log-level=warn "$@"
