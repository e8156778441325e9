import json

from odoo import api, models
from odoo.exceptions import AccessError

# The fields a payload may carry, per model (those the model has; those the
# subscribing user may read). Extend `_crm_erp_webhook_fields()` to add more.
WEBHOOK_FIELDS = {
    'crm.lead': ['name', 'type', 'partner_id', 'user_id', 'team_id', 'stage_id', 'planned_revenue',
                 'probability', 'date_closed', 'email_from', 'phone'],
    'sale.order': ['name', 'partner_id', 'user_id', 'team_id', 'state', 'date_order', 'confirmation_date',
                   'client_order_ref', 'amount_untaxed', 'amount_total', 'currency_id'],
    'stock.picking': ['name', 'origin', 'partner_id', 'state', 'scheduled_date', 'date_done', 'sale_id',
                      'carrier_tracking_ref'],
    'account.invoice': ['number', 'partner_id', 'user_id', 'state', 'date_invoice', 'date_due',
                        'amount_total', 'residual', 'currency_id', 'origin'],
    'crm.service.ticket': ['number', 'name', 'partner_id', 'user_id', 'team_id', 'stage_id', 'category_id',
                           'priority', 'channel', 'is_closed', 'date_closed', 'sale_order_id'],
}
CUSTOMER_FIELDS = ['name', 'ref', 'vat', 'email', 'phone', 'total_invoiced']


class CrmErpEvent(models.Model):
    _inherit = 'crm.erp.event'

    @api.multi
    def _crm_erp_dispatch(self):
        res = super(CrmErpEvent, self)._crm_erp_dispatch()
        self._crm_erp_webhook_enqueue()
        return res

    @api.multi
    def _crm_erp_webhook_enqueue(self):
        """Fill the outbox for these new events, in this transaction: one
        search of the subscribed endpoints, payloads built per subscribing
        user, one multi-row insert. Returns the new delivery ids."""
        if not self:
            return []
        self.env.cr.execute(
            'SELECT id, name, event_type_id, code, date, model, res_id, partner_id, company_id '
            'FROM crm_erp_event WHERE id IN %s ORDER BY id', (tuple(self.ids),))
        columns = [column[0] for column in self.env.cr.description]
        events = [dict(zip(columns, row)) for row in self.env.cr.fetchall()]
        endpoints = self.env['crm.erp.webhook.endpoint'].sudo().search(
            [('event_type_ids', 'in', list({e['event_type_id'] for e in events}))])
        rows, payloads = [], {}
        for endpoint in endpoints:
            type_ids, company_id = set(endpoint.event_type_ids.ids), endpoint.company_id.id
            mine = [e for e in events
                    if e['event_type_id'] in type_ids and e['company_id'] in (None, company_id)]
            if not mine:
                continue
            user = endpoint.user_id
            if user.id not in payloads:
                payloads[user.id] = self._crm_erp_webhook_payloads(user, events)
            for event in mine:
                payload = payloads[user.id].get(event['id'])
                if payload is None:     # the subscribing user cannot read the record
                    continue
                rows.append({
                    'name': event['name'], 'endpoint_id': endpoint.id, 'event_id': event['id'],
                    'event_type_id': event['event_type_id'], 'event_code': event['code'],
                    'partner_id': event['partner_id'], 'company_id': event['company_id'] or company_id,
                    'body': lambda key, payload=payload: json.dumps(dict(payload, id=key), sort_keys=True,
                                                                    default=str)})
        return self.env['crm.erp.webhook.delivery'].sudo()._insert_rows(rows)

    @api.model
    def _crm_erp_webhook_fields(self, model):
        return list(WEBHOOK_FIELDS.get(model, ['display_name']))

    @api.model
    def _crm_erp_webhook_customer_fields(self):
        return list(CUSTOMER_FIELDS)

    @api.model
    def _crm_erp_webhook_payloads(self, user, events):
        """{event id: payload dict (without its key)} for the `events` (dicts
        of event columns) whose record `user` may read; the record's and the
        customer's fields are those `user` may read (model ACL, record rules,
        field groups)."""
        by_model = {}
        for event in events:
            by_model.setdefault(event['model'], set()).add(event['res_id'])
        records = {model: self._crm_erp_webhook_read(self.env[model].browse(list(ids)), user,
                                                     self._crm_erp_webhook_fields(model))
                   for model, ids in by_model.items()}
        partner_ids = list({event['partner_id'] for event in events if event['partner_id']})
        customers = self._crm_erp_webhook_read(self.env['res.partner'].browse(partner_ids), user,
                                               self._crm_erp_webhook_customer_fields())
        result = {}
        for event in events:
            values = records[event['model']].get(event['res_id'])
            if values is None:
                continue
            result[event['id']] = {
                'event': event['code'],
                'event_id': event['id'],
                'date': event['date'].replace(' ', 'T') + 'Z',
                'record': {'model': event['model'], 'id': event['res_id'], 'fields': values},
                'customer': customers.get(event['partner_id']) if event['partner_id'] else None,
            }
        return result

    @api.model
    def _crm_erp_webhook_read(self, records, user, field_names):
        """{id: {field: value}} of the `records` `user` may read, with the
        fields of `field_names` they may read; many2one as {id, name}."""
        if not records:
            return {}
        Model = records.env[records._name].sudo(user.id).with_context(active_test=False)
        if not Model.check_access_rights('read', raise_exception=False):
            return {}
        readable = Model.search([('id', 'in', records.ids)])
        if not readable:
            return {}
        names = [name for name in field_names if name in Model._fields]
        try:
            Model.check_field_access_rights('read', names)
        except AccessError:
            names = [name for name in names if self._crm_erp_webhook_field_readable(Model, name)]
        result = {}
        for row in readable.read(names):
            values = {}
            for name in names:
                value = row.get(name)
                if Model._fields[name].type == 'many2one':
                    value = {'id': value[0], 'name': value[1]} if value else None
                values[name] = value
            result[row['id']] = dict(values, id=row['id'])
        return result

    @api.model
    def _crm_erp_webhook_field_readable(self, Model, name):
        try:
            Model.check_field_access_rights('read', [name])
        except AccessError:
            return False
        return True
