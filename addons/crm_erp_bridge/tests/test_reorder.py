from .common import ErpCase


class TestReorder(ErpCase):
    """Re-order detection with explicit order dates and `today`."""

    @classmethod
    def setUpClass(cls):
        super(TestReorder, cls).setUpClass()
        cls.env['crm.erp.event.rule'].search([]).write({'active': False})
        cls.env.ref('crm_erp_bridge.crm_erp_event_rule_reorder').active = True
        cls.Partner = cls.env['res.partner']

    def orders(self, partner, days, price=100.0, user=None):
        return [self.make_order(partner=partner, price=price, user=user,
                                date_order='%s 10:00:00' % day) for day in days]

    def detect(self, today, **kwargs):
        return self.Partner._crm_erp_detect_reorder(today=today, **kwargs)

    def reorder_leads(self, partner):
        return self.env['crm.lead'].search([
            ('partner_id', '=', partner.id),
            ('crm_erp_rule_id', '=', self.env.ref('crm_erp_bridge.crm_erp_event_rule_reorder').id)])

    def test_due_after_usual_interval(self):
        # gaps of 31 and 28 days: the median is 29.5, rounded up to 30 days
        self.orders(self.customer, ['2026-01-01', '2026-02-01'], price=100.0)
        self.orders(self.contact, ['2026-03-01'], price=400.0)   # a contact's order counts for the company
        self.assertNotIn(self.customer, self.detect('2026-03-30'))
        self.assertIn(self.customer, self.detect('2026-03-31'))
        event = self.env['crm.erp.event'].search([('code', '=', 'reorder_due'), ('model', '=', 'res.partner'),
                                                  ('res_id', '=', self.customer.id)])
        self.assertEqual(len(event), 1)
        self.assertEqual((event.partner_id, event.user_id), (self.customer, self.rep))
        self.assertEqual(self.customer.crm_erp_reorder_date, '2026-03-01')
        lead = self.reorder_leads(self.customer)
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.user_id, self.rep)
        self.assertEqual(lead.type, 'opportunity')
        self.assertAlmostEqual(lead.planned_revenue, 200.0, msg='average of 100, 100 and 400')
        # reported once per last order
        self.assertNotIn(self.customer, self.detect('2026-04-15'))
        # a new order: the next re-order is due after the new usual interval (gaps 31, 28, 40: 31)
        self.orders(self.customer, ['2026-04-10'])
        self.assertNotIn(self.customer, self.detect('2026-05-10'))
        self.assertIn(self.customer, self.detect('2026-05-11'))

    def test_median_not_mean(self):
        # gaps 10, 10, 100: the median (10) says due on 2026-04-21; the mean (40) would wait until 05-21
        self.orders(self.customer, ['2026-01-01', '2026-01-11', '2026-01-21', '2026-04-11'])
        self.assertIn(self.customer, self.detect('2026-04-21'))

    def test_needs_three_order_days(self):
        self.orders(self.customer, ['2026-01-01', '2026-02-01'])
        self.assertNotIn(self.customer, self.detect('2026-12-31'))
        # two orders on one day are one order day
        self.orders(self.customer, ['2026-02-01'])
        self.assertNotIn(self.customer, self.detect('2026-12-31'))

    def test_factor(self):
        self.orders(self.customer, ['2026-01-01', '2026-01-11', '2026-01-21'])   # every 10 days
        self.assertNotIn(self.customer, self.detect('2026-02-09', factor=2.0))
        self.assertIn(self.customer, self.detect('2026-02-10', factor=2.0))
        self.env['ir.config_parameter'].sudo().set_param('crm_erp_bridge.reorder_factor', 'x')
        self.assertEqual(self.Partner._crm_erp_reorder_settings()[1], 1.0, 'a bad factor falls back to 1')

    def test_ignores_cancelled_and_future_orders(self):
        orders = self.orders(self.customer, ['2026-01-01', '2026-01-11', '2026-01-21'])
        orders[1].action_cancel()
        self.assertNotIn(self.customer, self.detect('2026-12-31'))
        # orders after `today` do not count
        self.orders(self.customer2, ['2026-01-01', '2026-01-11', '2026-06-21'], user=self.rep2)
        self.assertNotIn(self.customer2, self.detect('2026-03-01'))

    def test_cron_runs_detection(self):
        self.orders(self.customer, ['2020-01-01', '2020-01-11', '2020-01-21'])
        self.env['crm.erp.event']._cron_detect()
        self.assertEqual(self.customer.crm_erp_reorder_date, '2020-01-21')
        self.assertTrue(self.reorder_leads(self.customer))
