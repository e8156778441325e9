"""The work of an event rule on the events of its type: filter them, find
whom, skip what is still open, create the activities, tickets, opportunities
or notes. Called by `crm.erp.event._crm_erp_apply_rules()`
(crm_erp_event_dispatch.py) inside a savepoint; returns log rows."""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import html_escape, plaintext2html


class CrmErpEventRule(models.Model):
    _inherit = 'crm.erp.event.rule'

    @api.multi
    def _crm_erp_apply(self, events):
        """Do the rule's work for `events` (all of its type): filter, find
        whom, skip what is already open, create. Returns log rows."""
        self.ensure_one()
        events = self._crm_erp_filter(events)
        if not events:
            return []
        records = self._crm_erp_event_records(events)
        existing = self._crm_erp_existing_work(events, records)
        rows, todo = [], []
        for event in events:
            row = {'rule_id': self.id, 'event_id': event.id}
            if event.id in existing:
                row.update(state='skipped', message=existing[event.id])
            elif not records.get(event.id):
                row.update(state='failed', message=_('The record of the event no longer exists.'))
            else:
                user, is_fallback = self._crm_erp_assignee(event)
                if user is None:
                    row.update(state='failed', message=_(
                        'Nobody to give the work to: the record has no one in charge and the '
                        'rule has no active fallback user.'))
                else:
                    row.update(user_id=user.id, is_fallback=is_fallback)
                    todo.append((event, records[event.id], user, row))
            rows.append(row)
        if todo:
            work = getattr(self, '_crm_erp_do_%s' % self.action)(todo)
            for (_event, _record, _user, row), record in zip(todo, work):
                row.update(state='done', res_model=record._name, res_id=record.id)
        return rows

    # ------------------------------------------------------------ which, whom
    @api.multi
    def _crm_erp_filter(self, events):
        """The events whose record matches the rule's filter: one search."""
        domain = self._get_domain()
        if not domain:
            return events
        matched = set()
        for model in set(events.mapped('model')):
            ids = events.filtered(lambda e: e.model == model).mapped('res_id')
            matched |= {(model, rid) for rid in self.env[model].sudo().with_context(
                active_test=False).search([('id', 'in', ids)] + domain).ids}
        return events.filtered(lambda e: (e.model, e.res_id) in matched)

    @api.model
    def _crm_erp_event_records(self, events):
        """{event id: its record} (one existence check per model)."""
        index = {(model, record.id): record
                 for model, records in events._crm_erp_records().items() for record in records}
        return {event.id: index[(event.model, event.res_id)] for event in events
                if (event.model, event.res_id) in index}

    @api.multi
    def _crm_erp_assignee(self, event):
        """(user, is_fallback) for `event`; (None, False) when nobody;
        (empty user, False) when the service team assigns the ticket."""
        self.ensure_one()
        Users = self.env['res.users']
        if self.assign_to == 'team':
            return Users, False
        if self.assign_to == 'event_user':
            user = event.user_id
        elif self.assign_to == 'salesperson':
            user = event.partner_id.user_id
        elif self.assign_to == 'team_manager':
            team = self.sales_team_id or event.partner_id.team_id or event.user_id.sale_team_id
            user = team.user_id
        else:
            user = self.user_id
        if self._crm_erp_usable(user):
            return user, False
        if self._crm_erp_usable(self.fallback_user_id):
            return self.fallback_user_id, True
        return None, False

    @api.model
    def _crm_erp_usable(self, user):
        return bool(user) and user.active and not user.share

    @api.multi
    def _crm_erp_existing_work(self, events, records):
        """{event id: why it is skipped}: the same work is still open (an
        activity of the same type from this rule on the record; an open
        opportunity from this rule for the customer), the rule already opened
        a ticket for the record, or an earlier event of this batch has it."""
        self.ensure_one()
        result, keys = {}, {}
        if self.action == 'activity':
            open_keys = set()
            for model in set(events.mapped('model')):
                ids = events.filtered(lambda e: e.model == model).mapped('res_id')
                activities = self.env['mail.activity'].sudo().search(
                    [('crm_erp_rule_id', '=', self.id), ('res_model', '=', model),
                     ('res_id', 'in', ids), ('activity_type_id', '=', self.activity_type_id.id)])
                open_keys |= {(model, a.res_id) for a in activities}
            why = _('An activity of this rule is still open on the record.')
            for event in events:
                key = (event.model, event.res_id)
                if key in open_keys or key in keys:
                    result[event.id] = why
                keys[key] = True
        elif self.action == 'ticket':
            self.env.cr.execute(
                'SELECT DISTINCT e.model, e.res_id FROM crm_erp_event_rule_log l '
                'JOIN crm_erp_event e ON e.id = l.event_id '
                "WHERE l.rule_id = %s AND l.state = 'done' AND e.model IN %s AND e.res_id IN %s",
                (self.id, tuple(set(events.mapped('model'))), tuple(events.mapped('res_id'))))
            done_keys = set(self.env.cr.fetchall())
            why = _('This rule already opened a ticket for the record.')
            for event in events:
                key = (event.model, event.res_id)
                if key in done_keys or key in keys:
                    result[event.id] = why
                keys[key] = True
        elif self.action == 'opportunity':
            partners = events.mapped('partner_id')
            leads = self.env['crm.lead'].sudo().search(
                [('crm_erp_rule_id', '=', self.id), ('type', '=', 'opportunity'),
                 ('probability', '<', 100), ('partner_id', 'in', partners.ids)])
            open_partners = set(leads.mapped('partner_id').ids)
            why = _('An opportunity of this rule is still open for the customer.')
            for event in events.filtered('partner_id'):
                if event.partner_id.id in open_partners or event.partner_id.id in keys:
                    result[event.id] = why
                keys[event.partner_id.id] = True
        return result

    # ------------------------------------------------------------ the work
    @api.multi
    def _crm_erp_deadline(self, event):
        day = fields.Date.from_string(event.date[:10])
        return fields.Date.to_string(day + timedelta(days=self.deadline_days or 0))

    @api.multi
    def _crm_erp_origin(self, event):
        """The chatter line naming the rule, in HTML."""
        return _('Created by the event rule <b>%(rule)s</b> on the event "%(event)s".') % {
            'rule': html_escape(self.name), 'event': html_escape(event.name)}

    @api.multi
    def _crm_erp_title(self, event, record):
        title = self.summary or self.name
        partner = event.partner_id or (record if record._name == 'res.partner' else False)
        return '%s: %s' % (title, partner.display_name) if partner else title

    @api.multi
    def _crm_erp_do_activity(self, todo):
        """One activity per (event, record, user, row) of `todo`."""
        Activity = self.env['mail.activity'].sudo()
        result = []
        for event, record, user, _row in todo:
            note = plaintext2html(self.note or '') + '<p><i>%s</i></p>' % self._crm_erp_origin(event)
            result.append(Activity.create({
                'res_model_id': self.env['ir.model']._get(record._name).id,
                'res_id': record.id,
                'activity_type_id': self.activity_type_id.id,
                'summary': self.summary or self.name,
                'note': note,
                'date_deadline': self._crm_erp_deadline(event),
                'user_id': user.id,
                'crm_erp_rule_id': self.id,
            }))
        return result

    @api.multi
    def _crm_erp_do_ticket(self, todo):
        Ticket = self.env['crm.service.ticket'].sudo()
        result = []
        for event, record, user, _row in todo:
            if record._name == 'res.partner':
                contact = record
            else:
                contact = record['partner_id'] if 'partner_id' in record._fields else event.partner_id
            if record._name == 'sale.order':
                order = record
            else:
                order = record['sale_id'] if 'sale_id' in record._fields else False
            vals = {
                'name': self._crm_erp_title(event, record),
                'description': plaintext2html(self.note or ''),
                'partner_id': (contact or event.partner_id).id,
                'priority': self.priority or '1',
                'category_id': self.category_id.id,
                'sale_order_id': order.id if order else False,
                'company_id': event.company_id.id or self.env.user.company_id.id,
                'crm_erp_rule_id': self.id,
            }
            if self.service_team_id:
                vals['team_id'] = self.service_team_id.id
            if user:
                vals['user_id'] = user.id
            ticket = Ticket.create(vals)
            ticket.message_post(body=self._crm_erp_origin(event), subtype='mail.mt_note')
            result.append(ticket)
        return result

    @api.multi
    def _crm_erp_do_opportunity(self, todo):
        Lead = self.env['crm.lead'].sudo()
        revenues = self._crm_erp_expected_revenue(
            self.env['res.partner'].union(*[event.partner_id for event, _r, _u, _w in todo]))
        result = []
        for event, record, user, _row in todo:
            partner = event.partner_id
            team = self.sales_team_id or partner.team_id or user.sale_team_id
            lead = Lead.create({
                'name': self._crm_erp_title(event, record),
                'type': 'opportunity',
                'partner_id': partner.id,
                'user_id': user.id,
                'team_id': team.id,
                'planned_revenue': revenues.get(partner.id, 0.0),
                'date_deadline': self._crm_erp_deadline(event),
                'description': self.note or False,
                'company_id': event.company_id.id or False,
                'crm_erp_rule_id': self.id,
            })
            lead.message_post(body=self._crm_erp_origin(event), subtype='mail.mt_note')
            result.append(lead)
        return result

    @api.multi
    def _crm_erp_expected_revenue(self, partners):
        """{commercial partner id: expected revenue} by the rule's revenue
        rule, from their confirmed orders (untaxed): one query."""
        if self.revenue_rule in (False, 'none') or not partners:
            return {}
        self.env.cr.execute("""
            SELECT p.commercial_partner_id,
                   avg(o.amount_untaxed),
                   (array_agg(o.amount_untaxed ORDER BY o.date_order DESC, o.id DESC))[1]
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state IN ('sale', 'done') AND p.commercial_partner_id IN %s
             GROUP BY p.commercial_partner_id""", (tuple(partners.ids),))
        column = 1 if self.revenue_rule == 'average' else 2
        return {row[0]: float(row[column] or 0.0) for row in self.env.cr.fetchall()}

    @api.multi
    def _crm_erp_do_message(self, todo):
        """A note on the record (on the customer if the record has no
        chatter) that lands in the user's inbox."""
        result = []
        for event, record, user, _row in todo:
            target = record if hasattr(record, 'message_post') else event.partner_id
            body = '<p>%s</p>%s<p><i>%s</i></p>' % (
                html_escape(self.summary or self.name), plaintext2html(self.note or ''),
                self._crm_erp_origin(event))
            result.append(target.sudo().message_post(
                body=body, subject=self.summary or self.name, subtype='mail.mt_note',
                message_type='comment', partner_ids=[user.partner_id.id]))
        return result
