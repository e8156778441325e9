"""A customer in headless Chromium: their orders with the delivery status,
an order's deliveries with the carrier's tracking link, and a request to
deliver elsewhere and later, which becomes a ticket.

Screenshots (var/screenshots/): erp_portal_orders.png, erp_portal_order_delivery.png.
"""
from odoo.tests import common as odoo_common
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.test_browser import BrowserCase

from .test_portal_orders import PortalOrderFixture


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestPortalOrdersInBrowser(PortalOrderFixture, BrowserCase):

    def setUp(self):
        super(TestPortalOrdersInBrowser, self).setUp()
        self.make_fixture()
        # Odoo 11 rolls the request cursor back to its last savepoint before an
        # auth='public' route: move the savepoint past the fixture (the test
        # still ends in a full rollback)
        self.env.cr.commit()  # pylint: disable=invalid-commit (the test cursor: a savepoint)

    def wait_text(self, css, text):
        self.wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def test_customer_tracks_an_order_and_asks_for_another_date(self):
        self.login_as_customer()
        self.browser.get(self.base_url + '/my/orders')
        self.wait_text('.o_portal_my_doc_table', self.partial.name)
        table = self.find('.o_portal_my_doc_table').text
        for label in ('Late', 'Partly delivered', 'Delivered', 'Waiting'):
            self.assertIn(label, table)
        self.screenshot('erp_portal_orders.png')

        self.browser.find_element(By.LINK_TEXT, self.partial.name).click()
        self.wait_text('.o_portal_order_deliveries', 'SF1234567890')
        link = self.browser.find_element(By.LINK_TEXT, 'SF1234567890')
        self.assertEqual(link.get_attribute('href'), 'https://track.example.com/SF1234567890')

        self.find('.o_portal_order_change_toggle').click()
        self.find('#o_change_address option[value="%d"]' % self.depot1.id).click()
        # a date input takes the date in the browser's format: set its value as the calendar does
        self.browser.execute_script("document.getElementById('o_change_date').value = '2099-09-01';")
        self.find('#o_change_message').send_keys('Our shop is closed in July.')
        self.find('.o_portal_order_change_submit').click()
        self.wait_text('.o_portal_order_change_notice', 'your request has been sent')
        self.wait_text('.o_portal_order_change_requests', 'Your change requests')
        ticket = self.env['crm.service.ticket'].search([('sale_order_id', '=', self.partial.id)])
        self.assertEqual(len(ticket), 1)
        self.assertIn('2099-09-01', ticket.description)
        self.assertIn('Pumps Depot Ningbo', ticket.description)
        self.screenshot('erp_portal_order_delivery.png')

    def login_as_customer(self):
        self.browser.delete_all_cookies()
        self.browser.get(self.base_url + '/web/login')
        self.find('input[name="login"]').send_keys(self.user1.login)
        self.find('input[name="password"]').send_keys(self.user1.login)
        self.find('form.oe_login_form button[type="submit"]').click()
        return self.find('.o_portal_my_home')
