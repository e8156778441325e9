#!/usr/bin/env bash
# Set-up steps shared by `make run`, `make test` and .ci/run.
#
#   tools/setup.sh system     Debian packages the build needs (installed when root)
#   tools/setup.sh browser    Chromium and its driver for the browser tests
#   tools/setup.sh venv       .venv with Python 3.7 and the pinned requirements
#   tools/setup.sh node       lessc from npm into ./node_modules
#   tools/setup.sh postgres   a PostgreSQL server that accepts our role
#   tools/setup.sh port PORT  fail clearly when PORT is taken
#
# Each step checks first and does nothing when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# What the build and the suite need from the system, as "check:package":
# a check is a command on PATH or a file; the Debian package provides it.
SYSTEM_NEEDS="gcc:build-essential pg_config:libpq-dev /usr/include/ldap.h:libldap2-dev
  /usr/include/sasl/sasl.h:libsasl2-dev xml2-config:libxml2-dev xslt-config:libxslt1-dev
  /usr/include/jpeglib.h:libjpeg-dev /usr/include/zlib.h:zlib1g-dev /usr/include/ffi.h:libffi-dev
  psql:postgresql-client pg_ctlcluster:postgresql npm:npm"
BROWSER_NEEDS="chromium:chromium chromedriver:chromium-driver
  /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk"

# The packages of NEEDS whose check fails.
missing_packages() {
    local need check pkg
    for need in "$@"; do
        check=${need%%:*}; pkg=${need#*:}
        if [[ $check == /* ]]; then [ -e "$check" ] && continue
        else command -v "$check" >/dev/null && continue
        fi
        # a multiarch header lives under /usr/include/<triplet>/
        [[ $check == /usr/include/* ]] && compgen -G "/usr/include/*/${check#/usr/include/}" >/dev/null && continue
        echo "$pkg"
    done
}

apt_install() {
    local missing
    # shellcheck disable=SC2207
    missing=($(missing_packages "$@"))
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        die "missing system packages (Debian names): ${missing[*]}. Install them with your package manager."
    fi
    if [ "$(id -u)" != 0 ]; then
        die "missing Debian packages: ${missing[*]}. Install them: sudo apt-get install ${missing[*]}"
    fi
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
}

step_system() {
    # shellcheck disable=SC2086
    apt_install $SYSTEM_NEEDS
}

step_browser() {
    [ -n "${CHROMIUM_BIN:-}" ] || apt_install $BROWSER_NEEDS
    command -v chromium >/dev/null || [ -n "${CHROMIUM_BIN:-}" ] \
        || die "Chromium is missing: apt-get install chromium chromium-driver (or set CHROMIUM_BIN and CHROMEDRIVER_BIN)"
}

NO_PYTHON="Python 3.7 is required (Odoo 11 does not run on newer Pythons) and none was found.
  Install it with pyenv: pyenv install 3.7.16
  or point to one:       make run PYTHON=/path/to/python3.7"

# Odoo 11 runs on Python 3.7 (not on 3.10+). Take $PYTHON if given, else
# python3.7 on PATH, else pyenv's 3.7.
find_python() {
    local cand v
    for cand in "${PYTHON:-}" python3.7 \
            "$(command -v pyenv >/dev/null && echo "$(pyenv root)")/versions/3.7"*/bin/python \
            "$HOME"/.pyenv/versions/3.7*/bin/python; do
        [ -n "$cand" ] || continue
        command -v "$cand" >/dev/null 2>&1 || [ -x "$cand" ] || continue
        v=$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
        if [ "$v" = 3.7 ]; then
            command -v "$cand" 2>/dev/null || echo "$cand"
            return 0
        fi
    done
    return 1
}

# pip, without the noise of index locations a machine's pip.conf names
# but does not have
pip_quiet() {
    .venv/bin/pip -q --disable-pip-version-check "$@" 2>&1 | { grep -v "^WARNING: Location '" || true; }
    return "${PIPESTATUS[0]}"
}

step_venv() {
    local py stamp want
    if [ -x .venv/bin/python ] && [ "$(.venv/bin/python -c 'import sys; print(sys.version_info[:2] == (3, 7))' 2>/dev/null)" != True ]; then
        say ".venv is not a Python 3.7 environment: recreating it"
        rm -rf .venv
    fi
    if [ ! -x .venv/bin/python ]; then
        py=$(find_python) || die "$NO_PYTHON"
        say "creating .venv with $py"
        "$py" -m venv .venv || die "could not create .venv with $py (on Debian: apt-get install python3.7-venv)"
    fi
    want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
    stamp=.venv/.requirements-$want
    [ -f "$stamp" ] && return 0
    say "installing the pinned requirements into .venv (a few minutes the first time)"
    # vatnumber and suds-jurko still build with use_2to3, which setuptools 58
    # removed: pin setuptools in the venv and build without isolation.
    pip_quiet install "pip<24" "setuptools<58" wheel
    pip_quiet install --no-build-isolation -r requirements-dev.txt \
        || die "installing requirements failed (see above). Missing headers? run: tools/setup.sh system"
    rm -f .venv/.requirements-*
    touch "$stamp"
}

step_node() {
    if [ -x node_modules/.bin/lessc ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
        return 0
    fi
    command -v npm >/dev/null || die "npm is missing: the Odoo web client needs lessc from npm.
  Install Node.js and npm (Debian: apt-get install nodejs npm), then run make again."
    say "installing lessc from npm into ./node_modules"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed (see above)"
    touch node_modules/.package-lock.json
}

# PostgreSQL: Odoo connects over the Unix socket as the current user (or as
# PGHOST/PGUSER/PGPASSWORD say). Start a local Debian cluster that is down,
# and create our role once when we are root.
pg_ok() { psql -X -d postgres -tAc 'select 1' >/dev/null 2>&1; }

step_postgres() {
    local me err cluster
    me=${PGUSER:-$(id -un)}
    [ "$me" = postgres ] && die "Odoo refuses to connect as the PostgreSQL role 'postgres'.
  Run make as another user, or set PGUSER to another superuser role."
    pg_ok && return 0
    command -v psql >/dev/null || die "PostgreSQL is not installed. Install it (Debian: apt-get install postgresql),
  or run the suite with Docker: docker compose up"
    err=$(psql -X -d postgres -tAc 'select 1' 2>&1 || true)
    if [[ "$err" == *"No such file or directory"* || "$err" == *"Connection refused"* ]] && command -v pg_lsclusters >/dev/null; then
        cluster=$(pg_lsclusters -h | awk '$4 != "online" {print $1" "$2; exit}')
        if [ -n "$cluster" ]; then
            [ "$(id -u)" = 0 ] || die "PostgreSQL cluster $cluster is down. Start it: sudo pg_ctlcluster $cluster start"
            say "starting PostgreSQL cluster $cluster"
            # shellcheck disable=SC2086
            pg_ctlcluster --skip-systemctl-redirect $cluster start \
                || die "could not start PostgreSQL cluster $cluster: see /var/log/postgresql/"
        fi
        pg_ok && return 0
        err=$(psql -X -d postgres -tAc 'select 1' 2>&1 || true)
    fi
    if [[ "$err" == *"role \"$me\" does not exist"* ]]; then
        [ "$(id -u)" = 0 ] || die "PostgreSQL has no role '$me'. Create it: sudo -u postgres createuser -s $me"
        say "creating PostgreSQL superuser role $me"
        su postgres -c "createuser -s $me" || die "could not create PostgreSQL role $me"
        pg_ok && return 0
        err=$(psql -X -d postgres -tAc 'select 1' 2>&1 || true)
    fi
    die "PostgreSQL does not answer: $err
  Make sure a server runs and accepts the role '$me' (or set PGHOST, PGPORT, PGUSER, PGPASSWORD)."
}

step_port() {
    local port=$1
    if ! .venv/bin/python - "$port" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(('0.0.0.0', int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
    then
        local who=""
        command -v ss >/dev/null && who=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(([^)]*' | head -1 | sed 's/users:((//' || true)
        die "port $port is already in use${who:+ by $who}. Stop that server, or serve on another port: make run PORT=8070"
    fi
}

case "${1:-}" in
    system) step_system ;;
    browser) step_browser ;;
    venv) step_venv ;;
    node) step_node ;;
    postgres) step_postgres ;;
    port) step_port "${2:?port}" ;;
    python) find_python || die "$NO_PYTHON" ;;
    *) die "usage: tools/setup.sh system|browser|venv|node|postgres|port PORT|python" ;;
esac
