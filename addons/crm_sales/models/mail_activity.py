from odoo import _, api, fields, models

OUTCOMES = [
    ('reached', 'Reached'),
    ('interested', 'Interested'),
    ('not_interested', 'Not Interested'),
    ('no_answer', 'No Answer'),
    ('follow_up', 'Follow-up Needed'),
]


class MailActivity(models.Model):
    """Customer visits and calls are activities (types crm_sales
    Customer Visit and mail's Call). When one is marked done, its outcome
    goes into the message Odoo posts and into a `crm.sales.visit.log`
    record, which outlives the activity (Odoo deletes done activities)."""
    _inherit = 'mail.activity'

    visit_outcome = fields.Selection(
        OUTCOMES, 'Outcome',
        help='How the visit or call went; kept in the visit and call log when marked done.')
    is_visit_or_call = fields.Boolean(compute='_compute_is_visit_or_call')

    @api.depends('activity_type_id')
    def _compute_is_visit_or_call(self):
        types = self._visit_call_types()
        for activity in self:
            activity.is_visit_or_call = activity.activity_type_id in types

    @api.model
    def _visit_call_types(self):
        """The activity types that are customer visits and calls."""
        return (self.env.ref('crm_sales.mail_activity_type_visit', raise_if_not_found=False)
                or self.env['mail.activity.type']) | self.env.ref(
                    'mail.mail_activity_data_call', raise_if_not_found=False)

    @api.multi
    def action_feedback(self, feedback=False):
        """Log the outcome of visits and calls, then let Odoo post the
        message and delete the activity."""
        plans = self.filtered('is_visit_or_call')
        if not plans:
            return super(MailActivity, self).action_feedback(feedback=feedback)
        labels = dict(self._fields['visit_outcome']._description_selection(self.env))
        message_id = super(MailActivity, self - plans).action_feedback(feedback=feedback) \
            if self - plans else False
        log_values = []
        for activity in plans:
            text = feedback or activity.feedback or ''
            if activity.visit_outcome:
                text = _('Outcome: %s') % labels[activity.visit_outcome] + (
                    '\n' + text if text else '')
            values = activity._prepare_visit_log_values(feedback or activity.feedback)
            # one message per activity (Odoo posts one each anyway)
            values['message_id'] = super(MailActivity, activity).action_feedback(
                feedback=text or False)
            message_id = message_id or values['message_id']
            log_values.append(values)
        # the log is the system's record of what happened: the user's right
        # to close the activity was checked by action_feedback above
        Log = self.env['crm.sales.visit.log'].sudo()
        for values in log_values:
            Log.create(values)
        return message_id

    @api.multi
    def _prepare_visit_log_values(self, feedback):
        self.ensure_one()
        lead = self.env['crm.lead']
        partner = self.env['res.partner']
        if self.res_model == 'crm.lead':
            lead = lead.browse(self.res_id).sudo()
            partner = lead.partner_id
        elif self.res_model == 'res.partner':
            partner = partner.browse(self.res_id)
        return {
            'activity_type_id': self.activity_type_id.id,
            'summary': self.summary,
            'res_model': self.res_model,
            'res_id': self.res_id,
            'lead_id': lead.id,
            'partner_id': partner.id,
            'user_id': self.user_id.id,
            'team_id': self.user_id.sale_team_id.id,
            'date_deadline': self.date_deadline,
            'date_done': fields.Date.context_today(self),
            'outcome': self.visit_outcome,
            'note': feedback or False,
        }
