"""pytest set-up shared by the addons' tests and the cross-addon tests.

pytest-odoo (run with --odoo-config and --odoo-database, see
tools/run_tests.sh) loads Odoo on the test database. Here we add:
- a fix to its manifest lookup, so tests outside an addon (tests/) are
  collected as plain modules instead of crashing the collection;
- an Odoo HTTP server, started once per session on a free port, for the
  HTTP and browser tests (pytest-odoo starts none).
"""
import re
import socket
from pathlib import Path

import pytest
import pytest_odoo


def _find_manifest(collection_path):
    """The manifest of the addon that holds `collection_path`, or None."""
    path = Path(collection_path)
    for candidate in [path] + list(path.parents)[:5]:
        manifest = candidate / '__manifest__.py'
        if manifest.is_file():
            return manifest
    return None


pytest_odoo._find_manifest_path = _find_manifest


def _free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture(scope='session', autouse=True)
def odoo_http_server():
    """Serve Odoo's WSGI application in this process on a free port.

    HttpCase requests then share the test cursor of the test that sends
    them (Odoo's test mode), so what a test writes is seen by the server
    and rolled back afterwards.
    """
    import odoo
    import odoo.tests.common
    from odoo.service import server, wsgi_server

    port = _free_port()
    # odoo.conf serves only the `crm` database: serve the test database
    odoo.tools.config['dbfilter'] = '^%s$' % re.escape(odoo.tests.common.get_db_name())
    odoo.tools.config['http_interface'] = '127.0.0.1'
    odoo.tools.config['http_port'] = port
    odoo.tests.common.PORT = port       # HttpCase.url_open reads it
    httpd = server.ThreadedServer(wsgi_server.application)
    httpd.http_spawn()
    yield 'http://127.0.0.1:%d' % port
    httpd.httpd.shutdown()
