from odoo.exceptions import AccessError, UserError

from tests.common import create_user

from .credit_common import CreditCase


class TestCreditException(CreditCase):

    @classmethod
    def setUpClass(cls):
        super(TestCreditException, cls).setUpClass()
        cls.customer.credit_limit = 1000.0
        cls.make_invoice(amount=900.0, date_due='2099-12-31')

    def grant(self, order, user=None, **values):
        vals = {'order_id': order.id, 'reason': 'Bank guarantee received'}
        vals.update(values)
        wizard = self.env['crm.erp.credit.exception.wizard'].sudo(user or self.controller).create(vals)
        wizard.action_grant()
        return order.crm_erp_credit_exception_ids

    def test_granted_exception_lets_the_order_through_and_is_logged(self):
        order = self.quotation()
        exc = self.grant(order)
        self.assertEqual(exc.state, 'granted')
        self.assertEqual(exc.user_id, self.controller)
        self.assertEqual(exc.partner_id, self.customer)
        self.assertAlmostEqual(exc.exposure, 900.0)
        self.assertAlmostEqual(exc.order_amount, 220.0)
        self.assertEqual(exc.credit_limit, 1000.0)
        self.assertIn('Credit limit exceeded', exc.refusal)
        self.assertIn('Bank guarantee received', order.message_ids[0].body)
        self.assertIn('Bank guarantee received', self.customer.message_ids[0].body)
        self.assertEqual(order.crm_erp_credit_exception_count, 1)
        self.assertEqual(self.customer.crm_erp_credit_exception_count, 1)
        # the rep confirms: it passes and the exception records it
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, 'sale')
        self.assertEqual(exc.state, 'used')
        self.assertEqual(exc.used_by_id, self.rep)
        self.assertTrue(exc.date_used)
        # a used exception does not serve another order
        other = self.quotation()
        with self.assertRaises(UserError):
            other.sudo(self.rep).action_confirm()

    def test_amount_cap_and_validity(self):
        order = self.quotation()
        self.grant(order, amount_cap=100.0)
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_confirm()
        expired = self.quotation()
        self.grant(expired, date_valid='2020-01-01')
        with self.assertRaises(UserError):
            expired.sudo(self.rep).action_confirm()
        self.assertEqual(order.crm_erp_credit_exception_ids.state, 'granted')
        self.assertEqual(expired.state, 'draft')

    def test_reason_required(self):
        order = self.quotation()
        with self.assertRaises(UserError):
            self.env['crm.erp.credit.exception'].sudo(self.controller)._crm_erp_grant(order, '   ')
        self.assertFalse(order.crm_erp_credit_exception_ids)

    def test_rep_cannot_grant(self):
        order = self.quotation()
        with self.assertRaises(AccessError):
            self.grant(order, user=self.rep)
        with self.assertRaises(AccessError):
            self.env['crm.erp.credit.exception'].sudo(self.rep).create({
                'order_id': order.id, 'partner_id': self.customer.id, 'reason': 'I promise'})
        with self.assertRaises(AccessError):
            self.grant(order, user=self.sales_manager)
        self.assertFalse(order.crm_erp_credit_exception_ids)

    def test_rep_reads_exceptions_of_own_orders_only(self):
        mine = self.quotation()
        self.grant(mine)
        others = self.quotation(partner=self.customer2, user_id=self.rep2.id)
        self.customer2.credit_limit = 1.0
        self.grant(others)
        visible = self.env['crm.erp.credit.exception'].sudo(self.rep).search([])
        self.assertEqual(visible, mine.crm_erp_credit_exception_ids)
        with self.assertRaises(AccessError):
            visible.sudo(self.rep).write({'reason': 'changed'})

    def test_rep_requests_an_exception(self):
        order = self.quotation()
        order.sudo(self.rep).action_request_credit_exception()
        activity = self.env['mail.activity'].search([('res_model', '=', 'sale.order'),
                                                     ('res_id', '=', order.id)])
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.controller)
        self.assertEqual(activity.activity_type_id,
                         self.env.ref('crm_erp_bridge.mail_activity_type_credit_exception'))
        self.assertIn('Credit limit exceeded', activity.note)
        self.assertIn(order.name, activity.note)

    def test_request_for_a_passing_order_is_refused(self):
        self.customer.credit_limit = 0.0
        order = self.quotation()
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_request_credit_exception()

    def test_users_without_access_see_no_count(self):
        employee = create_user(self.env, 'erp.employee', ['base.group_user'])
        self.grant(self.quotation())
        self.assertEqual(self.customer.sudo(employee).crm_erp_credit_exception_count, 0)
        self.assertEqual(self.customer.sudo(self.rep).crm_erp_credit_exception_count, 1)
