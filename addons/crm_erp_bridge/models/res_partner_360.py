"""Customer 360: what the ERP knows about a customer, on the customer.

The figures belong to the commercial entity (the company); a contact shows
its company's figures. They are computed for every partner being read at
once (a list, a kanban, a form): one query per source (orders, deliveries,
invoices, tickets, calls, visits, messages), never one per partner.

Each query is built by the ORM as the current user (`_where_calc` and
`_apply_ir_rules`), so record rules apply: a rep who may only read their
own orders counts only those. A user without read access to a source gets
zeros for it. Every source with a company is limited to the user's current
company, so amounts add up in one currency (the company's).
"""
from odoo import _, api, fields, models
from odoo.exceptions import UserError

SUMMARY_KEYS = (
    'id', 'name', 'phone', 'email', 'salesperson', 'revenue', 'currency', 'open_quotations',
    'quotation_amount', 'open_orders', 'orders_by_state', 'open_deliveries', 'late_deliveries',
    'open_invoices', 'open_residual', 'overdue_invoices', 'overdue_residual', 'max_days_overdue',
    'credit_limit', 'open_tickets', 'closed_tickets', 'sla_breaches', 'last_contacts', 'timeline',
)


class ResPartner(models.Model):
    _inherit = 'res.partner'

    # sales
    erp_currency_id = fields.Many2one('res.currency', 'ERP Currency', compute='_compute_erp_360',
                                      help='Currency of the current company: the amounts of the '
                                           'Customer 360 are in it.')
    erp_revenue = fields.Monetary('Lifetime Revenue', compute='_compute_erp_360',
                                  currency_field='erp_currency_id',
                                  help='Posted customer invoices minus refunds, without taxes.')
    erp_quotation_count = fields.Integer('Open Quotations', compute='_compute_erp_360',
                                         help='Quotations not yet confirmed or cancelled.')
    erp_quotation_amount = fields.Monetary('Open Quotations Amount', compute='_compute_erp_360',
                                           currency_field='erp_currency_id',
                                           help='Untaxed total of the open quotations.')
    erp_order_count = fields.Integer('Open Orders', compute='_compute_erp_360',
                                     help='Confirmed sales orders not yet locked (done) or cancelled.')
    erp_order_states = fields.Char('Orders by State', compute='_compute_erp_360',
                                   help='How many orders the customer has in each state.')
    # deliveries
    erp_delivery_open_count = fields.Integer('Open Deliveries', compute='_compute_erp_360',
                                             help='Deliveries to the customer not yet done or cancelled.')
    erp_delivery_late_count = fields.Integer('Late Deliveries', compute='_compute_erp_360',
                                             help='Open deliveries whose scheduled date has passed.')
    # invoices
    erp_invoice_open_count = fields.Integer('Open Invoices', compute='_compute_erp_360',
                                            help='Validated customer invoices not yet paid.')
    erp_invoice_open_residual = fields.Monetary('Amount Due', compute='_compute_erp_360',
                                                currency_field='erp_currency_id',
                                                help='What the open invoices still ask for.')
    erp_invoice_overdue_count = fields.Integer('Overdue Invoices', compute='_compute_erp_360',
                                               help='Open invoices past their due date.')
    erp_invoice_overdue_residual = fields.Monetary('Amount Overdue', compute='_compute_erp_360',
                                                   currency_field='erp_currency_id')
    erp_invoice_overdue_days = fields.Integer('Max Days Overdue', compute='_compute_erp_360',
                                              help='Days since the due date of the oldest overdue invoice.')
    # service
    erp_ticket_open_count = fields.Integer('Open Tickets', compute='_compute_erp_360')
    erp_ticket_closed_count = fields.Integer('Closed Tickets', compute='_compute_erp_360')
    erp_ticket_breach_count = fields.Integer('SLA Breaches', compute='_compute_erp_360',
                                             help='Tickets that missed their first response or '
                                                  'resolution deadline.')
    # last contact by channel
    erp_last_email_date = fields.Datetime('Last E-mail', compute='_compute_erp_360',
                                          help='Last e-mail from or to the customer.')
    erp_last_call_date = fields.Datetime('Last Call', compute='_compute_erp_360',
                                         help='Last phone call logged by the service desk or a rep.')
    erp_last_visit_date = fields.Date('Last Visit', compute='_compute_erp_360',
                                      help='Last customer visit marked done.')
    erp_last_portal_date = fields.Datetime('Last Portal Message', compute='_compute_erp_360',
                                           help='Last message the customer posted from the portal.')

    # ------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------
    def _compute_erp_360(self):
        entities = self.mapped('commercial_partner_id')
        stats = self._erp_360_stats(entities.ids) if entities.ids else {}
        currency = self.env.user.company_id.currency_id
        for partner in self:
            values = stats.get(partner.commercial_partner_id.id) or {}
            partner.erp_currency_id = currency
            for name in self._erp_360_fields():
                partner[name] = values.get(name) or False

    @api.model
    def _erp_360_fields(self):
        return [name for name, field in self._fields.items()
                if name.startswith('erp_') and field.compute == '_compute_erp_360'
                and name != 'erp_currency_id']

    @api.model
    def _erp_360_stats(self, entity_ids, today=None):
        """{commercial partner id: {field name: value}} for `entity_ids`, one
        query per source. `today` (a date) is for tests."""
        today = today or fields.Date.from_string(fields.Date.context_today(self))
        now = fields.Datetime.now()
        company = self.env.user.company_id.id
        stats = {pid: {} for pid in entity_ids}
        state_labels = dict(self.env['sale.order']._fields['state']._description_selection(self.env))

        def merge(rows, names):
            for row in rows:
                stats[row[0]].update(zip(names, row[1:]))

        # sales orders: quotations, open orders, count per state
        rows = self._erp_360_query(
            'sale.order', [('company_id', '=', company)], 'partner_id', entity_ids,
            'COUNT(*) FILTER (WHERE {t}.state IN (\'draft\', \'sent\')), '
            'SUM({t}.amount_untaxed) FILTER (WHERE {t}.state IN (\'draft\', \'sent\')), '
            'COUNT(*) FILTER (WHERE {t}.state = \'sale\'), '
            'ARRAY_AGG({t}.state)')
        for row in rows:
            counts = {}
            for state in row[4]:
                counts[state] = counts.get(state, 0) + 1
            stats[row[0]].update({
                'erp_quotation_count': row[1], 'erp_quotation_amount': row[2],
                'erp_order_count': row[3], 'orders_by_state': counts,
                'erp_order_states': ', '.join('%s: %s' % (state_labels.get(state, state), counts[state])
                                              for state in ('draft', 'sent', 'sale', 'done', 'cancel')
                                              if state in counts)})
        # deliveries: open outgoing pickings, late ones
        merge(self._erp_360_query(
            'stock.picking', [('company_id', '=', company), ('picking_type_code', '=', 'outgoing'),
                              ('state', 'not in', ('done', 'cancel'))], 'partner_id', entity_ids,
            'COUNT(*), COUNT(*) FILTER (WHERE {t}.scheduled_date < %s)', [now]),
            ['erp_delivery_open_count', 'erp_delivery_late_count'])
        # invoices: revenue (posted invoices minus refunds), open and overdue
        merge(self._erp_360_query(
            'account.invoice', [('company_id', '=', company), ('type', 'in', ('out_invoice', 'out_refund')),
                                ('state', 'in', ('open', 'paid'))], 'partner_id', entity_ids,
            'SUM({t}.amount_untaxed_signed), '
            'COUNT(*) FILTER (WHERE {t}.state = \'open\' AND {t}.type = \'out_invoice\'), '
            'SUM({t}.residual_company_signed) FILTER (WHERE {t}.state = \'open\'), '
            'COUNT(*) FILTER (WHERE {t}.state = \'open\' AND {t}.type = \'out_invoice\' '
            '                 AND {t}.date_due < %s), '
            'SUM({t}.residual_company_signed) FILTER (WHERE {t}.state = \'open\' '
            '                 AND {t}.type = \'out_invoice\' AND {t}.date_due < %s), '
            'MAX(%s - {t}.date_due) FILTER (WHERE {t}.state = \'open\' '
            '                 AND {t}.type = \'out_invoice\' AND {t}.date_due < %s)',
            [today, today, today, today]),
            ['erp_revenue', 'erp_invoice_open_count', 'erp_invoice_open_residual',
             'erp_invoice_overdue_count', 'erp_invoice_overdue_residual', 'erp_invoice_overdue_days'])
        # service tickets (archived ones too: a closed ticket may be archived)
        merge(self.with_context(active_test=False)._erp_360_query(
            'crm.service.ticket', [('company_id', '=', company)], 'partner_id', entity_ids,
            'COUNT(*) FILTER (WHERE NOT COALESCE({t}.is_closed, FALSE) AND {t}.active), '
            'COUNT(*) FILTER (WHERE {t}.is_closed), '
            'COUNT(*) FILTER (WHERE {t}.sla_first_response_breached OR {t}.sla_resolution_breached)'),
            ['erp_ticket_open_count', 'erp_ticket_closed_count', 'erp_ticket_breach_count'])
        # calls: the service desk's call log, and the reps' visits and calls
        merge(self._erp_360_query(
            'crm.service.call', [('company_id', '=', company)], 'partner_id', entity_ids,
            'MAX({t}.date)'), ['erp_last_call_date'])
        call_type = self.env.ref('mail.mail_activity_data_call', raise_if_not_found=False)
        visit_type = self.env.ref('crm_sales.mail_activity_type_visit', raise_if_not_found=False)
        for row in self._erp_360_query(
                'crm.sales.visit.log', [], 'partner_id', entity_ids,
                'MAX({t}.date_done) FILTER (WHERE {t}.activity_type_id = %s), '
                'MAX({t}.date_done) FILTER (WHERE {t}.activity_type_id = %s)',
                [call_type.id if call_type else 0, visit_type.id if visit_type else 0]):
            values = stats[row[0]]
            if row[1]:
                call = row[1] + ' 00:00:00'
                values['erp_last_call_date'] = max(values.get('erp_last_call_date') or call, call)
            values['erp_last_visit_date'] = row[2]
        self._erp_360_messages(entity_ids, stats)
        for values in stats.values():
            # Odoo's cursor returns dates as strings: keep whole seconds
            for key in ('erp_last_email_date', 'erp_last_call_date', 'erp_last_portal_date'):
                if values.get(key):
                    values[key] = values[key][:19]
        return stats

    @api.model
    def _erp_360_messages(self, entity_ids, stats):
        """Last e-mail and last portal message per customer: one query. Only
        dates come out of it; messages have no company and no record rules of
        their own (their documents' rights apply when they are opened)."""
        self.env.cr.execute("""
            SELECT p.commercial_partner_id,
                   MAX(m.date) FILTER (WHERE m.message_type = 'email'),
                   MAX(m.date) FILTER (WHERE m.message_type = 'comment' AND m.author_id = p.id
                                         AND EXISTS (SELECT 1 FROM res_users u
                                                      WHERE u.partner_id = m.author_id AND u.share))
              FROM mail_message m
              JOIN res_partner p ON p.id = m.author_id
                                 OR (m.model = 'res.partner' AND m.res_id = p.id)
             WHERE p.commercial_partner_id = ANY(%s)
               AND m.message_type IN ('email', 'comment')
          GROUP BY p.commercial_partner_id""", [list(entity_ids)])
        for pid, last_email, last_portal in self.env.cr.fetchall():
            stats[pid].update({'erp_last_email_date': last_email, 'erp_last_portal_date': last_portal})

    @api.model
    def _erp_360_query(self, model, domain, partner_column, entity_ids, aggregates, params=None):
        """One aggregate query over `model` as the current user (record rules
        apply), grouped by the commercial entity of `partner_column`.
        `aggregates` is code (never user input) with `{t}` for the model's
        table; returns rows (commercial partner id, aggregate, ...)."""
        Model = self.env[model]
        if not Model.check_access_rights('read', raise_exception=False):
            return []
        query = Model._where_calc(domain)
        Model._apply_ir_rules(query, 'read')
        from_clause, where_clause, where_params = query.get_sql()
        table = '"%s"' % Model._table
        sql = ('SELECT p360.commercial_partner_id, ' + aggregates.format(t=table)
               + ' FROM ' + from_clause + ' JOIN res_partner p360 ON p360.id = '
               + table + '."' + partner_column + '" WHERE p360.commercial_partner_id = ANY(%s)'
               + (' AND ' + where_clause if where_clause else '')
               + ' GROUP BY p360.commercial_partner_id')
        # the aggregates' parameters come first in the text, then ours, then the domain's
        self.env.cr.execute(sql, list(params or []) + [list(entity_ids)] + list(where_params))
        return self.env.cr.fetchall()

    # ------------------------------------------------------------------
    # actions (smart buttons)
    # ------------------------------------------------------------------
    @api.multi
    def _erp_360_action(self, xmlid, domain, context=None):
        self.ensure_one()
        action = self.env.ref(xmlid).read()[0]
        action['domain'] = domain
        action['context'] = dict(context or {})
        return action

    @api.multi
    def action_erp_deliveries(self):
        entity = self.commercial_partner_id
        return self._erp_360_action('stock.action_picking_tree_all', [
            ('partner_id', 'child_of', entity.id), ('picking_type_code', '=', 'outgoing')],
            {'search_default_available': 1, 'search_default_waiting': 1, 'search_default_confirmed': 1})

    @api.multi
    def action_erp_open_invoices(self):
        entity = self.commercial_partner_id
        action = self._erp_360_action('account.action_invoice_tree1', [
            ('commercial_partner_id', '=', entity.id), ('type', 'in', ('out_invoice', 'out_refund')),
            ('state', '=', 'open')], {'default_partner_id': entity.id, 'type': 'out_invoice'})
        action['name'] = _('Open Invoices')
        return action

    @api.multi
    def action_erp_overdue_invoices(self):
        entity = self.commercial_partner_id
        action = self._erp_360_action('account.action_invoice_tree1', [
            ('commercial_partner_id', '=', entity.id), ('type', '=', 'out_invoice'),
            ('state', '=', 'open'), ('date_due', '<', fields.Date.context_today(self))],
            {'type': 'out_invoice'})
        action['name'] = _('Overdue Invoices')
        return action

    @api.multi
    def action_erp_tickets(self):
        entity = self.commercial_partner_id
        action = self._erp_360_action('crm_service.crm_service_ticket_action', [
            ('commercial_partner_id', '=', entity.id)], {'default_partner_id': self.id})
        return action

    @api.multi
    def action_erp_timeline(self):
        entity = self.commercial_partner_id
        action = self._erp_360_action('crm_erp_bridge.crm_erp_timeline_action', [
            ('partner_id', '=', entity.id)])
        action['name'] = _('Timeline of %s') % entity.display_name
        return action

    # ------------------------------------------------------------------
    # API
    # ------------------------------------------------------------------
    @api.multi
    def _crm_erp_360_summary(self, timeline_limit=5, today=None):
        """{commercial partner id: summary dict} for the commercial entities of
        `self`: plain JSON-serialisable values (the call-centre screen-pop of
        the JSON API reads it). Keys are SUMMARY_KEYS and stay stable."""
        entities = self.mapped('commercial_partner_id')
        if not entities:
            raise UserError(_('Choose a customer to summarise.'))
        stats = self._erp_360_stats(entities.ids, today=today)
        currency = self.env.user.company_id.currency_id
        rows = self.env['crm.erp.timeline']._crm_erp_last_rows(entities.ids, timeline_limit)
        result = {}
        for entity in entities:
            values = stats.get(entity.id) or {}
            result[entity.id] = {
                'id': entity.id,
                'name': entity.name or '',
                'phone': entity.phone or entity.mobile or '',
                'email': entity.email or '',
                'salesperson': entity.user_id.name or '',
                'revenue': values.get('erp_revenue') or 0.0,
                'currency': currency.name,
                'open_quotations': values.get('erp_quotation_count') or 0,
                'quotation_amount': values.get('erp_quotation_amount') or 0.0,
                'open_orders': values.get('erp_order_count') or 0,
                'orders_by_state': values.get('orders_by_state') or {},
                'open_deliveries': values.get('erp_delivery_open_count') or 0,
                'late_deliveries': values.get('erp_delivery_late_count') or 0,
                'open_invoices': values.get('erp_invoice_open_count') or 0,
                'open_residual': values.get('erp_invoice_open_residual') or 0.0,
                'overdue_invoices': values.get('erp_invoice_overdue_count') or 0,
                'overdue_residual': values.get('erp_invoice_overdue_residual') or 0.0,
                'max_days_overdue': values.get('erp_invoice_overdue_days') or 0,
                'credit_limit': entity.credit_limit or 0.0,
                'open_tickets': values.get('erp_ticket_open_count') or 0,
                'closed_tickets': values.get('erp_ticket_closed_count') or 0,
                'sla_breaches': values.get('erp_ticket_breach_count') or 0,
                'last_contacts': {
                    'email': values.get('erp_last_email_date') or None,
                    'call': values.get('erp_last_call_date') or None,
                    'visit': values.get('erp_last_visit_date') or None,
                    'portal': values.get('erp_last_portal_date') or None,
                },
                'timeline': rows.get(entity.id, []),
            }
        return result
