#!/usr/bin/env bash
# Export each addon's translation template (i18n/<addon>.pot) from the `crm`
# database (run `make run` or `tools/crmdb.py ensure crm` first).
#   tools/i18n_export.sh [addon ...]     (default: every addon)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 0 ] && set -- $(ls addons)
for addon in "$@"; do
    tmp=$(mktemp --suffix=.po)
    .venv/bin/python tools/odoo-bin -c odoo.conf -d "${DB:-crm}" --i18n-export="$tmp" \
        --modules="$addon" --stop-after-init --log-level=warn
    mkdir -p "addons/$addon/i18n"
    mv "$tmp" "addons/$addon/i18n/$addon.pot"
    echo "addons/$addon/i18n/$addon.pot: $(grep -c '^msgid "' "addons/$addon/i18n/$addon.pot") strings"
done
