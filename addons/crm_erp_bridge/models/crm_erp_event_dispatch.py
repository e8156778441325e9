"""The event rules at work: `crm.erp.event._crm_erp_dispatch()` hands the
new events to the active rules of their types, set-based.

Per dispatch: one search for the rules, one query for what they already
did; per rule: one search with its filter over all the events' records, one
search for the work still open, then the work created (one ORM create per
activity, ticket or opportunity: Odoo 11 has no multi-create), one INSERT for
the log and one UPDATE for the counters. A rule never raises on the change
that emitted the event: an error rolls back that rule's work only (a
savepoint) and is written in the log.
"""
import logging

from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

_logger = logging.getLogger(__name__)


class CrmErpEvent(models.Model):
    _inherit = 'crm.erp.event'

    rule_log_ids = fields.One2many('crm.erp.event.rule.log', 'event_id', 'Rule Log', readonly=True)
    rule_log_count = fields.Integer('Rule Work', compute='_compute_rule_log_count')

    @api.multi
    def _compute_rule_log_count(self):
        groups = self.env['crm.erp.event.rule.log'].read_group(
            [('event_id', 'in', self.ids)], ['event_id'], ['event_id'])
        counts = {g['event_id'][0]: g['event_id_count'] for g in groups}
        for event in self:
            event.rule_log_count = counts.get(event.id, 0)

    @api.multi
    def action_view_rule_log(self):
        self.ensure_one()
        action = self.env.ref('crm_erp_bridge.crm_erp_event_rule_log_action').read()[0]
        action['domain'] = [('event_id', '=', self.id)]
        action['context'] = {}
        return action

    @api.multi
    def _crm_erp_dispatch(self):
        res = super(CrmErpEvent, self)._crm_erp_dispatch()
        if self:
            self.sudo()._crm_erp_apply_rules()
        return res

    @api.multi
    def _crm_erp_apply_rules(self, rules=None):
        """Run the active rules of the events' types (or `rules`) on `self`.
        Events a rule already acted on are left alone, so dispatching the same
        events twice creates nothing new. Returns the log lines written."""
        Log = self.env['crm.erp.event.rule.log'].sudo()
        if rules is None:
            # work created by a rule emits events too (a ticket opened): the
            # rules already in that chain do not run again, so no loop
            chain = list(self.env.context.get('crm_erp_rule_chain', ()))
            rules = self.env['crm.erp.event.rule'].sudo().search(
                [('event_type_id', 'in', self.mapped('event_type_id').ids), ('id', 'not in', chain)])
        if not rules or not self:
            return Log
        cr = self.env.cr
        cr.execute('SELECT rule_id, event_id FROM crm_erp_event_rule_log '
                   'WHERE rule_id IN %s AND event_id IN %s', (tuple(rules.ids), tuple(self.ids)))
        seen = set(cr.fetchall())
        rows, ran = [], set()
        for rule in rules:
            events = self.filtered(
                lambda e: e.event_type_id == rule.event_type_id
                and (not rule.company_id or e.company_id == rule.company_id)
                and (rule.id, e.id) not in seen)
            if not events:
                continue
            ran.add(rule.id)
            rows += events._crm_erp_run_rule(rule)
        Log._insert(rows)
        self._crm_erp_count_rule_work(ran, rows)
        return Log.search([('rule_id', 'in', list(ran)), ('event_id', 'in', self.ids)])

    @api.multi
    def _crm_erp_run_rule(self, rule):
        """Log rows of `rule` on the events `self`. A failure rolls back the
        rule's work on these events and is retried event by event, so one bad
        record costs only its own event."""
        try:
            chain = tuple(self.env.context.get('crm_erp_rule_chain', ())) + (rule.id,)
            with self.env.cr.savepoint():
                return rule.with_context(crm_erp_rule_chain=chain)._crm_erp_apply(
                    self.with_context(crm_erp_rule_chain=chain))
        except OperationalError as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise   # a concurrent update: the whole transaction is retried
            return self._crm_erp_rule_failed(rule, error)
        except Exception as error:  # pylint: disable=broad-except
            return self._crm_erp_rule_failed(rule, error)

    @api.multi
    def _crm_erp_rule_failed(self, rule, error):
        """After a rolled back failure: retry event by event, or log it."""
        self.invalidate_cache()
        if len(self) > 1:
            rows = []
            for event in self:
                rows += event._crm_erp_run_rule(rule)
            return rows
        _logger.warning('Event rule %s failed on event %s: %s', rule.id, self.id, error)
        return [{'rule_id': rule.id, 'event_id': self.id, 'state': 'failed',
                 'message': _('Error: %s') % (error.args[0] if error.args else error)}]

    @api.model
    def _crm_erp_count_rule_work(self, rule_ids, rows):
        """One UPDATE: work and failure counters and last run of the rules that ran."""
        if not rule_ids:
            return
        done = {rid: 0 for rid in rule_ids}
        failed = dict(done)
        for row in rows:
            if row['state'] == 'done':
                done[row['rule_id']] += 1
            elif row['state'] == 'failed':
                failed[row['rule_id']] += 1
        ids = sorted(rule_ids)
        self.env.cr.execute(
            'UPDATE crm_erp_event_rule r SET work_count = COALESCE(r.work_count, 0) + c.done, '
            'failure_count = COALESCE(r.failure_count, 0) + c.failed, last_run = %s '
            'FROM unnest(%s::int[], %s::int[], %s::int[]) AS c(id, done, failed) WHERE r.id = c.id',
            (fields.Datetime.now(), ids, [done[i] for i in ids], [failed[i] for i in ids]))
        self.env['crm.erp.event.rule'].browse(ids).invalidate_cache(
            ['work_count', 'failure_count', 'last_run'])

    @api.model
    def _cron_detect(self):
        res = super(CrmErpEvent, self)._cron_detect()
        self.env['res.partner'].sudo()._crm_erp_detect_reorder()
        return res
