from odoo import api, fields, models


class StockPicking(models.Model):
    _name = 'stock.picking'
    _inherit = ['stock.picking', 'crm.erp.event.source']

    crm_erp_late_notified = fields.Boolean(
        'Lateness Reported', copy=False, readonly=True,
        help='Set when the delivery was reported late (once per delivery).')

    @api.multi
    def action_done(self):
        todo = self.filtered(lambda p: p.state != 'done' and p.picking_type_code == 'outgoing')
        res = super(StockPicking, self).action_done()
        done = todo.filtered(lambda p: p.state == 'done')
        if done:
            self.env['crm.erp.event']._emit('delivery_done', done)
        return res

    @api.multi
    def _crm_erp_event_user(self):
        self.ensure_one()
        return self.sale_id.user_id

    @api.model
    def _crm_erp_detect_late(self, now=None):
        """Outgoing deliveries past their scheduled date and not done: report
        each once (one search, one write, one emit)."""
        late = self.search([('picking_type_code', '=', 'outgoing'),
                            ('state', 'not in', ('done', 'cancel', 'draft')),
                            ('scheduled_date', '<', now or fields.Datetime.now()),
                            ('crm_erp_late_notified', '=', False)])
        if late:
            late.write({'crm_erp_late_notified': True})
            self.env['crm.erp.event']._emit('delivery_late', late)
        return late
