"""The suite over real HTTP: login, who lands where, styled web client."""
import re

from odoo.tests import common as odoo_common

from .common import HttpCase, create_role_user, create_user


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestWebAccess(HttpCase):

    def test_login_page(self):
        page = self.url_open('/web/login')
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="login"', page.text)
        self.assertIn('name="password"', page.text)
        self.assertIn('name="csrf_token"', page.text)

    def test_public_visitor_is_sent_to_login(self):
        for path in ('/web', '/my', '/my/home'):
            res = self.url_open(path, allow_redirects=False)
            self.assertIn(res.status_code, (302, 303), path)
            self.assertIn('/web/login', res.headers['Location'], path)

    def test_wrong_password_is_refused(self):
        create_role_user(self.env, 'sales_rep')
        res = self.web_login('test.sales_rep', 'not the password')
        self.assertEqual(res.status_code, 200)
        self.assertIn('Wrong login/password', res.text)
        res = self.url_open('/web', allow_redirects=False)
        self.assertIn('/web/login', res.headers['Location'])

    def test_login_without_csrf_token_is_refused(self):
        create_role_user(self.env, 'sales_rep')
        self.url_open('/web/login')
        res = self.url_open('/web/login', data={'login': 'test.sales_rep',
                                                'password': 'test.sales_rep'})
        self.assertEqual(res.status_code, 400)
        res = self.url_open('/web', allow_redirects=False)
        self.assertIn('/web/login', res.headers['Location'])

    def test_database_manager_is_disabled(self):
        res = self.url_open('/web/database/manager')
        self.assertIn('database manager has been disabled', res.text)
        # even with the master password, no backup comes out
        res = self.url_open('/web/database/backup', data={
            'master_pwd': 'admin', 'name': self.env.cr.dbname, 'backup_format': 'zip'})
        self.assertNotIn('zip', res.headers.get('Content-Type', ''))
        self.assertNotIn('attachment', res.headers.get('Content-Disposition', ''))

    def test_rep_sees_crm_apps_only(self):
        create_role_user(self.env, 'sales_rep')
        res = self.web_login('test.sales_rep', 'test.sales_rep')
        self.assertEqual(res.status_code, 200)
        self.assertTrue(res.url.endswith('/web'), res.url)
        menus = set(re.findall(r'data-menu-xmlid="([^"]+)"', res.text))
        self.assertIn('crm.crm_menu_root', menus)
        self.assertIn('sale.sale_menu_root', menus)
        self.assertNotIn('crm_service.crm_service_menu_root', menus)
        self.assertNotIn('crm_analytics.crm_analytics_menu_root', menus)
        self.assertNotIn('account.menu_finance', menus)

    def test_portal_customer_lands_on_my_account(self):
        partner = self.env['res.partner'].create({'name': 'Portal Customer',
                                                  'email': 'test.portal@example.com'})
        create_user(self.env, 'test.portal', ['base.group_portal'],
                    partner_id=partner.id, name='Portal Customer')
        res = self.web_login('test.portal', 'test.portal')
        self.assertEqual(res.status_code, 200)
        self.assertTrue(res.url.endswith('/my') or res.url.endswith('/my/home'), res.url)
        self.assertIn('Portal Customer', res.text)
        self.assertIn('Your Documents', res.text)
        # the back office stays closed to them
        res = self.url_open('/web', allow_redirects=False)
        self.assertNotIn(b'data-menu-xmlid="crm.crm_menu_root"', res.content)

    def test_backend_styles_compile_with_lessc(self):
        """The web client's LESS bundle compiles (lessc from node_modules)."""
        create_role_user(self.env, 'sales_manager')
        page = self.web_login('test.sales_manager', 'test.sales_manager').text
        links = re.findall(r'href="(/web/content/[^"]+web\.assets_backend[^"]*\.css)"', page)
        self.assertTrue(links, 'no backend stylesheet in the page')
        for link in links:
            css = self.url_open(link)
            self.assertEqual(css.status_code, 200)
            self.assertNotIn('Could not execute command', css.text)
            self.assertNotIn('Error', css.text[:500])
        self.assertTrue(any('.o_main_navbar' in self.url_open(link).text for link in links))
