from odoo import api, models


class SaleOrder(models.Model):
    _name = 'sale.order'
    _inherit = ['sale.order', 'crm.erp.event.source']

    @api.multi
    def action_confirm(self):
        todo = self.filtered(lambda o: o.state in ('draft', 'sent'))
        res = super(SaleOrder, self).action_confirm()
        confirmed = todo.filtered(lambda o: o.state in ('sale', 'done'))
        if confirmed:
            self.env['crm.erp.event']._emit('order_confirmed', confirmed)
        return res
