from odoo import api, fields, models


class CrmErpEvent(models.Model):
    """One thing that happened in the ERP or the CRM (an order confirmed, a
    delivery done or late, an invoice overdue, a lead won, a ticket opened or
    closed), written in the transaction of the change itself.

    `_emit()` is the single entry point; it creates the events set-based and
    hands them to `_crm_erp_dispatch()`, which the event rules (CRM work) and
    the webhooks (outbox) extend.
    """
    _name = 'crm.erp.event'
    _description = 'ERP Event'
    _order = 'date desc, id desc'
    _rec_name = 'name'

    name = fields.Char(required=True, readonly=True)
    event_type_id = fields.Many2one('crm.erp.event.type', required=True, readonly=True,
                                    index=True, ondelete='restrict')
    code = fields.Char(related='event_type_id.code', store=True, readonly=True, index=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    model = fields.Char(required=True, readonly=True, index=True)
    res_id = fields.Integer(required=True, readonly=True, index=True)
    partner_id = fields.Many2one('res.partner', 'Customer', readonly=True, index=True,
                                 help='Commercial entity of the customer concerned.')
    user_id = fields.Many2one('res.users', 'Responsible', readonly=True, index=True,
                              help='Salesperson or agent in charge of the record.')
    company_id = fields.Many2one('res.company', readonly=True, index=True)

    @api.multi
    def action_open_record(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': self.model,
            'res_id': self.res_id,
            'view_mode': 'form',
            'views': [(False, 'form')],
        }

    @api.model
    def _emit(self, code, records):
        """Record event `code` for each of `records` (any model implementing
        `_crm_erp_event_values()`) and dispatch the new events. Runs as
        superuser: the event log is technical; what reaches people goes
        through the rules and the webhooks, which apply their own rights."""
        if not records:
            return self.browse()
        event_type = self.env['crm.erp.event.type'].sudo().search([('code', '=', code)], limit=1)
        if not event_type:
            return self.browse()
        now = fields.Datetime.now()
        rows = records._crm_erp_event_values(code)
        self.env.cr.execute(
            'INSERT INTO crm_erp_event (name, event_type_id, code, date, model, res_id, partner_id, '
            'user_id, company_id, create_uid, create_date, write_uid, write_date) '
            'SELECT * FROM unnest(%s::varchar[], %s::int[], %s::varchar[], %s::timestamp[], '
            '%s::varchar[], %s::int[], %s::int[], %s::int[], %s::int[], %s::int[], '
            '%s::timestamp[], %s::int[], %s::timestamp[]) RETURNING id',
            (['%s: %s' % (event_type.name, r['name']) for r in rows],
             [event_type.id] * len(rows), [code] * len(rows),
             [now] * len(rows), [records._name] * len(rows), [r['res_id'] for r in rows],
             [r.get('partner_id') or None for r in rows],
             [r.get('user_id') or None for r in rows],
             [r.get('company_id') or None for r in rows], [self.env.uid] * len(rows),
             [now] * len(rows), [self.env.uid] * len(rows), [now] * len(rows)))
        events = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        events._crm_erp_dispatch()
        return events

    @api.model
    def _cron_detect(self):
        """Scheduled: the events no write announces (lateness, overdue).
        Sibling features add their own detections by extending this."""
        self.env['stock.picking'].sudo()._crm_erp_detect_late()
        self.env['account.invoice'].sudo()._crm_erp_detect_overdue()
        return True

    @api.multi
    def _crm_erp_dispatch(self):
        """Hook on the events just emitted (set-based, same transaction):
        event rules and webhooks extend it (call super, act on `self`)."""
        return True

    @api.multi
    def _crm_erp_records(self):
        """The records the events are about, one recordset per model."""
        result = {}
        for model in set(self.mapped('model')):
            result[model] = self.env[model].browse(
                self.filtered(lambda e: e.model == model).mapped('res_id')).exists()
        return result


class CrmErpEventSource(models.AbstractModel):
    """Mixed into the models that emit events: how an event row describes them."""
    _name = 'crm.erp.event.source'
    _description = 'ERP Event Source'

    @api.multi
    def _crm_erp_event_values(self, code):
        """One dict per record: res_id, name, partner_id, user_id, company_id."""
        return [{'res_id': rec.id, 'name': rec.display_name,
                 'partner_id': rec._crm_erp_event_partner().id,
                 'user_id': rec._crm_erp_event_user().id,
                 'company_id': rec['company_id'].id if 'company_id' in rec._fields else False}
                for rec in self]

    @api.multi
    def _crm_erp_event_partner(self):
        self.ensure_one()
        partner = self['partner_id'] if 'partner_id' in self._fields else self.env['res.partner']
        return partner.commercial_partner_id

    @api.multi
    def _crm_erp_event_user(self):
        self.ensure_one()
        return self['user_id'] if 'user_id' in self._fields else self.env['res.users']
