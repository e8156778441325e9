"""Create, update and drop the suite's Odoo databases.

Run with the project's virtual environment from the repository root:

    .venv/bin/python tools/crmdb.py ensure crm      # make run: create or update
    .venv/bin/python tools/crmdb.py create NAME     # make test: a fresh copy
    .venv/bin/python tools/crmdb.py drop NAME
    .venv/bin/python tools/crmdb.py cleanup         # drop stale test databases

Installing Odoo's own apps (crm, sale, stock, account, mass_mailing...) takes
minutes; installing our five addons on top takes seconds. So the core apps are
installed once into a template database named after a hash of what they depend
on (requirements.txt and the core modules our manifests name). Every suite
database is a copy of that template (database and filestore) with our addons
installed on it. A database is built under a temporary name and renamed only
when it is complete, so an interrupted run never leaves a half-built `crm`.
"""
import argparse
import ast
import hashlib
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, 'addons')
CONF = os.path.join(ROOT, 'odoo.conf')
LOG_DIR = os.path.join(ROOT, 'var', 'log')
BUILDING = '__building'
TEST_PREFIX = 'crm_test_'
HASH_PARAM = 'crm_suite.addons_hash'
DATA_DIR_PARAM = 'crm_suite.data_dir'

os.chdir(ROOT)
import odoo  # noqa: E402  (after chdir: odoo.conf paths are relative to ROOT)
from odoo.service import db as odoo_db  # noqa: E402

odoo.tools.config.parse_config(['-c', CONF, '--log-level=warn'])
# the served suite hides database management (list_db = False); this tool
# is that management, run by whoever runs `make`
odoo.tools.config['list_db'] = True


def say(msg):
    print('[crmdb] %s' % msg, flush=True)


def fail(msg):
    print('[crmdb] ERROR: %s' % msg, file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------- the addons
def our_addons():
    """Our addons, each with its manifest, in a stable order."""
    res = {}
    for name in sorted(os.listdir(ADDONS)):
        path = os.path.join(ADDONS, name, '__manifest__.py')
        if os.path.isfile(path):
            with open(path) as f:
                manifest = ast.literal_eval(f.read())
            if manifest.get('installable', True):
                res[name] = manifest
    return res


def core_modules(addons):
    deps = set()
    for manifest in addons.values():
        deps.update(manifest.get('depends', []))
    return sorted(deps - set(addons))


def digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b'\0')
    return h.hexdigest()


def base_name(addons):
    """The template's name: a hash of what it holds and of where its files
    are (two checkouts sharing one PostgreSQL keep their own templates)."""
    with open(os.path.join(ROOT, 'requirements.txt'), 'rb') as f:
        reqs = f.read()
    return 'crm_base_' + digest(reqs, ','.join(core_modules(addons)), data_dir())[:10]


def data_dir():
    """Where the files are, symlinks resolved (git worktrees that link their
    var/ to one checkout's share its templates)."""
    return os.path.realpath(odoo.tools.config['data_dir'])


def has_files(name):
    """Whether the database's filestore (attachments, web assets) is here."""
    return os.path.isdir(odoo.tools.config.filestore(name))


def addons_hash():
    """A hash of every file of our addons (what an update must follow)."""
    parts = []
    for top, dirs, files in os.walk(ADDONS):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for fname in sorted(files):
            if fname.endswith(('.pyc', '.pyo')):
                continue
            path = os.path.join(top, fname)
            with open(path, 'rb') as f:
                parts.append(os.path.relpath(path, ADDONS).encode() + b'\0' + f.read())
    return digest(*parts)


# ------------------------------------------------------------- the databases
def pg():
    """A cursor on the `postgres` maintenance database, in autocommit."""
    conn = odoo.sql_db.db_connect('postgres')
    cr = conn.cursor()
    cr.autocommit(True)
    return cr


def list_dbs():
    cr = pg()
    try:
        cr.execute("SELECT datname FROM pg_database WHERE NOT datistemplate")
        return {row[0] for row in cr.fetchall()}
    finally:
        cr.close()


def query(name, sql, params=()):
    """Rows of one query on database `name` (no registry loaded)."""
    import psycopg2
    conn = psycopg2.connect(**odoo.sql_db.connection_info_for(name)[1])
    try:
        cr = conn.cursor()
        cr.execute(sql, params)
        return cr.fetchall()
    finally:
        conn.close()


def db_state(name, modules):
    """('missing' | 'incomplete' | 'complete', stored addons hash).

    Complete: every module of `modules` installed and none half-way."""
    if name not in list_dbs():
        return 'missing', None
    tables = query(name, "SELECT to_regclass('ir_module_module'), to_regclass('ir_config_parameter')")
    if None in tables[0]:
        return 'incomplete', None
    states = dict(query(name, "SELECT name, state FROM ir_module_module"))
    if any(s in ('to install', 'to upgrade', 'to remove') for s in states.values()):
        return 'incomplete', None
    if any(states.get(m) != 'installed' for m in modules):
        return 'incomplete', None
    row = query(name, "SELECT value FROM ir_config_parameter WHERE key = %s", [HASH_PARAM])
    return 'complete', row and row[0][0]


def drop(name):
    if name in list_dbs():
        odoo_db.exp_drop(name)
    else:
        # a filestore may outlive its database after a crash
        import shutil
        shutil.rmtree(odoo.tools.config.filestore(name), ignore_errors=True)


def run_odoo(db, args, what):
    """Run Odoo once (install or update, then stop); log to var/log."""
    os.makedirs(LOG_DIR, exist_ok=True)
    log = os.path.join(LOG_DIR, '%s.log' % db)
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'odoo-bin'), '-c', CONF,
           '-d', db, '--db-filter=^%s$' % re.escape(db), '--stop-after-init',
           '--log-level=warn', '--logfile=%s' % log] + args
    say('%s (log: %s)' % (what, os.path.relpath(log, ROOT)))
    started = time.time()
    offset = os.path.getsize(log) if os.path.exists(log) else 0
    rc = subprocess.call(cmd, cwd=ROOT)
    with open(log, errors='replace') as f:
        f.seek(offset)      # only this run's lines: the log keeps earlier runs
        text = f.read()
    errors = [m.start() for m in re.finditer(r' (ERROR|CRITICAL) ', text)]
    if rc or errors:
        excerpt = text[errors[0]:errors[0] + 4000] if errors else text[-4000:]
        fail('%s failed (exit %s). First error in %s:\n%s' % (what, rc, log, excerpt))
    say('%s: done in %.0f s' % (what, time.time() - started))


def ensure_base(addons):
    """The template database with Odoo's own apps installed, built once."""
    name = base_name(addons)
    state, _ = db_state(name, core_modules(addons))
    if state == 'complete' and has_files(name):
        return name
    for other in list_dbs():
        if other.startswith('crm_base_') and other != name and template_is_stale(other):
            say('dropping outdated template %s' % other)
            drop(other)
    tmp = name + BUILDING
    drop(tmp)
    drop(name)
    run_odoo(tmp, ['-i', ','.join(core_modules(addons))],
             'installing Odoo apps %s into template %s (once; takes a few minutes)'
             % (', '.join(core_modules(addons)), name))
    set_param(tmp, DATA_DIR_PARAM, data_dir())
    odoo_db.exp_rename(tmp, name)
    return name


def template_is_stale(name):
    """A template of ours for older requirements, or of a checkout that is
    gone (CI clones): its files are here, or nowhere any more."""
    if has_files(name):
        return True
    try:
        row = query(name, "SELECT value FROM ir_config_parameter WHERE key = %s", [DATA_DIR_PARAM])
    except Exception:   # not an Odoo database after all: leave it alone
        return False
    return bool(row) and not os.path.isdir(row[0][0])


def build(name, addons):
    """A new database `name`: a copy of the template plus our addons."""
    base = ensure_base(addons)
    tmp = name + BUILDING
    drop(tmp)
    say('copying template %s to %s' % (base, tmp))
    odoo_db.exp_duplicate_database(base, tmp)
    odoo.sql_db.close_db(tmp)
    run_odoo(tmp, ['-i', ','.join(addons)], 'installing %s into %s' % (', '.join(addons), tmp))
    set_hash(tmp)
    drop(name)
    odoo_db.exp_rename(tmp, name)


def set_param(name, key, value):
    registry = odoo.registry(name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env['ir.config_parameter'].set_param(key, value)
    odoo.sql_db.close_db(name)
    odoo.modules.registry.Registry.delete(name)


def set_hash(name):
    set_param(name, HASH_PARAM, addons_hash())


def update(name, addons):
    installed = {r[0] for r in query(
        name, "SELECT name FROM ir_module_module WHERE state = 'installed' AND name IN %s",
        [tuple(addons)])}
    args = []
    if installed:
        args += ['-u', ','.join(a for a in addons if a in installed)]
    if set(addons) - installed:
        args += ['-i', ','.join(a for a in addons if a not in installed)]
    run_odoo(name, args, 'updating %s in %s' % (', '.join(addons), name))
    set_hash(name)


# ------------------------------------------------------------------ commands
def cmd_ensure(args):
    addons = our_addons()
    state, stored = db_state(args.name, core_modules(addons) + list(addons))
    if state == 'missing':
        say('database %s does not exist: creating it with demo data' % args.name)
        build(args.name, addons)
    elif state == 'incomplete':
        say('database %s is incomplete (an interrupted set-up?): rebuilding it' % args.name)
        build(args.name, addons)
    elif not has_files(args.name):
        fail('database %s exists but its files are not in %s (was it made from another '
             'checkout?). Drop it with `make clean-db`, or use another name: make run DB=crm2'
             % (args.name, odoo.tools.config['data_dir']))
    elif stored != addons_hash():
        update(args.name, addons)
    else:
        say('database %s is up to date' % args.name)


def cmd_create(args):
    addons = our_addons()
    if args.name in list_dbs():
        fail('database %s already exists; drop it first' % args.name)
    try:
        build(args.name, addons)
    except BaseException:
        drop(args.name + BUILDING)
        raise


def cmd_drop(args):
    drop(args.name)
    drop(args.name + BUILDING)
    say('dropped %s' % args.name)


def cmd_cleanup(args):
    """Drop test databases whose test run is gone (killed or interrupted)."""
    for name in sorted(list_dbs()):
        m = re.match(r'^%s(\d+)' % TEST_PREFIX, name)
        if m and not os.path.exists('/proc/%s' % m.group(1)):
            say('dropping stale test database %s' % name)
            drop(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command')
    for cmd, func in [('ensure', cmd_ensure), ('create', cmd_create), ('drop', cmd_drop)]:
        p = sub.add_parser(cmd)
        p.add_argument('name')
        p.set_defaults(func=func)
    sub.add_parser('cleanup').set_defaults(func=cmd_cleanup)
    args = parser.parse_args()
    if not getattr(args, 'func', None):
        parser.error('a command is required')
    with odoo.api.Environment.manage():
        args.func(args)


if __name__ == '__main__':
    main()
