import json
import logging
import time
import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_erp_webhook_sender import Job, backoff, post_all

_logger = logging.getLogger(__name__)

DELIVERY_STATES = [
    ('pending', 'Pending'),
    ('failed', 'Failed (will retry)'),
    ('delivered', 'Delivered'),
    ('dead', 'Dead'),
]


class CrmErpWebhookDelivery(models.Model):
    """The outbox: one row per (event, endpoint), written in the transaction
    of the change that raised the event, so an event is never lost and never
    sent for a change that was rolled back.

    Delivery contract: at least once. The sender claims due rows with
    ``FOR UPDATE SKIP LOCKED`` (two workers never post the same row at the
    same time), posts them, then records the outcome; a crash between the
    receiver's 200 and our commit means the row is posted again later with
    the same idempotency key (header X-CRM-Delivery, payload "id"). Receivers
    get exactly-once processing by ignoring a key they have already seen.
    """
    _name = 'crm.erp.webhook.delivery'
    _description = 'Webhook Delivery'
    _order = 'id desc'

    name = fields.Char(required=True, readonly=True)
    endpoint_id = fields.Many2one('crm.erp.webhook.endpoint', required=True, readonly=True,
                                  ondelete='cascade', index=True)
    event_id = fields.Many2one('crm.erp.event', readonly=True, ondelete='set null', index=True)
    event_type_id = fields.Many2one('crm.erp.event.type', readonly=True, ondelete='set null')
    event_code = fields.Char(required=True, readonly=True)
    partner_id = fields.Many2one('res.partner', 'Customer', readonly=True, ondelete='set null')
    company_id = fields.Many2one('res.company', readonly=True, index=True)
    idempotency_key = fields.Char(required=True, readonly=True, copy=False,
                                  help='Sent as X-CRM-Delivery and as the payload\'s "id"; the same on '
                                       'every retry, so the receiver can ignore a delivery it has '
                                       'already processed.')
    payload = fields.Text(required=True, readonly=True, help='JSON body, built when the event happened.')
    # progress
    state = fields.Selection(DELIVERY_STATES, required=True, default='pending', readonly=True, index=True)
    attempt_count = fields.Integer('Attempts', readonly=True)
    next_attempt = fields.Datetime(readonly=True, index=True, help='When the sender tries again.')
    last_status = fields.Integer('Last HTTP Status', readonly=True)
    last_error = fields.Text(readonly=True)
    delivered_at = fields.Datetime(readonly=True)
    duration_ms = fields.Integer('Duration (ms)', readonly=True, help='Time of the last attempt.')
    attempt_ids = fields.One2many('crm.erp.webhook.attempt', 'delivery_id', 'Attempts Log', readonly=True)

    _sql_constraints = [
        ('idempotency_key_unique', 'unique (idempotency_key)', 'An idempotency key is used once.'),
    ]

    @api.model_cr
    def init(self):
        # the sender's claim: due rows in order
        self.env.cr.execute("""CREATE INDEX IF NOT EXISTS crm_erp_webhook_delivery_due_idx
                                   ON crm_erp_webhook_delivery (next_attempt, id)
                                WHERE state IN ('pending', 'failed')""")

    # ------------------------------------------------------------------
    # Outbox rows
    # ------------------------------------------------------------------
    @api.model
    def _insert_rows(self, rows):
        """Multi-row insert of deliveries (dicts with endpoint_id, event_id,
        event_type_id, event_code, partner_id, company_id, name, payload
        builder `body(key)`); one statement, keys generated here. Returns ids."""
        if not rows:
            return []
        now = fields.Datetime.now()
        keys = [str(uuid.uuid4()) for _row in rows]
        n = len(rows)
        self.env.cr.execute(
            'INSERT INTO crm_erp_webhook_delivery (name, endpoint_id, event_id, event_type_id, event_code, '
            'partner_id, company_id, idempotency_key, payload, state, attempt_count, next_attempt, '
            'create_uid, create_date, write_uid, write_date) '
            "SELECT n, ep, ev, et, code, p, c, k, body, 'pending', 0, %s, %s, %s, %s, %s "
            'FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::int[], %s::varchar[], %s::int[], '
            '%s::int[], %s::varchar[], %s::text[]) AS t(n, ep, ev, et, code, p, c, k, body) RETURNING id',
            (now, self.env.uid, now, self.env.uid, now,
             [r['name'] for r in rows], [r['endpoint_id'] for r in rows],
             [r.get('event_id') or None for r in rows], [r.get('event_type_id') or None for r in rows],
             [r['event_code'] for r in rows], [r.get('partner_id') or None for r in rows],
             [r.get('company_id') or None for r in rows], keys,
             [rows[i]['body'](keys[i]) for i in range(n)]))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _create_test(self, endpoint):
        now = fields.Datetime.now()

        def body(key):
            return json.dumps({'id': key, 'event': 'test', 'event_id': None,
                               'date': now.replace(' ', 'T') + 'Z', 'test': True,
                               'record': None, 'customer': None}, sort_keys=True)
        ids = self._insert_rows([{'name': _('Test event'), 'endpoint_id': endpoint.id, 'event_code': 'test',
                                  'company_id': endpoint.company_id.id, 'body': body}])
        return self.browse(ids)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.multi
    def action_retry(self):
        """Retry now: failed or dead deliveries are sent at once (one more
        attempt; a dead one that fails again stays dead)."""
        todo = self.filtered(lambda d: d.state in ('failed', 'dead', 'pending'))
        if not todo:
            raise UserError(_('Only pending, failed or dead deliveries can be retried.'))
        todo.write({'state': 'pending', 'next_attempt': fields.Datetime.now()})
        todo._send()
        return True

    @api.multi
    def _action_open(self):
        self.ensure_one()
        return {'type': 'ir.actions.act_window', 'res_model': self._name, 'res_id': self.id,
                'view_mode': 'form', 'views': [(False, 'form')], 'target': 'current'}

    # ------------------------------------------------------------------
    # Sender
    # ------------------------------------------------------------------
    _CLAIM = """
        SELECT d.id, d.endpoint_id, e.url, e.secret, e.timeout, d.event_code, d.idempotency_key,
               d.payload, d.attempt_count, e.max_attempts, e.backoff_base, e.backoff_cap
          FROM crm_erp_webhook_delivery d
          JOIN crm_erp_webhook_endpoint e ON e.id = d.endpoint_id
         WHERE {where}
         ORDER BY d.next_attempt, d.id
         LIMIT %(limit)s
           FOR UPDATE OF d SKIP LOCKED"""

    @api.model
    def _claim(self, limit=200, now=None, skip_endpoints=(), ids=None):
        """Lock and return due deliveries (rows of `_CLAIM`). Rows another
        transaction holds are skipped, so concurrent senders never share a row."""
        where = ["d.state IN ('pending', 'failed')", 'e.active']
        params = {'limit': limit, 'now': now or fields.Datetime.now(),
                  'skip': list(skip_endpoints), 'ids': list(ids or [])}
        if ids is not None:     # asked for by a person (test event, Retry Now): paused or not
            where.append('d.id = ANY(%(ids)s)')
        else:
            where += ['d.next_attempt <= %(now)s', 'NOT COALESCE(e.paused, false)']
        if skip_endpoints:
            where.append('NOT (d.endpoint_id = ANY(%(skip)s))')
        self.env.cr.execute(self._CLAIM.format(where=' AND '.join(where)), params)
        return self.env.cr.fetchall()

    @api.model
    def _send_due(self, limit=200, now=None, skip_endpoints=(), deadline=None):
        """One batch: claim up to `limit` due deliveries, post them, record
        the outcome. No commit (the cron commits). Returns (claimed, given-up
        endpoint ids)."""
        rows = self._claim(limit=limit, now=now, skip_endpoints=skip_endpoints)
        given_up = self._send_claimed(rows, now=now, deadline=deadline)
        return len(rows), given_up

    @api.multi
    def _send(self, now=None):
        """Send these deliveries now, whatever their next attempt time or
        a pause of their endpoint (test event, Retry Now); archived
        endpoints excepted."""
        rows = self._claim(limit=len(self.ids), now=now, ids=self.ids)
        return self._send_claimed(rows, now=now)

    @api.model
    def _send_claimed(self, rows, now=None, deadline=None):
        if not rows:
            return set()
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        jobs = [Job(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]
        given_up = post_all(jobs, deadline=deadline)
        self._record_outcomes(rows, jobs, now)
        return given_up

    @api.model
    def _record_outcomes(self, rows, jobs, now):
        """Write the posts' outcomes set-based: one UPDATE of the deliveries,
        one INSERT into the attempts log. Jobs not sent are left as they were."""
        stamp = fields.Datetime.to_string(now)
        upd = {k: [] for k in ('id', 'state', 'attempts', 'next', 'status', 'error', 'delivered', 'ms')}
        for row, job in zip(rows, jobs):
            if not job.sent:
                continue
            attempts = row[8] + 1
            if job.ok:
                state, next_attempt, delivered = 'delivered', None, stamp
            else:
                state = 'dead' if attempts >= row[9] else 'failed'
                next_attempt = None if state == 'dead' else fields.Datetime.to_string(
                    now + timedelta(seconds=backoff(row[10], row[11], attempts)))
                delivered = None
            for key, value in (('id', job.delivery_id), ('state', state), ('attempts', attempts),
                               ('next', next_attempt), ('status', job.status), ('error', job.error),
                               ('delivered', delivered), ('ms', job.duration_ms)):
                upd[key].append(value)
        if not upd['id']:
            return
        self.env.cr.execute("""
            UPDATE crm_erp_webhook_delivery d
               SET state = u.state, attempt_count = u.attempts, next_attempt = u.next,
                   last_status = u.status, last_error = u.error,
                   delivered_at = COALESCE(u.delivered, d.delivered_at), duration_ms = u.ms,
                   write_date = %s, write_uid = %s
              FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::timestamp[], %s::int[], %s::text[],
                          %s::timestamp[], %s::int[])
                   AS u(id, state, attempts, next, status, error, delivered, ms)
             WHERE d.id = u.id""",
                            (stamp, self.env.uid, upd['id'], upd['state'], upd['attempts'], upd['next'],
                             upd['status'], upd['error'], upd['delivered'], upd['ms']))
        self.env.cr.execute("""
            INSERT INTO crm_erp_webhook_attempt (delivery_id, endpoint_id, company_id, date, attempt, ok,
                                                 status, error, duration_ms, create_uid, create_date,
                                                 write_uid, write_date)
            SELECT u.id, d.endpoint_id, d.company_id, %s, u.attempts, u.state = 'delivered', u.status,
                   u.error, u.ms,
                   %s, %s, %s, %s
              FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::int[], %s::text[], %s::int[])
                   AS u(id, state, attempts, status, error, ms)
              JOIN crm_erp_webhook_delivery d ON d.id = u.id""",
                            (stamp, self.env.uid, stamp, self.env.uid, stamp, upd['id'], upd['state'],
                             upd['attempts'], upd['status'], upd['error'], upd['ms']))
        self.invalidate_cache()
        self.env['crm.erp.webhook.attempt'].invalidate_cache()

    @api.model
    def _cron_send(self, batch=200, budget=50.0):
        """Scheduled every minute: send due deliveries in batches until none
        is due or `budget` seconds are spent.

        Commits after each batch: this is the one place that does. The posts
        of a batch have happened; committing records them (and releases the
        rows' locks) so that a later failure or a killed worker does not send
        the whole batch again. A crash before a commit only means those rows
        are posted again with the same idempotency key (at least once)."""
        deadline = time.monotonic() + budget
        given_up, total = set(), 0
        while time.monotonic() < deadline:
            claimed, skipped = self._send_due(limit=batch, skip_endpoints=given_up, deadline=deadline)
            given_up |= skipped
            self.env.cr.commit()  # pylint: disable=invalid-commit
            total += claimed
            if claimed < batch:
                break
        if given_up:
            _logger.info('Webhooks: endpoints %s timed out or are unreachable; retried later',
                         sorted(given_up))
        return total


class CrmErpWebhookAttempt(models.Model):
    """The delivery log: one row per HTTP attempt."""
    _name = 'crm.erp.webhook.attempt'
    _description = 'Webhook Delivery Attempt'
    _order = 'date desc, id desc'

    delivery_id = fields.Many2one('crm.erp.webhook.delivery', required=True, readonly=True,
                                  ondelete='cascade', index=True)
    endpoint_id = fields.Many2one('crm.erp.webhook.endpoint', readonly=True, ondelete='cascade', index=True)
    company_id = fields.Many2one('res.company', readonly=True, index=True)
    date = fields.Datetime(readonly=True)
    attempt = fields.Integer(readonly=True)
    ok = fields.Boolean('Delivered', readonly=True)
    status = fields.Integer('HTTP Status', readonly=True)
    error = fields.Text(readonly=True)
    duration_ms = fields.Integer('Duration (ms)', readonly=True)
