from odoo.exceptions import AccessError

from tests.common import create_user

from .common import ErpCase


class TestTimeline(ErpCase):

    @classmethod
    def setUpClass(cls):
        super(TestTimeline, cls).setUpClass()
        Lead = cls.env['crm.lead'].with_context(crm_sales_skip_pipeline=True, tracking_disable=True)
        cls.lead_own = Lead.create({'name': 'Scarves for spring', 'type': 'opportunity',
                                    'partner_id': cls.contact.id, 'user_id': cls.rep.id})
        cls.lead_other = Lead.create({'name': 'Secret deal of rep 2', 'type': 'opportunity',
                                      'partner_id': cls.customer.id, 'user_id': cls.rep2.id})
        cls.env.cr.execute('UPDATE crm_lead SET create_date = %s WHERE id = %s',
                           ('2026-01-10 09:00:00', cls.lead_own.id))
        cls.env.cr.execute('UPDATE crm_lead SET create_date = %s WHERE id = %s',
                           ('2026-01-11 09:00:00', cls.lead_other.id))
        cls.order = cls.make_order(date_order='2026-01-15 10:00:00')
        cls.order.confirmation_date = '2026-01-15 10:00:00'
        cls.order.picking_ids.write({'scheduled_date': '2026-01-20 10:00:00'})
        cls.order_other = cls.make_order(user=cls.rep2)
        cls.order_other.confirmation_date = '2026-01-16 10:00:00'
        cls.invoice = cls.make_invoice(date_invoice='2026-02-01', date_due='2026-03-01')
        cls.invoice.user_id = cls.rep
        cls.email = cls.env['mail.message'].create({
            'model': 'sale.order', 'res_id': cls.order.id, 'message_type': 'email',
            'date': '2026-02-05 08:00:00', 'body': '<p>Please deliver on Monday</p>',
            'subject': 'Delivery day', 'author_id': cls.contact.id})
        cls.Timeline = cls.env['crm.erp.timeline']

    def rows(self, user=None, **kw):
        Timeline = self.Timeline.sudo(user) if user else self.Timeline
        return Timeline.search([('partner_id', '=', self.customer.id)], **kw)

    def test_rows_and_order(self):
        rows = self.rows()
        kinds = rows.mapped('kind')
        for kind in ('opportunity', 'order', 'delivery', 'invoice', 'email'):
            self.assertIn(kind, kinds)
        dates = rows.mapped('date')
        self.assertEqual(dates, sorted(dates, reverse=True), 'newest first')
        order_row = rows.filtered(lambda r: r.kind == 'order' and r.res_id == self.order.id)
        self.assertEqual(order_row.date, '2026-01-15 10:00:00')
        self.assertEqual(order_row.res_model, 'sale.order')
        self.assertEqual(order_row.partner_id, self.customer)
        self.assertEqual(order_row.user_id, self.rep)
        self.assertAlmostEqual(order_row.amount, self.order.amount_total)
        email_row = rows.filtered(lambda r: r.kind == 'email')
        self.assertEqual((email_row.res_model, email_row.res_id), ('sale.order', self.order.id))
        self.assertEqual(email_row.name, 'Delivery day')
        lead_row = rows.filtered(lambda r: r.res_model == 'crm.lead' and r.res_id == self.lead_own.id)
        self.assertEqual(lead_row.partner_id, self.customer, 'the contact\'s lead is on the company')

    def test_open_record(self):
        row = self.rows().filtered(lambda r: r.kind == 'invoice')
        action = row.action_open_record()
        self.assertEqual((action['res_model'], action['res_id']), ('account.invoice', self.invoice.id))

    def test_rep_sees_only_readable_sources(self):
        rows = self.rows(user=self.rep)
        leads = rows.filtered(lambda r: r.res_model == 'crm.lead').mapped('res_id')
        self.assertIn(self.lead_own.id, leads)
        self.assertNotIn(self.lead_other.id, leads, "another rep's opportunity must not show")
        orders = rows.filtered(lambda r: r.kind == 'order').mapped('res_id')
        self.assertEqual(orders, [self.order.id])
        self.assertNotIn('Secret deal of rep 2', rows.mapped('name'))
        # counts, pages and groups agree with what is visible
        Timeline = self.Timeline.sudo(self.rep)
        domain = [('partner_id', '=', self.customer.id)]
        self.assertEqual(Timeline.search_count(domain), len(rows))
        self.assertEqual(Timeline.search(domain, limit=2), rows[:2])
        self.assertEqual(Timeline.search(domain, offset=2, limit=2), rows[2:4])
        groups = Timeline.read_group(domain, ['kind'], ['kind'])
        self.assertEqual(sum(g['kind_count'] for g in groups), len(rows))
        # the other rep sees their own deal, not the first rep's
        rows2 = self.rows(user=self.rep2)
        self.assertIn(self.lead_other.id, rows2.mapped('res_id'))
        self.assertNotIn(self.lead_own.id,
                         rows2.filtered(lambda r: r.res_model == 'crm.lead').mapped('res_id'))
        # reading the rows by id works, opening a hidden source does not
        data = rows.read(['name', 'kind', 'date'])
        self.assertEqual(len(data), len(rows))
        hidden = self.rows().filtered(lambda r: r.res_model == 'crm.lead' and r.res_id == self.lead_other.id)
        with self.assertRaises(AccessError):
            hidden.sudo(self.rep).action_open_record()

    def test_director_sees_everything(self):
        director = create_user(self.env, 'erp.director', ['sales_team.group_sale_salesman_all_leads'])
        names = self.rows(user=director).mapped('name')
        self.assertIn('Secret deal of rep 2', names)

    def test_other_company_hidden(self):
        company = self.env['res.company'].create({'name': 'Timeline Test Branch'})
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id, 'user_id': self.rep.id, 'company_id': company.id,
            'order_line': [(0, 0, {'product_id': self.product.id, 'product_uom_qty': 1, 'price_unit': 5})]})
        self.assertIn(order.id, self.rows().filtered(lambda r: r.kind == 'order').mapped('res_id'))
        self.assertNotIn(order.id, self.rows(user=self.rep).filtered(lambda r: r.kind == 'order')
                         .mapped('res_id'))

    def test_last_rows_for_summary(self):
        rows = self.Timeline.sudo(self.rep)._crm_erp_last_rows([self.customer.id, self.customer2.id], 3)
        self.assertEqual(rows[self.customer2.id], [])
        self.assertEqual(len(rows[self.customer.id]), 3)
        self.assertNotIn('Secret deal of rep 2', [r['name'] for r in rows[self.customer.id]])
        all_rows = self.Timeline.sudo(self.rep)._crm_erp_last_rows([self.customer.id], 50)[self.customer.id]
        self.assertEqual([r['res_id'] for r in all_rows[:3]], [r['res_id'] for r in rows[self.customer.id]])
