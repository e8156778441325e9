from odoo import api, fields, models

LOG_STATES = [
    ('done', 'Done'),
    ('skipped', 'Skipped'),
    ('failed', 'Failed'),
]


class CrmErpEventRuleLog(models.Model):
    """What one event rule did for one event: the work it created (and for
    whom), why it did nothing (the same work was still open), or why it could
    not act (nobody to assign, a data error). Written set-based by the
    dispatch, read by sales admins."""
    _name = 'crm.erp.event.rule.log'
    _description = 'ERP Event Rule Log'
    _order = 'id desc'
    _rec_name = 'rule_id'

    rule_id = fields.Many2one('crm.erp.event.rule', 'Rule', required=True, readonly=True,
                              index=True, ondelete='cascade')
    event_id = fields.Many2one('crm.erp.event', 'Event', required=True, readonly=True,
                               index=True, ondelete='cascade')
    action = fields.Selection(related='rule_id.action', readonly=True)
    state = fields.Selection(LOG_STATES, required=True, readonly=True, index=True)
    res_model = fields.Char('Work Model', readonly=True)
    res_id = fields.Integer('Work ID', readonly=True)
    user_id = fields.Many2one('res.users', 'Assigned To', readonly=True)
    is_fallback = fields.Boolean('Fallback User', readonly=True,
                                 help='Nobody was found: the rule\'s fallback user got the work.')
    message = fields.Text(readonly=True)
    partner_id = fields.Many2one(related='event_id.partner_id', readonly=True)
    company_id = fields.Many2one(related='event_id.company_id', store=True, readonly=True)

    @api.multi
    def action_open_work(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': self.res_model,
            'res_id': self.res_id,
            'view_mode': 'form',
            'views': [(False, 'form')],
        }

    @api.model
    def _insert(self, rows):
        """Write many log lines with one INSERT (rows: dicts with rule_id,
        event_id, state and optionally res_model, res_id, user_id,
        is_fallback, message)."""
        if not rows:
            return
        now = fields.Datetime.now()
        self.env.cr.execute(
            'INSERT INTO crm_erp_event_rule_log (rule_id, event_id, state, res_model, res_id, '
            'user_id, is_fallback, message, company_id, create_uid, create_date, write_uid, '
            'write_date) '
            'SELECT r.rule_id, r.event_id, r.state, r.res_model, r.res_id, r.user_id, r.is_fallback, '
            'r.message, e.company_id, %s, %s, %s, %s '
            'FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::varchar[], %s::int[], %s::int[], '
            '%s::bool[], %s::text[]) AS r(rule_id, event_id, state, res_model, res_id, user_id, '
            'is_fallback, message) JOIN crm_erp_event e ON e.id = r.event_id',
            (self.env.uid, now, self.env.uid, now,
             [r['rule_id'] for r in rows], [r['event_id'] for r in rows],
             [r['state'] for r in rows], [r.get('res_model') for r in rows],
             [r.get('res_id') for r in rows], [r.get('user_id') or None for r in rows],
             [bool(r.get('is_fallback')) for r in rows], [r.get('message') for r in rows]))
