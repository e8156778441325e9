from odoo import api, fields, models


class CrmServiceCall(models.Model):
    _inherit = 'crm.service.call'

    @api.multi
    def _crm_service_apply_to_ticket(self):
        """A call in which someone spoke to the customer is an answer: it
        counts as the ticket's first response (a call nobody answered does
        not)."""
        res = super(CrmServiceCall, self)._crm_service_apply_to_ticket()
        for call in self.filtered(lambda c: c.ticket_id and c.outcome != 'no_answer'):
            call.ticket_id.sudo()._sla_first_response(fields.Datetime.from_string(call.date))
        return res
