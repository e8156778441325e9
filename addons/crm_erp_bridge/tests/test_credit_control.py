import datetime
import time

from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase
from odoo.tools.safe_eval import safe_eval

from tests.common import create_user

from .credit_common import CreditCase


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


class TestCreditFollowup(CreditCase):
    """The scheduled follow-up: one activity per overdue invoice for the
    default credit controller, never a second one while it is open."""

    def followups(self, invoices):
        return self.env['mail.activity'].search([
            ('res_model', '=', 'account.invoice'), ('res_id', 'in', invoices.ids),
            ('activity_type_id', '=', self.env.ref('crm_erp_bridge.mail_activity_type_credit_followup').id)])

    def test_followup_once_per_overdue_invoice(self):
        late = self.make_invoice(amount=300.0, date_invoice='2026-01-01', date_due='2026-01-31')
        late2 = self.make_invoice(partner=self.customer2, amount=200.0,
                                  date_invoice='2026-02-01', date_due='2026-02-28')
        not_due = self.make_invoice(amount=100.0, date_invoice='2026-02-01', date_due='2026-04-30')
        Invoice = self.env['account.invoice']
        Invoice._crm_erp_credit_followup(today='2026-03-10')
        activities = self.followups(late | late2 | not_due)
        self.assertEqual(sorted(activities.mapped('res_id')), sorted((late | late2).ids))
        self.assertEqual(activities.mapped('user_id'), self.controller)
        summary = self.followups(late).summary
        self.assertIn(late.number, summary)
        self.assertIn('38 days', summary)
        # idempotent while the activities are open
        again = Invoice._crm_erp_credit_followup(today='2026-03-11')
        self.assertFalse(again & self.followups(late | late2))
        self.assertEqual(len(self.followups(late | late2)), 2)
        # once done, the next run follows up again
        self.followups(late).action_feedback('Customer promised to pay')
        Invoice._crm_erp_credit_followup(today='2026-03-12')
        self.assertEqual(len(self.followups(late)), 1)
        self.assertEqual(len(self.followups(late | late2)), 2)

    def test_paid_invoice_gets_no_followup(self):
        late = self.make_invoice(amount=300.0, date_invoice='2026-01-01', date_due='2026-01-31')
        journal = self.env['account.journal'].search([('type', '=', 'bank')], limit=1)
        late.pay_and_reconcile(journal, 300.0)
        self.assertEqual(late.state, 'paid')
        self.env['account.invoice']._crm_erp_credit_followup(today='2026-03-10')
        self.assertFalse(self.followups(late))
        self.assertAlmostEqual(self.figures()['receivable'], 0.0)
