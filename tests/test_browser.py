"""A person in headless Chromium: log in, open the CRM pipeline.

Chromium and chromedriver are Debian's packages (`tools/setup.sh browser`),
driven by Selenium. Screenshots go to var/screenshots/ (CRM_SCREENSHOT_DIR).
"""
import os
import shutil

from odoo.tests import common as odoo_common
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .common import HttpCase, create_role_user

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCREENSHOTS = os.environ.get('CRM_SCREENSHOT_DIR', os.path.join(ROOT, 'var', 'screenshots'))
CHROMIUM = os.environ.get('CHROMIUM_BIN') or shutil.which('chromium') or '/usr/bin/chromium'
CHROMEDRIVER = (os.environ.get('CHROMEDRIVER_BIN') or shutil.which('chromedriver')
                or '/usr/bin/chromedriver')


class BrowserCase(HttpCase):
    """An HttpCase with a headless Chromium at hand (`self.browser`)."""

    def setUp(self):
        super(BrowserCase, self).setUp()
        options = Options()
        options.binary_location = CHROMIUM
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                    '--disable-background-networking', '--disable-component-update',
                    '--disable-sync', '--no-first-run', '--window-size=1440,900', '--lang=en-US'):
            options.add_argument(arg)
        self.browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        # quit before the test cursor goes away (cleanups run last in, first out)
        self.addCleanup(self.browser.quit)
        self.wait = WebDriverWait(self.browser, 30)

    def find(self, css):
        """Wait for an element to be visible, then return it."""
        try:
            return self.wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))
        except TimeoutException:
            shot = self.screenshot('failed-%s.png' % self._testMethodName)
            self.fail('no visible %r at %s after 30 s (screenshot: %s)'
                      % (css, self.browser.current_url, shot))

    def screenshot(self, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, name)
        self.browser.save_screenshot(path)
        return path

    def login(self, login, password):
        self.browser.get(self.base_url + '/web/login')
        self.find('input[name="login"]').send_keys(login)
        self.find('input[name="password"]').send_keys(password)
        self.find('form.oe_login_form button[type="submit"]').click()
        return self.find('#oe_main_menu_navbar')


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestPipelineInBrowser(BrowserCase):

    def test_login_and_open_pipeline(self):
        user = create_role_user(self.env, 'sales_manager')
        user.name = 'Lucy Chen'
        self.env['crm.lead'].create({
            'name': 'Ceramic tiles for the new showroom', 'type': 'opportunity',
            'partner_name': 'Hangzhou Ceramics Co.', 'planned_revenue': 48000,
            'user_id': user.id,
        })

        navbar = self.login('test.sales_manager', 'test.sales_manager')
        # styled: the LESS bundle compiled (an unstyled navbar is transparent)
        self.assertNotIn(navbar.value_of_css_property('background-color'),
                         ('rgba(0, 0, 0, 0)', 'transparent'))

        self.find('a[data-menu-xmlid="crm.crm_menu_root"]').click()
        self.find('.o_kanban_view .o_kanban_group')
        card = self.find('.o_kanban_record')
        self.wait.until(ec.text_to_be_present_in_element(
            (By.CSS_SELECTOR, '.o_kanban_view'), 'Ceramic tiles for the new showroom'))
        self.assertTrue(card.is_displayed())
        self.assertIn('Pipeline', self.find('.o_control_panel .breadcrumb').text)
        path = self.screenshot('crm_pipeline.png')
        self.assertGreater(os.path.getsize(path), 10000)
