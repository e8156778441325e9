"""Shared pieces of the benchmarks: a served Odoo and a load generator.

Benchmarks run on the database `crm_bench` (the five addons with demo data,
created by tools/run_bench.sh) against a real Odoo server started here on a
free loopback port, with the worker count a benchmark asks for.
"""
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB = os.environ.get('CRM_BENCH_DB', 'crm_bench')


def odoo_env():
    """Odoo configured for `DB`, importable in a benchmark process (for set-up and clean-up)."""
    sys.path.insert(0, ROOT)
    import odoo
    os.chdir(ROOT)      # odoo.conf's paths are relative to the repository root
    odoo.tools.config.parse_config(['-c', os.path.join(ROOT, 'odoo.conf'), '-d', DB, '--log-level=warn'])
    return odoo


def free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@contextlib.contextmanager
def odoo_server(workers=2):
    """Serve `DB` with Odoo's prefork server; yield its base URL."""
    port = free_port()
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'odoo-bin'), '-c', os.path.join(ROOT, 'odoo.conf'),
           '-d', DB, '--db-filter=^%s$' % re.escape(DB), '--http-interface=127.0.0.1',
           '--http-port=%d' % port, '--workers=%d' % workers, '--max-cron-threads=0',
           '--log-level=warn', '--logfile=%s' % os.path.join(ROOT, 'var', 'log', 'bench-server.log')]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    url = 'http://127.0.0.1:%d' % port
    try:
        deadline = time.time() + 120
        while True:
            try:
                if requests.get(url + '/web/login', timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):   # a cold worker can be slow
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError('the Odoo server did not start (see var/log/bench-server.log)')
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def login(url, login, password):
    """A requests session logged in through the login form."""
    session = requests.Session()
    page = session.get(url + '/web/login').text
    token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page).group(1)
    res = session.post(url + '/web/login', data={'login': login, 'password': password,
                                                 'csrf_token': token})
    res.raise_for_status()
    if 'Wrong login/password' in res.text:
        raise RuntimeError('cannot log in as %s' % login)
    return session


def load(make_session, path_of, clients, requests_per_client, base_url):
    """Latencies (ms) of `clients` concurrent clients, each sending
    `requests_per_client` GETs of `path_of(i)` in its own session."""
    latencies, errors = [], []
    lock = threading.Lock()

    def client(n):
        session = make_session()
        for i in range(requests_per_client):
            started = time.perf_counter()
            res = session.get(base_url + path_of(n * requests_per_client + i), timeout=60)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                (latencies if res.status_code == 200 else errors).append(elapsed)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError('%d requests failed' % len(errors))
    return latencies


def summary(latencies):
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return {'n': len(ordered), 'p50_ms': round(statistics.median(ordered), 1), 'p95_ms': round(p95, 1)}


def report(name, size, result, target=None):
    """One line of the benchmark table, printed and kept in var/bench/."""
    line = '| %s | %s | %s | %s |' % (name, size, result, target or '')
    print(line, flush=True)
    os.makedirs(os.path.join(ROOT, 'var', 'bench'), exist_ok=True)
    with open(os.path.join(ROOT, 'var', 'bench', 'results.md'), 'a') as f:
        f.write(line + '\n')
