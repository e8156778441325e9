from odoo import api, fields, models, tools


class CrmServiceSlaReport(models.Model):
    """SLA compliance of the tickets that have a policy: one row per ticket.

    The "on time" measures are 100 when the target was reached, 0 when it
    was missed and empty while it is still running, so their average in a
    pivot or graph is the share of tickets on time, in per cent.
    """
    _name = 'crm.service.sla.report'
    _description = 'SLA Analysis'
    _auto = False
    _rec_name = 'ticket_id'
    _order = 'create_date desc'

    ticket_id = fields.Many2one('crm.service.ticket', string='Ticket', readonly=True)
    sla_id = fields.Many2one('crm.service.sla', string='SLA Policy', readonly=True)
    team_id = fields.Many2one('crm.service.team', string='Team', readonly=True)
    user_id = fields.Many2one('res.users', string='Agent', readonly=True)
    category_id = fields.Many2one('crm.service.category', string='Category', readonly=True)
    priority = fields.Selection(lambda self: self.env['crm.service.ticket']._fields['priority'].selection,
                                readonly=True)
    partner_id = fields.Many2one('res.partner', string='Customer', readonly=True)
    service_tier = fields.Selection(lambda self: self.env['res.partner']._fields['service_tier'].selection,
                                    string='Customer Tier', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    stage_id = fields.Many2one('crm.service.stage', string='Stage', readonly=True)
    create_date = fields.Datetime('Created On', readonly=True)
    is_closed = fields.Boolean('Closed', readonly=True)
    sla_status = fields.Selection(lambda self: self.env['crm.service.ticket']._fields['sla_status'].selection,
                                  string='SLA Status', readonly=True)
    nbr = fields.Integer('# Tickets', readonly=True)
    first_response_on_time = fields.Float('First Response on Time (%)', group_operator='avg', readonly=True)
    resolution_on_time = fields.Float('Resolved on Time (%)', group_operator='avg', readonly=True)
    first_response_breached = fields.Integer('# First Responses Late', readonly=True)
    resolution_breached = fields.Integer('# Resolutions Late', readonly=True)
    first_response_hours = fields.Float('Hours to First Response', group_operator='avg', readonly=True,
                                        help="Average, in working hours.")
    resolution_hours = fields.Float('Hours to Resolution', group_operator='avg', readonly=True,
                                    help="Average, in working hours, without the time waiting on the "
                                         "customer.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW crm_service_sla_report AS (
                SELECT t.id, t.id AS ticket_id, t.sla_id, t.team_id, t.user_id, t.category_id, t.priority,
                       t.commercial_partner_id AS partner_id, p.service_tier, t.company_id, t.stage_id,
                       t.create_date, t.is_closed, t.sla_status, 1 AS nbr,
                       CASE WHEN t.sla_first_response_reached THEN 100.0
                            WHEN t.sla_first_response_breached THEN 0.0 END AS first_response_on_time,
                       CASE WHEN t.sla_resolution_reached THEN 100.0
                            WHEN t.sla_resolution_breached THEN 0.0 END AS resolution_on_time,
                       CASE WHEN t.sla_first_response_breached THEN 1 ELSE 0 END AS first_response_breached,
                       CASE WHEN t.sla_resolution_breached THEN 1 ELSE 0 END AS resolution_breached,
                       CASE WHEN t.date_first_response IS NOT NULL THEN t.sla_first_response_hours
                            END AS first_response_hours,
                       CASE WHEN t.is_closed THEN t.sla_resolution_hours END AS resolution_hours
                  FROM crm_service_ticket t
             LEFT JOIN res_partner p ON p.id = t.commercial_partner_id
                 WHERE t.sla_id IS NOT NULL AND t.active
            )""")
