from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_service.tests.common_channels import ChannelsCase


class TestServiceComplaint(ChannelsCase):

    def complaint(self, **values):
        vals = {'name': 'Late delivery', 'category_id': self.category_complaint.id, 'severity': 'major',
                'user_id': self.agent.id}
        vals.update(values)
        return self.make_ticket(**vals)

    def closed_stage(self):
        return self.env['crm.service.stage'].search([('is_closed', '=', True)], order='sequence', limit=1)

    def test_close_without_resolution_refused(self):
        ticket = self.complaint().sudo(self.agent)
        stage = ticket.stage_id
        with self.assertRaises(UserError):
            ticket.action_close()
        with self.assertRaises(UserError):
            ticket.write({'stage_id': self.closed_stage().id})
        ticket.invalidate_cache()
        self.assertEqual(ticket.stage_id, stage)
        self.assertFalse(ticket.is_closed)

    def test_close_with_resolution_and_severity_allowed(self):
        ticket = self.complaint().sudo(self.agent)
        ticket.write({'resolution': 'Refunded the shipping costs.', 'root_cause': 'Carrier strike',
                      'corrective_action': 'Second carrier under contract'})
        ticket.action_close()
        self.assertTrue(ticket.is_closed)

    def test_close_without_severity_refused(self):
        ticket = self.complaint(severity=False, resolution='Apologised').sudo(self.agent)
        with self.assertRaises(UserError):
            ticket.action_close()
        with self.assertRaises(UserError):
            ticket.write({'stage_id': self.closed_stage().id})
        self.assertFalse(ticket.is_closed)
        ticket.write({'severity': 'minor'})
        ticket.action_close()
        self.assertTrue(ticket.is_closed)

    def test_severity_cannot_be_cleared_on_complaint(self):
        ticket = self.complaint().sudo(self.agent)
        with self.assertRaises(UserError):
            ticket.write({'severity': False})
        self.assertEqual(ticket.severity, 'major')
        # no longer a complaint: the severity may go
        ticket.write({'category_id': self.category_inquiry.id, 'severity': False})
        self.assertFalse(ticket.severity)

    def test_other_tickets_close_without_severity(self):
        ticket = self.make_ticket(user_id=self.agent.id).sudo(self.agent)
        ticket.action_close()
        self.assertTrue(ticket.is_closed)

    def test_days_to_close(self):
        ticket = self.complaint(resolution='Replaced')
        ticket.action_close()
        self.env.cr.execute("UPDATE crm_service_ticket SET create_date = '2026-11-01 00:00:00' WHERE id = %s",
                            (ticket.id,))
        ticket.invalidate_cache()
        ticket.write({'date_closed': '2026-11-04 12:00:00'})
        self.assertAlmostEqual(ticket.days_to_close, 3.5, places=2)

    def test_complaints_analysis_by_customer_and_product(self):
        product = self.env['product.product'].create({'name': 'Laser Printer X1'})
        other_product = self.env['product.product'].create({'name': 'Toner T2'})
        self.complaint(product_id=product.id)
        self.complaint(product_id=product.id, partner_id=self.carol.id)
        self.complaint(product_id=other_product.id, partner_id=self.mallory.id)
        self.make_ticket(product_id=product.id)   # an inquiry: not counted
        action = self.env.ref('crm_service.crm_service_ticket_action_complaint_analysis')
        Ticket = self.env['crm.service.ticket'].sudo(self.manager)
        domain = safe_eval(action.domain) + [('product_id', 'in', (product | other_product).ids)]
        groups = Ticket.read_group(domain, ['commercial_partner_id', 'product_id'],
                                   ['commercial_partner_id', 'product_id'],
                                   lazy=False)
        counts = {(g['commercial_partner_id'][0], g['product_id'][0]): g['__count'] for g in groups}
        self.assertEqual(counts, {(self.acme.id, product.id): 2, (self.globex.id, other_product.id): 1})
        months = Ticket.read_group(domain, ['days_to_close', 'create_date'], ['create_date:month'])
        self.assertEqual(sum(g['create_date_count'] for g in months), 3)
