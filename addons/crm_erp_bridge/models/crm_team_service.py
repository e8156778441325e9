from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = 'crm.team'

    service_team_id = fields.Many2one(
        'crm.service.team', 'Service Team for Delivery Changes',
        help="The service team that handles the delivery change requests of this sales team's "
             "customers (from the portal). Empty: the company's first service team.")
