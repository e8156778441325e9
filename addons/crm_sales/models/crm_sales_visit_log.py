from odoo import api, fields, models

from .mail_activity import OUTCOMES


class CrmSalesVisitLog(models.Model):
    """What came of a customer visit or call: written when the activity is
    marked done (Odoo deletes done activities), reported on by rep, team,
    outcome and date."""
    _name = 'crm.sales.visit.log'
    _description = 'Visit and Call Log'
    _order = 'date_done desc, id desc'
    _rec_name = 'summary'

    activity_type_id = fields.Many2one('mail.activity.type', 'Type', readonly=True, index=True)
    summary = fields.Char(readonly=True)
    res_model = fields.Char('Document Model', readonly=True)
    res_id = fields.Integer('Document', readonly=True)
    lead_id = fields.Many2one('crm.lead', 'Opportunity', readonly=True, index=True,
                              ondelete='set null')
    partner_id = fields.Many2one('res.partner', 'Customer', readonly=True, index=True,
                                 ondelete='set null')
    user_id = fields.Many2one('res.users', 'Done by', readonly=True, index=True)
    team_id = fields.Many2one('crm.team', 'Sales Team', readonly=True, index=True)
    date_deadline = fields.Date('Planned', readonly=True)
    date_done = fields.Date('Done', readonly=True, index=True)
    late = fields.Boolean(compute='_compute_late', store=True,
                          help='Done after the planned date.')
    outcome = fields.Selection(OUTCOMES, readonly=True, index=True)
    note = fields.Text('Feedback', readonly=True)
    message_id = fields.Many2one('mail.message', 'Message', readonly=True, ondelete='set null')

    @api.depends('date_deadline', 'date_done')
    def _compute_late(self):
        for log in self:
            log.late = bool(log.date_deadline and log.date_done
                            and log.date_done > log.date_deadline)
