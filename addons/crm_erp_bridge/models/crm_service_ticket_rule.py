from odoo import fields, models


class CrmServiceTicket(models.Model):
    _inherit = 'crm.service.ticket'

    crm_erp_rule_id = fields.Many2one('crm.erp.event.rule', 'Event Rule', readonly=True,
                                      index=True, ondelete='set null', copy=False,
                                      help='The ERP event rule that opened this ticket.')
