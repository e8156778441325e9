"""Set-based creation of many leads, as complete as create() makes them.

`crm.lead._crm_sales_bulk_create(vals_list, bodies)` is what the import
wizard uses (and any other mass capture may use): per batch, one
multi-row INSERT of the leads with the defaults the ORM would give them
(`default_get`, so every installed module's defaults and ir.default
apply), the stored computed fields recomputed through the ORM
(`modified` + `recompute`, which writes equal values in one UPDATE),
Python constraints checked, the record rules for create checked, one
multi-row INSERT of the chatter messages and of the followers (the
creating user and the followers of the lead's sales team, as
mail.thread's create subscribes them), then `_crm_sales_pipeline()` on
the batch, then the salesperson as follower.

Left out on purpose: the "you have been assigned" e-mail that create()
sends to a salesperson per lead, and tracking values on the message.
"""
from odoo import api, models, tools

LOG_COLUMNS = ('id', 'create_uid', 'create_date', 'write_uid', 'write_date')


def bulk_insert(model, vals_list, defaults=None, batch_size=1000, raw=()):
    """Insert `vals_list` (dicts of stored column values) into `model`'s
    table as `_create` would fill the columns: `defaults` for what a row
    lacks, False for booleans, the log columns. Returns the new ids in the
    order of `vals_list`. Neither recomputes nor checks anything. Fields in
    `raw` are passed as they are (e.g. HTML the caller escaped itself)."""
    cr = model.env.cr
    defaults = dict(defaults or {})
    names = set(defaults)
    for vals in vals_list:
        names.update(vals)
    for name, field in model._fields.items():
        if field.type == 'boolean' and field.store and name not in LOG_COLUMNS:
            names.add(name)
            defaults.setdefault(name, False)
    columns = []
    for name in sorted(names):
        field = model._fields.get(name)
        if name in LOG_COLUMNS or not field or not field.store or not field.column_type:
            continue
        columns.append(field)
    empty = model.browse()
    default_row = [f.convert_to_column(defaults.get(f.name, None), empty, defaults)
                   for f in columns]
    log = model._log_access
    row_sql = '(%s)' % ', '.join(
        ['%s'] + [f.column_format for f in columns]
        + (['%s', '%s', "(now() at time zone 'UTC')", "(now() at time zone 'UTC')"] if log else []))
    header = ', '.join(
        ['"id"'] + ['"%s"' % f.name for f in columns]
        + (['"create_uid"', '"write_uid"', '"create_date"', '"write_date"'] if log else []))
    ids = []
    uid = model.env.uid
    for start in range(0, len(vals_list), batch_size):
        chunk = vals_list[start:start + batch_size]
        cr.execute('SELECT nextval(%s) FROM generate_series(1, %s)', (model._sequence, len(chunk)))
        new_ids = [r[0] for r in cr.fetchall()]
        params = []
        for new_id, vals in zip(new_ids, chunk):
            row = list(default_row)
            for i, field in enumerate(columns):
                if field.name in vals:
                    row[i] = vals[field.name] if field.name in raw else \
                        field.convert_to_column(vals[field.name], empty, vals)
            params.append(new_id)
            params.extend(row)
            if log:
                params.extend((uid, uid))
        # table and column names come from the model, values are parameters
        cr.execute('INSERT INTO "%s" (%s) VALUES %s' % (
            model._table, header, ', '.join([row_sql] * len(chunk))), params)
        ids.extend(new_ids)
    return ids


class CrmLead(models.Model):
    _inherit = 'crm.lead'

    @api.model_cr
    def init(self):
        res = super(CrmLead, self).init()
        # one row per company: imports of a company update it, so two
        # concurrent imports serialise (see _crm_sales_import_lock)
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS crm_sales_import_lock (
                company_id integer PRIMARY KEY, locked_at timestamp)
        """)
        return res

    @api.model
    def _crm_sales_import_lock(self, company_id):
        """Serialise imports of a company. The row update blocks a second
        import until the first commits; under Odoo's REPEATABLE READ the
        second then fails with a serialisation error, which Odoo's RPC
        layer retries in a new transaction that sees the first import's
        leads, so its duplicate check finds them."""
        self.env.cr.execute("""
            INSERT INTO crm_sales_import_lock (company_id, locked_at)
            VALUES (%s, now() at time zone 'UTC')
            ON CONFLICT (company_id) DO UPDATE SET locked_at = EXCLUDED.locked_at
        """, (company_id,))

    @api.model
    def _crm_sales_bulk_defaults(self):
        """The values create() would default, for the context's type and team."""
        names = [name for name, field in self._fields.items()
                 if field.store and field.column_type and not field.compute
                 and not field.related and name not in LOG_COLUMNS]
        return self.default_get(names)

    @api.model
    def _crm_sales_bulk_create(self, vals_list, bodies=None, batch_size=2000):
        """Create leads from `vals_list` (stored column values, many2one as
        ids; the duplicate keys may be given precomputed) with one chatter
        line per lead (`bodies`, HTML), in batches. Returns the leads."""
        self.check_access_rights('create')
        first = vals_list[0] if vals_list else {}
        extra = {'mail_create_nolog': True}
        if first.get('type') and 'default_type' not in self.env.context:
            extra['default_type'] = first['type']
        if first.get('team_id') and 'default_team_id' not in self.env.context:
            extra['default_team_id'] = first['team_id']
        Lead = self.with_context(**extra)
        defaults = Lead._crm_sales_bulk_defaults()
        leads = self.browse()
        for start in range(0, len(vals_list), batch_size):
            chunk = vals_list[start:start + batch_size]
            ids = bulk_insert(Lead, chunk, defaults)
            batch = Lead.browse(ids)
            given = set(defaults)
            for vals in chunk:
                given.update(vals)
            # stored computed fields given precomputed (the duplicate keys)
            # are not computed again: protect them with their compute group
            precomputed = set()
            for field in Lead._fields.values():
                if field.compute and field.store and field.name in given:
                    precomputed.update(Lead._field_computed.get(field, [field]))
            # constraints and computes read the columns they need for the
            # whole batch, not every column (prefetch_fields=False)
            lean = batch.with_context(prefetch_fields=False)
            with lean.env.protecting(precomputed, lean):
                lean.modified([n for n in given if n in Lead._fields])
                lean._validate_fields(given)
                lean.recompute()
            batch.check_access_rule('create')
            batch._crm_sales_bulk_messages(bodies[start:start + batch_size] if bodies else None)
            batch._crm_sales_bulk_followers()
            batch.invalidate_cache()
            self.browse(ids)._crm_sales_pipeline()
            batch._crm_sales_bulk_follow_salesperson()
            leads |= batch
        self.invalidate_cache()
        return leads.with_env(self.env)

    @api.multi
    def _crm_sales_bulk_messages(self, bodies=None):
        """One chatter message per lead, as the user, with the subtype a
        new lead's tracking message gets (crm.mt_lead_create in a first stage)."""
        Message = self.env['mail.message']
        defaults = Message.default_get(['author_id', 'email_from', 'date', 'message_type'])
        defaults['email_from'] = Message._get_default_from()
        reply_to = self.with_context(prefetch_fields=False).message_get_reply_to(
            self.ids, default=defaults['email_from'])
        self.invalidate_cache()
        tracked = self._get_tracked_fields([])
        subtypes = {}
        vals_list = []
        self.env.cr.execute('SELECT id, name, stage_id, probability, active, type FROM crm_lead '
                            'WHERE id IN %s', (tuple(self.ids),))
        rows = {row[0]: row for row in self.env.cr.fetchall()}
        for i, lead_id in enumerate(self.ids):
            lead_id, name, stage_id, probability, active, lead_type = rows[lead_id]
            key = (stage_id, probability, active, lead_type)
            if key not in subtypes:
                xmlid = self.browse(lead_id)._track_subtype(
                    dict.fromkeys(tracked or ['stage_id'], False))
                subtypes[key] = (self.env.ref(xmlid).id if xmlid
                                 else self.env.ref('mail.mt_note').id)
            vals_list.append({
                'model': self._name, 'res_id': lead_id, 'record_name': name,
                'body': bodies[i] if bodies else '', 'subtype_id': subtypes[key],
                'message_type': 'notification', 'reply_to': reply_to.get(lead_id),
                'message_id': tools.generate_tracking_message_id('%s-%s' % (lead_id, self._name)),
            })
        # the bodies are built by the caller from escaped text
        bulk_insert(Message, vals_list, defaults, raw=('body',))

    @api.multi
    def _crm_sales_bulk_followers(self):
        """The followers create() gives: the user, and the followers of the
        lead's sales team with the lead subtypes their team subtypes map to."""
        Subtype = self.env['mail.message.subtype']
        default_subtypes = Subtype.default_subtypes(self._name)[0].ids
        header_subtypes, relations = Subtype.auto_subscribe_subtypes(self._name)
        relations = [(s.relation_field, s.res_model) for s in header_subtypes
                     if s.relation_field and s.relation_field in self._fields
                     and self._fields[s.relation_field].store]
        relations = sorted(set(relations))
        values = {lead_id: {} for lead_id in self.ids}
        for fname in sorted({r[0] for r in relations}):
            # fname is a stored field name of crm.lead
            self.env.cr.execute('SELECT id, "%s" FROM crm_lead WHERE id IN %%s' % fname,
                                (tuple(self.ids),))
            for lead_id, value in self.env.cr.fetchall():
                values[lead_id][fname] = value
        headers = {}    # (model, id) -> {('partner'|'channel', id): subtype ids}
        for fname, res_model in relations:
            for lead_values in values.values():
                if lead_values.get(fname):
                    headers.setdefault((res_model, lead_values[fname]), {})
        if headers:
            domain = ['|'] * (len(headers) - 1)
            for model, res_id in headers:
                domain += ['&', ('res_model', '=', model), ('res_id', '=', res_id)]
            for follower in self.env['mail.followers'].sudo().search(domain):
                wanted = set()
                for subtype in follower.subtype_ids:
                    if subtype.parent_id and subtype.parent_id.res_model == self._name:
                        wanted.add(subtype.parent_id.id)
                    elif not subtype.res_model:
                        wanted.add(subtype.id)
                key = ('partner', follower.partner_id.id) if follower.partner_id \
                    else ('channel', follower.channel_id.id)
                headers[(follower.res_model, follower.res_id)].setdefault(key, set()).update(wanted)
        me = ('partner', self.env.user.partner_id.id)
        rows = []
        for lead_id in self.ids:
            followers = {me: set(default_subtypes)}
            for fname, res_model in relations:
                value = values[lead_id].get(fname)
                if value:
                    followers.update(headers.get((res_model, value), {}))
            for (kind, ident), subtype_ids in followers.items():
                rows.append((lead_id, kind, ident, subtype_ids or default_subtypes))
        self._crm_sales_insert_followers(rows)

    @api.multi
    def _crm_sales_bulk_follow_salesperson(self):
        """The salesperson follows the lead (as Odoo's auto-subscription)."""
        self.env.cr.execute("""
            SELECT l.id, u.partner_id FROM crm_lead l
              JOIN res_users u ON u.id = l.user_id
              JOIN res_partner p ON p.id = u.partner_id AND p.active
             WHERE l.id IN %s AND NOT EXISTS (
                SELECT 1 FROM mail_followers f WHERE f.res_model = %s
                   AND f.res_id = l.id AND f.partner_id = u.partner_id)
        """, (tuple(self.ids), self._name))
        pairs = self.env.cr.fetchall()
        if pairs:
            defaults = self.env['mail.message.subtype'].default_subtypes(self._name)[0].ids
            self._crm_sales_insert_followers(
                [(lead_id, 'partner', pid, defaults) for lead_id, pid in pairs])

    @api.model
    def _crm_sales_insert_followers(self, rows):
        """rows: (res_id, 'partner'|'channel', id, subtype ids)."""
        if not rows:
            return
        Followers = self.env['mail.followers'].sudo()
        ids = bulk_insert(Followers, [
            {'res_model': self._name, 'res_id': res_id,
             'partner_id': ident if kind == 'partner' else None,
             'channel_id': ident if kind == 'channel' else None}
            for res_id, kind, ident, _subtypes in rows])
        pairs = [(fid, sid) for fid, row in zip(ids, rows) for sid in sorted(row[3])]
        cr = self.env.cr
        for start in range(0, len(pairs), 5000):
            chunk = pairs[start:start + 5000]
            cr.execute('INSERT INTO mail_followers_mail_message_subtype_rel '
                       '(mail_followers_id, mail_message_subtype_id) VALUES %s'
                       % ', '.join(['(%s, %s)'] * len(chunk)),
                       [v for pair in chunk for v in pair])
        Followers.invalidate_cache()
