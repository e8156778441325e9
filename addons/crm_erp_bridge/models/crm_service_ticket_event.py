from odoo import api, models


class CrmServiceTicket(models.Model):
    _name = 'crm.service.ticket'
    _inherit = ['crm.service.ticket', 'crm.erp.event.source']

    @api.multi
    def _crm_service_ticket_created(self):
        res = super(CrmServiceTicket, self)._crm_service_ticket_created()
        self.env['crm.erp.event']._emit('ticket_opened', self)
        return res

    @api.multi
    def write(self, vals):
        before = self.filtered(lambda t: not t.is_closed) if 'stage_id' in vals else self.browse()
        res = super(CrmServiceTicket, self).write(vals)
        closed = before.filtered('is_closed')
        if closed:
            self.env['crm.erp.event']._emit('ticket_closed', closed)
        return res

    @api.multi
    def _crm_erp_event_partner(self):
        self.ensure_one()
        return self.commercial_partner_id
