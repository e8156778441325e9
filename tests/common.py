"""Helpers shared by the cross-addon tests and the addons' own tests
(`from tests.common import create_user, HttpCase`): users per role, and
an HttpCase for tests that talk to the Odoo server over HTTP.

The root conftest.py serves Odoo in the test process on a free port. An
`HttpCase` runs in Odoo's test mode: every request of the test shares one
test cursor, which is rolled back when the test ends.
"""
import re

import odoo
from odoo.tests import common

ROLE_GROUPS = {
    # role: the group a user of that role gets (with base.group_user)
    'sales_rep': 'crm_sales.group_sales_rep',
    'sales_manager': 'crm_sales.group_sales_manager',
    'sales_director': 'sales_team.group_sale_salesman_all_leads',
    'marketer': 'crm_marketing.group_marketer',
    'service_agent': 'crm_service.group_service_agent',
    'service_manager': 'crm_service.group_service_manager',
    'field_technician': 'crm_service.group_field_technician',
    'credit_controller': 'crm_erp_bridge.group_credit_controller',
    'analyst': 'crm_analytics.group_analyst',
}


def create_user(env, login, group_xmlids, **values):
    """A user whose password is their login."""
    groups = [env.ref(x).id for x in group_xmlids]
    vals = dict(name=login.replace('.', ' ').title(), login=login, password=login,
                email='%s@example.com' % login, groups_id=[(6, 0, groups)])
    vals.update(values)
    return env['res.users'].with_context(no_reset_password=True).create(vals)


def create_role_user(env, role):
    return create_user(env, 'test.%s' % role, ['base.group_user', ROLE_GROUPS[role]])


class HttpCase(common.HttpCase):
    """Odoo's HttpCase, with the test's env on the cursor the server uses.

    Odoo 11 opens `self.cr` before entering test mode, so records created
    through `self.env` would be invisible to the HTTP requests (which use
    `registry.test_cr`). We point `self.cr`/`self.env` at the test cursor
    and put the originals back before test mode ends (cleanups run last in,
    first out).
    """

    def setUp(self):
        super(HttpCase, self).setUp()
        original_cr, original_env = self.cr, self.env
        self.cr = self.registry.test_cr
        self.env = odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})

        def restore():
            self.cr, self.env = original_cr, original_env
        self.addCleanup(restore)
        # Odoo sets the session cookie without a domain; the server's own
        # Set-Cookie (a new session id after login) must replace it, not
        # sit beside it.
        self.opener.cookies.clear()
        self.opener.cookies.set('session_id', self.session_id, domain=common.HOST, path='/')

    @property
    def base_url(self):
        return 'http://%s:%s' % (common.HOST, odoo.tools.config['http_port'])

    def url_open(self, url, data=None, timeout=20, allow_redirects=True):
        if url.startswith('/'):
            url = self.base_url + url
        if data is not None:
            return self.opener.post(url, data=data, timeout=timeout,
                                    allow_redirects=allow_redirects)
        return self.opener.get(url, timeout=timeout, allow_redirects=allow_redirects)

    def csrf_token(self, page):
        """The CSRF token of a form on `page` (an HTML string)."""
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', page)
        self.assertTrue(match, 'no CSRF token in the page')
        return match.group(1)

    def web_login(self, login, password):
        """Log in through the real login form, as a person would."""
        page = self.url_open('/web/login')
        self.assertEqual(page.status_code, 200)
        res = self.url_open('/web/login', data={
            'login': login, 'password': password,
            'csrf_token': self.csrf_token(page.text), 'redirect': '',
        })
        # on success Odoo 11 answers with a page whose script redirects
        # (redirect_with_hash): follow it as the browser would
        match = re.match(r"<html><head><script>window.location = '([^']+)'", res.text)
        if match:
            res = self.url_open(match.group(1))
        return res
