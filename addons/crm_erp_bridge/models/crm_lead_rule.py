from odoo import fields, models


class CrmLead(models.Model):
    _inherit = 'crm.lead'

    crm_erp_rule_id = fields.Many2one('crm.erp.event.rule', 'Event Rule', readonly=True,
                                      index=True, ondelete='set null', copy=False,
                                      help='The ERP event rule that created this opportunity.')
