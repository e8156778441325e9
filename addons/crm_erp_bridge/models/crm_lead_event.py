from odoo import api, models


class CrmLead(models.Model):
    _name = 'crm.lead'
    _inherit = ['crm.lead', 'crm.erp.event.source']

    @api.multi
    def write(self, vals):
        before = self.filtered(lambda l: l.probability < 100) if 'probability' in vals or 'stage_id' in vals \
            else self.browse()
        res = super(CrmLead, self).write(vals)
        won = before.filtered(lambda l: l.probability >= 100 and l.active)
        if won:
            self.env['crm.erp.event']._emit('lead_won', won)
        return res
