"""A customer and an agent in headless Chromium: the customer opens a ticket
with a file on the portal and sees it in the list; the agent finds it on the
kanban and answers from the chatter; the customer sees the answer.

Screenshots (var/screenshots/): service_portal_list.png, service_portal_ticket.png.
"""
import os
import shutil
import tempfile

from odoo.tests import common as odoo_common
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.common import create_user
from tests.test_browser import BrowserCase

SUBJECT = 'Pump P-100 loses pressure'
REPLY = 'Please check the valve; a technician can come on Friday.'


@odoo_common.at_install(False)
@odoo_common.post_install(True)
class TestServicePortalInBrowser(BrowserCase):

    def setUp(self):
        super(TestServicePortalInBrowser, self).setUp()
        env = self.env
        company = env['res.partner'].create({'name': 'Hangzhou Pumps Ltd', 'is_company': True})
        partner = env['res.partner'].create({'name': 'Chen Jing', 'parent_id': company.id,
                                             'email': 'chen.jing@example.com'})
        self.customer = create_user(env, 'test.portal.browser', ['base.group_portal'],
                                    partner_id=partner.id, name='Chen Jing')
        self.agent = create_user(env, 'test.agent.browser',
                                 ['base.group_user', 'crm_service.group_service_agent'], name='Emma Wilson')
        # the agent answers for every team, wherever the new ticket lands
        teams = env['crm.service.team'].search([])
        teams.write({'member_ids': [(4, self.agent.id)]})
        Ticket = env['crm.service.ticket']
        for subject, closed, category in [
                ('Copy of the invoice for our last order', True, 'inquiry'),
                ('Operating manual in Chinese', False, 'inquiry'),
                ('Scratched housing on delivery', False, 'complaint')]:
            ticket = Ticket.create({
                'name': subject, 'description': '<p>%s</p>' % subject, 'team_id': teams[0].id,
                'partner_id': partner.id, 'channel': 'email',
                'category_id': env.ref('crm_service.crm_service_category_%s' % category).id})
            if closed:
                ticket.action_close()
        folder = tempfile.mkdtemp(prefix='portal-test-')
        self.file_path = os.path.join(folder, 'nameplate.pdf')
        with open(self.file_path, 'wb') as f:
            f.write(b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
        self.addCleanup(shutil.rmtree, folder)
        # Odoo 11 rolls the request cursor back to its last savepoint before an
        # auth='public' route: move the savepoint past the fixture (the test
        # still ends in a full rollback)
        self.env.cr.commit()  # pylint: disable=invalid-commit (the test cursor: a savepoint)

    def portal_login(self, user):
        self.browser.delete_all_cookies()
        self.browser.get(self.base_url + '/web/login')
        self.find('input[name="login"]').send_keys(user.login)
        self.find('input[name="password"]').send_keys(user.login)
        self.find('form.oe_login_form button[type="submit"]').click()
        return self.find('.o_portal_my_home')

    def wait_text(self, css, text):
        self.wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def test_customer_opens_ticket_agent_answers(self):
        # the customer opens a ticket with a file
        self.portal_login(self.customer)
        self.find('.o_portal_tickets a').click()
        self.find('.o_portal_ticket_new').click()
        self.find('input[name="name"]').send_keys(SUBJECT)
        self.find('textarea[name="description"]').send_keys(
            'Since Monday the pump P-100 drops to 2 bar after ten minutes.\nThe nameplate is attached.')
        self.find('select[name="category_id"] option:nth-child(2)').click()
        self.browser.find_element(By.CSS_SELECTOR, 'input[name="attachments"]').send_keys(self.file_path)
        self.find('.o_portal_ticket_submit').click()
        self.wait_text('.o_portal_ticket_notice', 'your ticket has been created')
        self.wait_text('.o_portal_ticket_attachments', os.path.basename(self.file_path))
        ticket = self.env['crm.service.ticket'].search([('name', '=', SUBJECT)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.customer.partner_id)

        # ... and sees it in the list
        self.browser.get(self.base_url + '/my/tickets')
        self.wait_text('.o_portal_ticket_table', SUBJECT)
        self.assertIn(ticket.number, self.find('.o_portal_ticket_table').text)
        self.screenshot('service_portal_list.png')

        # the agent finds it on the kanban and answers from the chatter
        self.browser.delete_all_cookies()
        self.login(self.agent.login, self.agent.login)
        self.browser.get(self.base_url + '/web#action=crm_service.crm_service_ticket_action')
        self.find('.o_kanban_view .o_kanban_group')
        self.wait_text('.o_kanban_view', SUBJECT)
        card = self.browser.find_element(
            By.XPATH, '//div[contains(@class, "o_kanban_record")][.//*[contains(text(), "%s")]]' % SUBJECT)
        card.click()
        self.find('.o_form_view .o_chatter_button_new_message').click()
        self.find('.o_composer_text_field').send_keys(REPLY)
        self.find('.o_composer_button_send').click()
        self.wait_text('.o_mail_thread', REPLY)

        # the customer reloads the ticket and reads the answer
        self.portal_login(self.customer)
        self.browser.get(self.base_url + '/my/tickets/%d' % ticket.id)
        self.wait_text('.o_portal_ticket_thread', REPLY)
        self.assertIn('Emma Wilson', self.find('.o_portal_ticket_thread').text)
        path = self.screenshot('service_portal_ticket.png')
        self.assertGreater(os.path.getsize(path), 10000)
