from odoo.exceptions import AccessError

from .common import ErpCase


class TestErpEvents(ErpCase):

    def events(self, code, record):
        return self.env['crm.erp.event'].search([('code', '=', code), ('model', '=', record._name),
                                                 ('res_id', '=', record.id)])

    def test_order_confirmed(self):
        order = self.make_order(confirm=False)
        self.assertFalse(self.events('order_confirmed', order))
        order.action_confirm()
        event = self.events('order_confirmed', order)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.partner_id, self.customer)
        self.assertEqual(event.user_id, self.rep)
        self.assertIn(order.name, event.name)
        order.action_confirm()  # already confirmed: nothing new
        self.assertEqual(len(self.events('order_confirmed', order)), 1)

    def test_delivery_done(self):
        order = self.make_order(partner=self.contact)
        picking = order.picking_ids
        self.assertFalse(self.events('delivery_done', picking))
        self.deliver(order)
        event = self.events('delivery_done', picking)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.partner_id, self.customer, 'the commercial entity, not the contact')
        self.assertEqual(event.user_id, self.rep)

    def test_delivery_late_reported_once(self):
        order = self.make_order()
        picking = order.picking_ids
        picking.scheduled_date = '2026-01-05 10:00:00'
        Picking = self.env['stock.picking']
        self.assertFalse(Picking._crm_erp_detect_late(now='2026-01-04 10:00:00'))
        self.assertIn(picking, Picking._crm_erp_detect_late(now='2026-01-06 10:00:00'))
        self.assertEqual(len(self.events('delivery_late', picking)), 1)
        self.assertFalse(Picking._crm_erp_detect_late(now='2026-01-07 10:00:00') & picking)
        self.assertEqual(len(self.events('delivery_late', picking)), 1)

    def test_invoice_overdue_reported_once(self):
        overdue = self.make_invoice(date_due='2026-01-31')
        not_due = self.make_invoice(date_due='2026-03-31')
        Invoice = self.env['account.invoice']
        found = Invoice._crm_erp_detect_overdue(today='2026-02-10')
        self.assertIn(overdue, found)
        self.assertNotIn(not_due, found)
        event = self.events('invoice_overdue', overdue)
        self.assertEqual(event.partner_id, self.customer)
        self.assertFalse(Invoice._crm_erp_detect_overdue(today='2026-02-11') & overdue)

    def test_lead_won_once(self):
        lead = self.env['crm.lead'].create({'name': 'Scarves for spring', 'type': 'opportunity',
                                            'partner_id': self.customer.id, 'user_id': self.rep.id})
        lead.action_set_won()
        self.assertEqual(len(self.events('lead_won', lead)), 1)
        lead.write({'description': 'still won'})
        lead.action_set_won()
        self.assertEqual(len(self.events('lead_won', lead)), 1)

    def test_ticket_opened_and_closed(self):
        ticket = self.make_ticket()
        self.assertEqual(len(self.events('ticket_opened', ticket)), 1)
        self.assertEqual(self.events('ticket_opened', ticket).partner_id, self.customer)
        ticket.action_close()
        self.assertEqual(len(self.events('ticket_closed', ticket)), 1)
        ticket.action_reopen()
        ticket.action_close()
        self.assertEqual(len(self.events('ticket_closed', ticket)), 2)

    def test_cron_runs(self):
        overdue = self.make_invoice(date_due='2020-01-31')
        self.env['crm.erp.event']._cron_detect()
        self.assertTrue(self.events('invoice_overdue', overdue))

    def test_event_log_rights(self):
        self.make_order()
        with self.assertRaises(AccessError):
            self.env['crm.erp.event'].sudo(self.rep).search([])
        admin = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Sales Admin', 'login': 'erp.sales.admin',
            'groups_id': [(6, 0, [self.env.ref('sales_team.group_sale_manager').id])]})
        self.assertTrue(self.env['crm.erp.event'].sudo(admin).search([]))
