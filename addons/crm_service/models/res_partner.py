from odoo import api, fields, models

SERVICE_TIERS = [
    ('standard', 'Standard'),
    ('silver', 'Silver'),
    ('gold', 'Gold'),
    ('platinum', 'Platinum'),
]


class ResPartner(models.Model):
    _inherit = 'res.partner'

    service_tier = fields.Selection(
        SERVICE_TIERS, default='standard', required=True, index=True,
        help="The customer's service level: SLA policies may set shorter targets for higher tiers. "
             "Set on the company; its contacts follow it.")

    @api.model
    def _commercial_fields(self):
        return super(ResPartner, self)._commercial_fields() + ['service_tier']

    @api.multi
    def write(self, vals):
        res = super(ResPartner, self).write(vals)
        # the tier picks the SLA policy: recompute the open tickets of these
        # customers (once, for the commercial entities; their contacts follow)
        entities = self.filtered(lambda p: p.commercial_partner_id == p)
        if 'service_tier' in vals and entities:
            self.env['crm.service.ticket'].sudo()._sla_recompute_where(
                't.commercial_partner_id = ANY(%s)', [entities.ids])
        return res
