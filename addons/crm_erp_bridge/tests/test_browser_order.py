"""A sales rep in headless Chromium: the opportunity's Products tab with
live availability, then "Quotation from Products".

Screenshots (var/screenshots/): erp_opportunity_products.png,
erp_quotation_availability.png.
"""
from odoo.tests import common as odoo_common
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.common import create_user
from tests.test_browser import BrowserCase


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestOpportunityToOrderInBrowser(BrowserCase):

    def setUp(self):
        super(TestOpportunityToOrderInBrowser, self).setUp()
        env = self.env
        self.rep = create_user(env, 'test.erp.order.rep', ['base.group_user', 'crm_sales.group_sales_rep'],
                               name='Wang Wei')
        customer = env['res.partner'].create({'name': 'Hangzhou Ceramics Co.', 'is_company': True,
                                              'customer': True})
        warehouse = env['stock.warehouse'].search([('company_id', '=', env.user.company_id.id)], limit=1)
        stand = env['product.product'].create({'name': 'Display Stand (browser)', 'type': 'product',
                                               'list_price': 120.0, 'sale_delay': 5})
        vase = env['product.product'].create({'name': 'Glazed Vase (browser)', 'type': 'product',
                                              'list_price': 40.0, 'sale_delay': 2})
        env['stock.quant']._update_available_quantity(stand, warehouse.lot_stock_id, 250.0)
        self.lead = env['crm.lead'].create({
            'name': 'Showroom fit-out (browser)', 'type': 'opportunity', 'partner_id': customer.id,
            'user_id': self.rep.id, 'crm_erp_warehouse_id': warehouse.id,
            'crm_erp_line_ids': [(0, 0, {'product_id': stand.id, 'product_uom_qty': 400}),
                                 (0, 0, {'product_id': vase.id, 'product_uom_qty': 30})]})

    def wait_text(self, css, text):
        try:
            self.wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
        except TimeoutException:
            shot = self.screenshot('failed-erp-order-%s.png' % self._testMethodName)
            self.fail('no %r in %r (screenshot: %s)' % (text, css, shot))

    def test_products_tab_and_quotation(self):
        action = self.env.ref('crm.crm_lead_opportunities').id
        self.login(self.rep.login, self.rep.login)
        self.browser.get(self.base_url + '/web?#id=%d&model=crm.lead&view_type=form&action=%d' % (
            self.lead.id, action))
        self.find('.o_form_view .o_notebook')
        tabs = [a for a in self.browser.find_elements(By.CSS_SELECTOR, '.o_form_view .o_notebook .nav-tabs a')
                if a.text.strip() == 'Products']
        if not tabs:
            self.fail('no Products tab (screenshot: %s)' % self.screenshot('failed-erp-products-tab.png'))
        tabs[0].click()
        table = self.find('.o_form_view .o_field_one2many .o_list_view')
        self.wait.until(ec.text_to_be_present_in_element(
            (By.CSS_SELECTOR, '.o_form_view .o_field_one2many .o_list_view'), 'Partly available'))
        self.assertIn('Not available', table.text)
        self.assertTrue(self.browser.find_elements(By.CSS_SELECTOR, '.o_list_view tr.text-warning'))
        self.assertTrue(self.browser.find_elements(By.CSS_SELECTOR, '.o_list_view tr.text-danger'))
        self.assertIn('250', self.find('.o_crm_erp_availability').text)
        self.browser.execute_script('arguments[0].scrollIntoView();', self.find('.o_notebook'))
        self.screenshot('erp_opportunity_products.png')

        xpath = ("//div[contains(@class, 'o_form_statusbar')]"
                 "//button[normalize-space()='Quotation from Products']")
        buttons = [b for b in self.browser.find_elements(By.XPATH, xpath) if b.is_displayed()]
        self.assertEqual(len(buttons), 1)
        buttons[0].click()
        # the quotation's form, opened over the opportunity: Opportunities / lead / SO...
        crumbs = '.o_control_panel .breadcrumb li'
        self.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, crumbs)) == 3)
        self.wait_text('.o_content', 'Display Stand (browser)')
        content = self.find('.o_content').text
        for text in ('Partly available', 'Not available', 'Expected Delivery', 'Availability'):
            self.assertIn(text, content)
        self.screenshot('erp_quotation_availability.png')
        order = self.env['sale.order'].search([('opportunity_id', '=', self.lead.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.order_line.mapped('product_uom_qty'), [400.0, 30.0])
