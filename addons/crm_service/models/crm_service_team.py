from odoo import api, fields, models


class CrmServiceTeam(models.Model):
    """A service team: its agents, its working hours, its e-mail alias."""
    _name = 'crm.service.team'
    _description = 'Service Team'
    _inherit = ['mail.alias.mixin', 'mail.thread']
    _order = 'sequence, name'

    name = fields.Char(required=True, translate=True, track_visibility='onchange')
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer('Color Index')
    company_id = fields.Many2one(
        'res.company', required=True, default=lambda self: self.env.user.company_id)
    user_id = fields.Many2one(
        'res.users', 'Team Manager', track_visibility='onchange', domain=[('share', '=', False)],
        help='Receives the escalations of the team.')
    member_ids = fields.Many2many(
        'res.users', 'crm_service_team_member_rel', 'team_id', 'user_id', string='Agents',
        domain=[('share', '=', False)])
    resource_calendar_id = fields.Many2one(
        'resource.calendar', 'Working Hours',
        default=lambda self: self.env.user.company_id.resource_calendar_id,
        help='Service level targets of the team count in these working hours.')
    assignment_method = fields.Selection([
        ('balanced', 'Least loaded'),
        ('round_robin', 'Round robin'),
        ('manual', 'Manual'),
    ], required=True, default='balanced',
        help='How new tickets are given to the agents of the team.')
    stage_ids = fields.Many2many(
        'crm.service.stage', 'crm_service_stage_team_rel', 'team_id', 'stage_id', string='Stages')
    description = fields.Text(translate=True)
    ticket_count = fields.Integer(compute='_compute_ticket_count')
    open_ticket_count = fields.Integer(compute='_compute_ticket_count')
    unassigned_ticket_count = fields.Integer(compute='_compute_ticket_count')

    @api.multi
    def _compute_ticket_count(self):
        Ticket = self.env['crm.service.ticket']
        domain = [('team_id', 'in', self.ids)]
        totals = {r['team_id'][0]: r['team_id_count']
                  for r in Ticket.read_group(domain, ['team_id'], ['team_id'])}
        opened = {r['team_id'][0]: r['team_id_count']
                  for r in Ticket.read_group(domain + [('is_closed', '=', False)], ['team_id'], ['team_id'])}
        unassigned_domain = domain + [('is_closed', '=', False), ('user_id', '=', False)]
        unassigned = {r['team_id'][0]: r['team_id_count']
                      for r in Ticket.read_group(unassigned_domain, ['team_id'], ['team_id'])}
        for team in self:
            team.ticket_count = totals.get(team.id, 0)
            team.open_ticket_count = opened.get(team.id, 0)
            team.unassigned_ticket_count = unassigned.get(team.id, 0)

    def get_alias_model_name(self, vals):
        return 'crm.service.ticket'

    def get_alias_values(self):
        values = super(CrmServiceTeam, self).get_alias_values()
        values['alias_defaults'] = {'team_id': self.id, 'channel': 'email'}
        return values

    @api.multi
    def action_open_tickets(self):
        self.ensure_one()
        action = self.env.ref('crm_service.crm_service_ticket_action').read()[0]
        action['domain'] = [('team_id', '=', self.id)]
        action['context'] = {'default_team_id': self.id, 'search_default_open': 1}
        action['display_name'] = self.name
        return action
