"""Complaints: tickets whose category is a complaint category.

The core refuses to close a complaint without a resolution. Here:
- a complaint cannot be closed without a severity either, and once a
  severity is set it cannot be cleared while the ticket is a complaint
  (the form asks for it on complaints; mails and the portal cannot know
  it, so an agent sets it while triaging);
- days_to_close (stored) feeds the Complaints Analysis, with the customer's
  commercial entity, the product and the month: the data for complaint
  rates per customer, product and period.
"""
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmServiceTicket(models.Model):
    _inherit = 'crm.service.ticket'

    days_to_close = fields.Float(
        'Days to Close', compute='_compute_days_to_close', store=True, group_operator='avg',
        digits=(16, 2), help='Calendar days from the creation of the ticket to its closing.')

    @api.depends('date_closed')
    def _compute_days_to_close(self):
        for ticket in self:
            if ticket.date_closed and ticket.create_date:
                delta = fields.Datetime.from_string(ticket.date_closed) \
                    - fields.Datetime.from_string(ticket.create_date)
                ticket.days_to_close = max(delta.total_seconds(), 0.0) / 86400.0
            else:
                ticket.days_to_close = 0.0

    @api.multi
    def _crm_service_check_complaint_values(self, vals):
        """Refuse a write that would close a complaint without severity, or
        clear the severity of a complaint."""
        closing = False
        if vals.get('stage_id'):
            closing = self.env['crm.service.stage'].browse(vals['stage_id']).is_closed
        category = None
        if 'category_id' in vals:
            category = self.env['crm.service.category'].browse(vals['category_id'] or [])
        for ticket in self:
            is_complaint = category.is_complaint if category is not None else ticket.is_complaint
            if not is_complaint:
                continue
            severity = vals['severity'] if 'severity' in vals else ticket.severity
            if 'severity' in vals and not severity and ticket.severity:
                raise UserError(_('A complaint needs a severity: %s cannot be left without one.')
                                % ticket.display_name)
            if not severity and (closing or (not vals.get('stage_id') and ticket.is_closed
                                             and 'category_id' in vals)):
                raise UserError(_('Set the severity of complaint %s before closing it.')
                                % ticket.display_name)

    @api.multi
    def write(self, vals):
        if {'stage_id', 'severity', 'category_id'} & set(vals):
            self._crm_service_check_complaint_values(vals)
        return super(CrmServiceTicket, self).write(vals)
