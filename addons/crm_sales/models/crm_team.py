from odoo import api, fields, models


class CrmTeam(models.Model):
    _inherit = 'crm.team'

    assignment_rule_ids = fields.One2many('crm.sales.assignment.rule', 'team_id', 'Assignment Rules')
    assignment_rule_count = fields.Integer(compute='_compute_assignment_rule_count')

    def _compute_assignment_rule_count(self):
        data = self.env['crm.sales.assignment.rule'].read_group(
            [('team_id', 'in', self.ids)], ['team_id'], ['team_id'])
        counts = {d['team_id'][0]: d['team_id_count'] for d in data}
        for team in self:
            team.assignment_rule_count = counts.get(team.id, 0)

    @api.multi
    def action_view_assignment_rules(self):
        self.ensure_one()
        action = self.env.ref('crm_sales.crm_sales_assignment_rule_action').read()[0]
        action['domain'] = [('team_id', '=', self.id)]
        action['context'] = {'default_team_id': self.id}
        return action

    @api.multi
    def action_assign_unassigned_leads(self):
        """Apply the channel's rules to the open leads without a salesperson."""
        self.ensure_one()
        leads = self.env['crm.lead']._crm_sales_assign_backlog(rules=self.assignment_rule_ids)
        return self.env['crm.lead']._crm_sales_assignment_result_action(leads)
