import datetime
import time

from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase
from odoo.tools.safe_eval import safe_eval

from tests.common import create_user


class TestCreditControlMenus(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestCreditControlMenus, cls).setUpClass()
        cls.controller = create_user(cls.env, 'controller_test', ['crm_erp_bridge.group_credit_controller'])
        cls.plain_user = create_user(cls.env, 'plain_user_test', ['base.group_user'])
        cls.customer = cls.env['res.partner'].create({'name': 'Late Payer Ltd', 'customer': True})
        income = cls.env['account.account'].search(
            [('user_type_id', '=', cls.env.ref('account.data_account_type_revenue').id)], limit=1)
        cls.overdue = cls._invoice(income, '2020-01-01', '2020-01-31')
        cls.not_due = cls._invoice(income, '2020-01-01', '2099-12-31')

    @classmethod
    def _invoice(cls, account, date_invoice, date_due):
        invoice = cls.env['account.invoice'].create({
            'partner_id': cls.customer.id, 'type': 'out_invoice',
            'date_invoice': date_invoice, 'date_due': date_due,
            'invoice_line_ids': [(0, 0, {'name': 'Ceramic tiles', 'quantity': 1,
                                         'price_unit': 1000, 'account_id': account.id})],
        })
        invoice.action_invoice_open()
        return invoice

    def _action_records(self, xmlid, user):
        action = self.env.ref(xmlid)
        domain = safe_eval(action.domain, {'uid': user.id, 'time': time, 'datetime': datetime,
                                           'context_today': datetime.date.today})
        return self.env[action.res_model].sudo(user).search(domain)

    def test_controller_is_a_billing_user(self):
        self.assertTrue(self.controller.has_group('account.group_account_invoice'))

    def test_overdue_invoices(self):
        self.assertEqual(self.overdue.state, 'open')
        found = self._action_records('crm_erp_bridge.account_invoice_action_overdue', self.controller)
        self.assertIn(self.overdue, found)
        self.assertNotIn(self.not_due, found)

    def test_customers_with_receivables(self):
        found = self._action_records('crm_erp_bridge.res_partner_action_receivable', self.controller)
        self.assertIn(self.customer, found)

    def test_plain_user_reads_no_invoice(self):
        with self.assertRaises(AccessError):
            self.overdue.sudo(self.plain_user).read(['amount_total'])
