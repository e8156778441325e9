from odoo import fields, models


class CrmServiceStage(models.Model):
    """A step of the ticket's life. Closing stages close the ticket; in a
    "waiting on customer" stage the SLA clock stops."""
    _name = 'crm.service.stage'
    _description = 'Ticket Stage'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean('Folded in Kanban', help='Folded stages are collapsed in the kanban view.')
    is_closed = fields.Boolean(
        'Closing Stage', help='Tickets in this stage are closed: the customer can rate them, '
                              'SLA resolution is reached.')
    is_waiting = fields.Boolean(
        'Waiting on Customer', help='While a ticket is in this stage the SLA clock is paused.')
    team_ids = fields.Many2many(
        'crm.service.team', 'crm_service_stage_team_rel', 'stage_id', 'team_id', string='Teams',
        help='The teams that use this stage; leave empty for every team.')
