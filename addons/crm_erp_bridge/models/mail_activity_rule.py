from odoo import fields, models


class MailActivity(models.Model):
    _inherit = 'mail.activity'

    crm_erp_rule_id = fields.Many2one('crm.erp.event.rule', 'Event Rule', readonly=True,
                                      index=True, ondelete='set null',
                                      help='The ERP event rule that scheduled this activity.')
