"""One chronological timeline of a customer across the CRM and the ERP.

A SQL view (UNION ALL) over leads and opportunities, sales orders, outgoing
deliveries, customer invoices and refunds, customer payments, service
tickets, service calls, and the e-mails and messages on the customer and on
those documents. A row's id is its source's id times 16 plus its kind
(stable, unique); `source_id` is the source table's id, so reading rows by
id lets PostgreSQL use the sources' primary keys.

A row never shows what its source would not: `_search` keeps only the rows
whose source record the user may read (one query per source model, for the
whole result), and `read_group` counts only those.
"""
from odoo import SUPERUSER_ID, api, fields, models, tools

KINDS = [
    ('lead', 'Lead'),
    ('opportunity', 'Opportunity'),
    ('order', 'Sales Order'),
    ('delivery', 'Delivery'),
    ('invoice', 'Invoice'),
    ('refund', 'Refund'),
    ('payment', 'Payment'),
    ('ticket', 'Ticket'),
    ('call', 'Call'),
    ('email', 'E-mail'),
    ('message', 'Message'),
]
KIND_CODE = {kind: i + 1 for i, (kind, _label) in enumerate(KINDS)}

# documents whose messages appear on the timeline: (model, table, partner
# expression, company expression); each joined to res_partner p on partner_id
MESSAGE_DOCUMENTS = [
    ('res.partner', 'res_partner', 'd.id', 'NULL::int'),
    ('crm.lead', 'crm_lead', 'd.partner_id', 'd.company_id'),
    ('sale.order', 'sale_order', 'd.partner_id', 'd.company_id'),
    ('stock.picking', 'stock_picking', 'd.partner_id', 'd.company_id'),
    ('account.invoice', 'account_invoice', 'd.partner_id', 'd.company_id'),
    ('crm.service.ticket', 'crm_service_ticket', 'd.partner_id', 'd.company_id'),
]


class CrmErpTimeline(models.Model):
    _name = 'crm.erp.timeline'
    _description = 'Customer Timeline'
    _auto = False
    _order = 'date desc, id desc'
    _rec_name = 'name'

    date = fields.Datetime(readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    name = fields.Char('Description', readonly=True)
    partner_id = fields.Many2one('res.partner', 'Customer', readonly=True,
                                 help='The commercial entity (company) of the customer.')
    amount = fields.Float(readonly=True, digits=0)
    currency_id = fields.Many2one('res.currency', readonly=True)
    state = fields.Char('Status', readonly=True)
    res_model = fields.Char('Document Model', readonly=True)
    res_id = fields.Integer('Document', readonly=True)
    source_id = fields.Integer('Source Row', readonly=True)
    user_id = fields.Many2one('res.users', 'Responsible', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)

    # ------------------------------------------------------------------
    # the view
    # ------------------------------------------------------------------
    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # every piece below is code: the only values are the kind codes
        self.env.cr.execute('CREATE OR REPLACE VIEW crm_erp_timeline AS (' + self._timeline_query() + ')')

    @api.model
    def _timeline_query(self):
        """The view's SELECT: one branch per source (a sibling addon may add
        branches by extending `_timeline_branches`)."""
        return '\nUNION ALL\n'.join(self._timeline_branches())

    @api.model
    def _timeline_branches(self):
        code = KIND_CODE
        branches = [
            # leads and opportunities
            """SELECT l.id * 16 + CASE WHEN l.type = 'lead' THEN %(lead)s ELSE %(opportunity)s END AS id,
                      l.create_date AS date,
                      CASE WHEN l.type = 'lead' THEN 'lead' ELSE 'opportunity' END AS kind,
                      l.name AS name, p.commercial_partner_id AS partner_id,
                      l.planned_revenue AS amount, c.currency_id AS currency_id,
                      CASE WHEN NOT l.active THEN 'lost' ELSE COALESCE(s.name, '') END AS state,
                      'crm.lead'::varchar AS res_model, l.id AS res_id, l.id AS source_id,
                      l.user_id AS user_id, l.company_id AS company_id
                 FROM crm_lead l
                 JOIN res_partner p ON p.id = l.partner_id
            LEFT JOIN crm_stage s ON s.id = l.stage_id
            LEFT JOIN res_company c ON c.id = l.company_id""" % code,
            # sales orders
            """SELECT so.id * 16 + %(order)s, COALESCE(so.confirmation_date, so.date_order), 'order',
                      so.name, p.commercial_partner_id, so.amount_total, pl.currency_id, so.state,
                      'sale.order', so.id, so.id, so.user_id, so.company_id
                 FROM sale_order so
                 JOIN res_partner p ON p.id = so.partner_id
            LEFT JOIN product_pricelist pl ON pl.id = so.pricelist_id""" % code,
            # outgoing deliveries
            """SELECT sp.id * 16 + %(delivery)s, COALESCE(sp.date_done, sp.scheduled_date), 'delivery',
                      sp.name, p.commercial_partner_id, NULL::numeric, NULL::int, sp.state,
                      'stock.picking', sp.id, sp.id, so.user_id, sp.company_id
                 FROM stock_picking sp
                 JOIN stock_picking_type t ON t.id = sp.picking_type_id AND t.code = 'outgoing'
                 JOIN res_partner p ON p.id = sp.partner_id
            LEFT JOIN sale_order so ON so.id = sp.sale_id""" % code,
            # customer invoices and refunds
            """SELECT ai.id * 16 + CASE WHEN ai.type = 'out_invoice' THEN %(invoice)s ELSE %(refund)s END,
                      COALESCE(ai.date_invoice, ai.create_date::date)::timestamp,
                      CASE WHEN ai.type = 'out_invoice' THEN 'invoice' ELSE 'refund' END,
                      COALESCE(ai.number, ai.name, ''), ai.commercial_partner_id, ai.amount_total,
                      ai.currency_id, ai.state, 'account.invoice', ai.id, ai.id, ai.user_id, ai.company_id
                 FROM account_invoice ai
                WHERE ai.type IN ('out_invoice', 'out_refund')""" % code,
            # customer payments
            """SELECT ap.id * 16 + %(payment)s, ap.payment_date::timestamp, 'payment',
                      COALESCE(ap.name, ''), p.commercial_partner_id, ap.amount, ap.currency_id, ap.state,
                      'account.payment', ap.id, ap.id, ap.create_uid, j.company_id
                 FROM account_payment ap
                 JOIN res_partner p ON p.id = ap.partner_id
                 JOIN account_journal j ON j.id = ap.journal_id
                WHERE ap.partner_type = 'customer'""" % code,
            # service tickets
            """SELECT tk.id * 16 + %(ticket)s, tk.create_date, 'ticket',
                      COALESCE(tk.number, '') || ' ' || tk.name, tk.commercial_partner_id,
                      NULL::numeric, NULL::int,
                      CASE WHEN tk.is_closed THEN 'closed' ELSE COALESCE(st.name, 'open') END,
                      'crm.service.ticket', tk.id, tk.id, tk.user_id, tk.company_id
                 FROM crm_service_ticket tk
            LEFT JOIN crm_service_stage st ON st.id = tk.stage_id
                WHERE tk.commercial_partner_id IS NOT NULL""" % code,
            # service calls
            """SELECT ca.id * 16 + %(call)s, ca.date, 'call', ca.name, p.commercial_partner_id,
                      NULL::numeric, NULL::int, ca.outcome, 'crm.service.call', ca.id, ca.id,
                      ca.user_id, ca.company_id
                 FROM crm_service_call ca
                 JOIN res_partner p ON p.id = ca.partner_id""" % code,
        ]
        # e-mails and messages on the customer and on its documents
        for model, table, partner, company in MESSAGE_DOCUMENTS:
            branches.append(
                """SELECT m.id * 16 + CASE WHEN m.message_type = 'email' THEN %(email)s ELSE %(message)s END,
                          m.date, CASE WHEN m.message_type = 'email' THEN 'email' ELSE 'message' END,
                          COALESCE(NULLIF(m.subject, ''), m.record_name, ''), p.commercial_partner_id,
                          NULL::numeric, NULL::int, m.message_type, m.model, m.res_id, m.id,
                          NULL::int, """ % code + company + """
                     FROM mail_message m
                     JOIN """ + table + """ d ON d.id = m.res_id
                     JOIN res_partner p ON p.id = """ + partner + """
                    WHERE m.model = '""" + model + """' AND m.message_type IN ('email', 'comment')""")
        return branches

    # ------------------------------------------------------------------
    # visibility: a row shows only what its source lets the user read
    # ------------------------------------------------------------------
    @api.model
    def _apply_ir_rules(self, query, mode='read'):
        res = super(CrmErpTimeline, self)._apply_ir_rules(query, mode)
        if self.ids:
            # reading known rows: give PostgreSQL the sources' primary keys
            query.where_clause.append('"crm_erp_timeline"."source_id" = ANY(%s)')
            query.where_clause_params.append([row_id // 16 for row_id in self.ids])
        return res

    @api.model
    def _crm_erp_unfiltered(self):
        return self.env.uid == SUPERUSER_ID

    @api.model
    def _crm_erp_visible(self, rows):
        """Of `rows` (id, res_model, res_id, ...), the ids whose source record
        the user may read, in order: one query per source model."""
        by_model = {}
        for row in rows:
            by_model.setdefault(row[1], set()).add(row[2])
        readable = {}
        for model, res_ids in by_model.items():
            if model not in self.env:
                continue
            Model = self.env[model].with_context(active_test=False)
            if not Model.check_access_rights('read', raise_exception=False):
                continue
            readable[model] = set(Model._search([('id', 'in', list(res_ids))]))
        return [row[0] for row in rows if row[2] in readable.get(row[1], ())]

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        if self._crm_erp_unfiltered():
            return super(CrmErpTimeline, self)._search(args, offset=offset, limit=limit, order=order,
                                                       count=count, access_rights_uid=access_rights_uid)
        self.sudo(access_rights_uid or self._uid).check_access_rights('read')
        query = self._where_calc(args)
        self._apply_ir_rules(query, 'read')
        order_by = self._generate_order_by(order, query)
        from_clause, where_clause, params = query.get_sql()
        sql = ('SELECT "crm_erp_timeline".id, "crm_erp_timeline".res_model, "crm_erp_timeline".res_id'
               ' FROM ' + from_clause + (' WHERE ' + where_clause if where_clause else '') + order_by)
        wanted = None if count or not limit else offset + limit
        chunk = max(2 * wanted, 200) if wanted else None
        visible, position = [], 0
        while True:
            if chunk:
                self.env.cr.execute(sql + ' LIMIT %s OFFSET %s', list(params) + [chunk, position])
            else:
                self.env.cr.execute(sql, params)
            rows = self.env.cr.fetchall()
            visible += self._crm_erp_visible(rows)
            if not chunk or len(rows) < chunk or len(visible) >= wanted:
                break
            # too many hidden rows: read further, in growing chunks
            position += chunk
            chunk *= 4
        if count:
            return len(visible)
        return visible[offset:offset + limit] if limit else visible[offset:]

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        if not self._crm_erp_unfiltered():
            domain = list(domain or []) + [('id', 'in', self._search(domain or []))]
        return super(CrmErpTimeline, self).read_group(domain, fields, groupby, offset=offset, limit=limit,
                                                      orderby=orderby, lazy=lazy)

    # ------------------------------------------------------------------
    # actions and API
    # ------------------------------------------------------------------
    @api.multi
    def action_open_record(self):
        """Open the row's source document (rights are checked by its model)."""
        self.ensure_one()
        self.env[self.res_model].browse(self.res_id).check_access_rule('read')
        return {
            'type': 'ir.actions.act_window',
            'res_model': self.res_model,
            'res_id': self.res_id,
            'view_mode': 'form',
            'views': [(False, 'form')],
        }

    @api.model
    def _crm_erp_last_rows(self, partner_ids, limit=5):
        """{partner id: [row dict, ...]}: the `limit` newest rows of each
        commercial partner the user may see, as plain values. One window query
        for all partners; a partner whose candidates were mostly hidden gets
        a full (filtered) search."""
        result = {pid: [] for pid in partner_ids}
        if not partner_ids or limit <= 0:
            return result
        candidates = limit * 4
        company_ids = self.env.user.company_ids.ids
        self.env.cr.execute("""
            SELECT id, res_model, res_id, partner_id, date, kind, name, amount, currency_id, state, user_id
              FROM (SELECT t.*, row_number() OVER (PARTITION BY t.partner_id
                                                   ORDER BY t.date DESC NULLS LAST, t.id DESC) AS rn
                      FROM crm_erp_timeline t
                     WHERE t.partner_id = ANY(%s)
                       AND (t.company_id IS NULL OR t.company_id = ANY(%s))) ranked
             WHERE rn <= %s
          ORDER BY partner_id, rn""", [list(partner_ids), company_ids, candidates])
        rows = self.env.cr.fetchall()
        visible = set(rows and (self._crm_erp_visible(rows) if not self._crm_erp_unfiltered()
                                else [row[0] for row in rows]))
        per_partner = {}
        for row in rows:
            per_partner.setdefault(row[3], []).append(row)
        short = [pid for pid, prow in per_partner.items()
                 if len(prow) == candidates and len([r for r in prow if r[0] in visible]) < limit]
        kept = [row for row in rows if row[0] in visible]
        if short:
            kept = [row for row in kept if row[3] not in short]
            extra = self.search([('partner_id', 'in', short)])
            kept += [(r.id, r.res_model, r.res_id, r.partner_id.id, r.date, r.kind, r.name, r.amount,
                      r.currency_id.id, r.state, r.user_id.id) for r in extra]
        labels = dict(KINDS)
        currencies = {c.id: c.name for c in self.env['res.currency'].browse(
            {row[8] for row in kept if row[8]})}
        users = {u.id: u.name for u in self.env['res.users'].sudo().browse(
            {row[10] for row in kept if row[10]})}
        for row in kept:
            if len(result[row[3]]) >= limit:
                continue
            result[row[3]].append({
                'date': row[4] and row[4][:19] or None,
                'kind': row[5], 'kind_label': labels.get(row[5], row[5]), 'name': row[6] or '',
                'amount': row[7] if row[7] is None else float(row[7]),
                'currency': currencies.get(row[8]), 'state': row[9] or '',
                'res_model': row[1], 'res_id': row[2], 'user': users.get(row[10]),
            })
        return result
