"""SLA deadlines, flags and escalation on tickets.

Everything here is set-based: the deadlines of any number of tickets are
computed by `_sla_recompute_ids()` with one query to read them, numpy to
count working hours (models/working_hours.py) and one UPDATE per chunk to
write them back, never an ORM write per ticket.

Rules (see README.rst, "SLA policies"):
- the clock starts when the ticket is created;
- the first response is the first message to the customer by an internal
  user (a comment, not an internal note), or the ticket entering a
  "waiting on customer" or closed stage (both mean someone talked to the
  customer); a move to "In Progress" is not an answer;
- the resolution is the ticket entering a closed stage (date_closed);
- in a waiting stage the resolution clock pauses; when the ticket leaves
  it, the working hours it waited are added to the resolution deadline.
  A pause starting after the deadline has passed is not counted (a breach
  stays a breach);
- reached = done by the deadline; breached = the deadline passed first.
"""
import logging

from odoo import _, api, fields, models
from odoo.tools import html_escape

from .working_hours import WorkingTime, to_epoch

_logger = logging.getLogger(__name__)
try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy is in requirements.txt
    _logger.error('crm_service needs numpy for SLA deadlines: pip install numpy')


def _floats(values):
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


SLA_TRIGGERS = {'priority', 'category_id', 'team_id', 'partner_id', 'company_id'}
CHUNK = 20000


class CrmServiceTicket(models.Model):
    _inherit = 'crm.service.ticket'

    # policy and deadlines
    sla_id = fields.Many2one('crm.service.sla', string='SLA Policy', readonly=True, copy=False,
                             ondelete='set null')
    deadline_first_response = fields.Datetime('First Response Deadline', readonly=True, index=True,
                                              copy=False)
    deadline_resolution = fields.Datetime('Resolution Deadline', readonly=True, index=True, copy=False,
                                          help="Moves later by the working time the ticket waits on "
                                               "the customer.")
    sla_deadline = fields.Datetime('SLA Deadline', readonly=True, index=True, copy=False,
                                   help="The next deadline of this open ticket: its first response, "
                                        "then its resolution.")
    sla_warning_first_response = fields.Datetime(readonly=True, copy=False)
    sla_warning_resolution = fields.Datetime(readonly=True, copy=False)
    # what happened
    date_first_response = fields.Datetime('First Response', readonly=True, copy=False,
                                          help="When an agent first answered the customer.")
    sla_first_response_hours = fields.Float('Hours to First Response', readonly=True, copy=False,
                                            group_operator='avg', help="In working hours.")
    sla_resolution_hours = fields.Float('Hours to Resolution', readonly=True, copy=False,
                                        group_operator='avg',
                                        help="In working hours, without the time waiting on the customer.")
    sla_paused_hours = fields.Float('Waiting Hours', readonly=True, copy=False,
                                    help="Working hours spent waiting on the customer: the resolution "
                                         "deadline moved by this much.")
    sla_pause_start = fields.Datetime('Waiting Since', readonly=True, copy=False)
    # flags
    sla_first_response_reached = fields.Boolean('First Response on Time', readonly=True, copy=False)
    sla_first_response_breached = fields.Boolean('First Response Late', readonly=True, copy=False)
    sla_resolution_reached = fields.Boolean('Resolved on Time', readonly=True, copy=False)
    sla_resolution_breached = fields.Boolean('Resolution Late', readonly=True, copy=False)
    sla_status = fields.Selection([
        ('none', 'No SLA'),
        ('ok', 'On Track'),
        ('warning', 'At Risk'),
        ('paused', 'Waiting'),
        ('breached', 'Breached'),
        ('done', 'Met'),
    ], string='SLA Status', readonly=True, copy=False, default='none')
    # escalation: the deadline each notice was sent for (once per deadline)
    sla_escalated = fields.Boolean('Escalated', readonly=True, copy=False,
                                   help="Reassigned by the SLA escalation (at most once).")
    sla_fr_warning_sent = fields.Datetime(readonly=True, copy=False)
    sla_fr_breach_sent = fields.Datetime(readonly=True, copy=False)
    sla_res_warning_sent = fields.Datetime(readonly=True, copy=False)
    sla_res_breach_sent = fields.Datetime(readonly=True, copy=False)

    _SLA_COMPUTED = ['sla_id', 'deadline_first_response', 'deadline_resolution', 'sla_deadline',
                     'sla_warning_first_response', 'sla_warning_resolution', 'date_first_response',
                     'sla_first_response_hours', 'sla_resolution_hours', 'sla_paused_hours',
                     'sla_pause_start',
                     'sla_first_response_reached', 'sla_first_response_breached', 'sla_resolution_reached',
                     'sla_resolution_breached', 'sla_status', 'sla_escalated', 'sla_fr_warning_sent',
                     'sla_fr_breach_sent', 'sla_res_warning_sent', 'sla_res_breach_sent']

    # ------------------------------------------------------------------
    # events
    # ------------------------------------------------------------------
    @api.multi
    def _crm_service_ticket_created(self):
        res = super(CrmServiceTicket, self)._crm_service_ticket_created()
        # as if the tickets had just entered their stage: one created in a
        # waiting or closed stage has been answered, and waits
        self._sla_stage_changed({})
        return res

    @api.multi
    def write(self, vals):
        before = self._sla_stage_flags() if 'stage_id' in vals else {}
        res = super(CrmServiceTicket, self).write(vals)
        if 'stage_id' in vals:
            self._sla_stage_changed(before)
        elif SLA_TRIGGERS & set(vals):
            self._sla_recompute_ids(self.ids)
        return res

    def _message_post_after_hook(self, message):
        res = super(CrmServiceTicket, self)._message_post_after_hook(message)
        if self and not self.date_first_response and self._sla_is_answer(message):
            self._sla_first_response(fields.Datetime.from_string(message.date))
        return res

    @api.multi
    def _sla_is_answer(self, message):
        """An answer to the customer: a comment (not a note) by an internal user."""
        comment = self.env.ref('mail.mt_comment', raise_if_not_found=False)
        author_users = message.sudo().author_id.user_ids
        return (message.message_type in ('comment', 'email') and comment and message.subtype_id == comment
                and author_users and not all(author_users.mapped('share'))
                and message.author_id != self.partner_id)

    @api.model
    def _sla_now(self):
        """Now, or the instant a test passes in the context (sla_now)."""
        now = self.env.context.get('sla_now')
        if now:
            return fields.Datetime.from_string(now) if isinstance(now, str) else now
        return fields.Datetime.from_string(fields.Datetime.now())

    @api.multi
    def _sla_first_response(self, when=None):
        """Record the first answer (set-based; tickets already answered keep theirs)."""
        when = when or self._sla_now()
        self.env.cr.execute("""
            UPDATE crm_service_ticket SET date_first_response = %s
             WHERE id = ANY(%s) AND date_first_response IS NULL RETURNING id""", (when, self.ids))
        ids = [r[0] for r in self.env.cr.fetchall()]
        if ids:
            self._sla_recompute_ids(ids, now=max(when, self._sla_now()))

    @api.multi
    def _sla_stage_flags(self):
        self.env.cr.execute("""
            SELECT t.id, s.is_waiting, s.is_closed FROM crm_service_ticket t
              JOIN crm_service_stage s ON s.id = t.stage_id WHERE t.id = ANY(%s)""", (self.ids,))
        return {r[0]: (bool(r[1]), bool(r[2])) for r in self.env.cr.fetchall()}

    @api.multi
    def _sla_stage_changed(self, before):
        now = self._sla_now()
        after = self._sla_stage_flags()
        entering_wait = [i for i, (wait, _closed) in after.items() if wait and not before.get(i, (False,))[0]]
        leaving_wait = [i for i, (wait, _closed) in after.items() if not wait and before.get(i, (False,))[0]]
        answered = [i for i, (wait, closed) in after.items() if wait or closed]
        cr = self.env.cr
        if answered:
            cr.execute("UPDATE crm_service_ticket SET date_first_response = %s "
                       "WHERE id = ANY(%s) AND date_first_response IS NULL", (now, answered))
        if entering_wait:
            # a pause only counts while the resolution deadline is still ahead
            cr.execute("""
                UPDATE crm_service_ticket SET sla_pause_start = %(now)s
                 WHERE id = ANY(%(ids)s) AND sla_pause_start IS NULL AND NOT is_closed
                   AND (deadline_resolution IS NULL OR deadline_resolution > %(now)s)""",
                       {'now': now, 'ids': entering_wait})
        self._sla_recompute_ids(self.ids, now=now, end_pause_ids=leaving_wait)

    # ------------------------------------------------------------------
    # the engine
    # ------------------------------------------------------------------
    @api.model
    def _sla_recompute_where(self, where='TRUE', params=None, now=None):
        """Recompute the SLA of the open tickets matching an SQL condition on
        crm_service_ticket t (parameterised), e.g. after a policy changed.
        Returns the number of tickets recomputed."""
        self.env.cr.execute("SELECT t.id FROM crm_service_ticket t WHERE NOT t.is_closed AND t.active AND "
                            + where, params or [])
        ids = [r[0] for r in self.env.cr.fetchall()]
        self._sla_recompute_ids(ids, now=now)
        return len(ids)

    @api.model
    def recompute_sla_deadlines(self, domain=None, now=None):
        """Recompute the SLA of the open tickets (matching `domain`, searched
        as the current user). Returns the number of tickets recomputed."""
        domain = [('is_closed', '=', False)] + list(domain or [])
        ids = self.search(domain).ids
        self.sudo()._sla_recompute_ids(ids, now=now)
        return len(ids)

    @api.model
    def _sla_calendars(self, calendar_ids):
        """{calendar_id: (attendances, leaves, tz)} read with three queries."""
        cr = self.env.cr
        data = {cid: ([], [], None) for cid in calendar_ids}
        if not calendar_ids:
            return data
        cr.execute("SELECT id, tz FROM resource_calendar WHERE id = ANY(%s)", (list(calendar_ids),))
        for cid, tz in cr.fetchall():
            data[cid] = (data[cid][0], data[cid][1], tz)
        cr.execute("""SELECT calendar_id, dayofweek, hour_from, hour_to, date_from, date_to
                        FROM resource_calendar_attendance WHERE calendar_id = ANY(%s)""",
                   (list(calendar_ids),))
        for cid, dow, h_from, h_to, d_from, d_to in cr.fetchall():
            data[cid][0].append((int(dow), h_from, h_to, fields.Date.from_string(d_from) or None,
                                 fields.Date.from_string(d_to) or None))
        cr.execute("""SELECT calendar_id, date_from, date_to FROM resource_calendar_leaves
                       WHERE calendar_id = ANY(%s) AND resource_id IS NULL""", (list(calendar_ids),))
        for cid, d_from, d_to in cr.fetchall():
            data[cid][1].append((fields.Datetime.from_string(d_from), fields.Datetime.from_string(d_to)))
        return data

    @api.model
    def _sla_working_time(self, calendar_id, tz, calendars, cache):
        key = (calendar_id, tz)
        if key not in cache:
            attendances, leaves, _tz = calendars.get(calendar_id or 0, ([], [], None))
            cache[key] = WorkingTime(attendances, leaves, tz)
        return cache[key]

    @api.model
    def _sla_recompute_ids(self, ids, now=None, end_pause_ids=()):
        """Match the policy and compute deadlines, waiting and elapsed working
        hours and flags of tickets `ids`, without ORM writes. Tickets in
        `end_pause_ids` leave a waiting stage now: their pause is added up."""
        # in id order: the UPDATEs then walk the table and its primary key in order
        ids = sorted(set(ids))
        if not ids:
            return
        now = now or self._sla_now()
        end_pause = set(end_pause_ids)
        cr = self.env.cr
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            cr.execute("""
                SELECT t.id, date_part('epoch', date_trunc('second', t.create_date)), t.company_id, t.team_id,
                       t.category_id, t.priority, cp.service_tier,
                       date_part('epoch', date_trunc('second', t.date_first_response)),
                       date_part('epoch', date_trunc('second', t.date_closed)), t.is_closed,
                       COALESCE(t.sla_paused_hours, 0),
                       date_part('epoch', date_trunc('second', t.sla_pause_start)),
                       COALESCE(team.resource_calendar_id, co.resource_calendar_id), mp.tz
                  FROM crm_service_ticket t
             LEFT JOIN res_partner cp ON cp.id = t.commercial_partner_id
             LEFT JOIN crm_service_team team ON team.id = t.team_id
             LEFT JOIN res_company co ON co.id = COALESCE(team.company_id, t.company_id)
             LEFT JOIN res_users mu ON mu.id = team.user_id
             LEFT JOIN res_partner mp ON mp.id = mu.partner_id
                 WHERE t.id = ANY(%s)""", (chunk,))
            self._sla_compute_rows(cr.fetchall(), now, end_pause)
        self.invalidate_cache(self._SLA_COMPUTED, ids if len(ids) < 1000 else None)

    @api.model
    def _sla_compute_rows(self, rows, now, end_pause):
        """Compute and write (one UPDATE) the SLA columns of `rows`."""
        n = len(rows)
        (tids, created, companies, teams, categories, priorities, tiers, first_responses, closed_dates,
         is_closed, paused, pause_starts, team_calendars, manager_tzs) = zip(*rows)
        keys = list(zip(companies, teams, categories, priorities, tiers))
        matches = self.env['crm.service.sla']._match_keys(set(keys))
        policies = [matches[k] for k in keys]

        # the calendar and time zone each ticket counts in
        calendar_of = [p and (p['resource_calendar_id'] or team_calendars[i]) for i, p in enumerate(policies)]
        calendars = self._sla_calendars({c for c in calendar_of if c})
        groups = {}
        for i, p in enumerate(policies):
            if not p:
                continue
            cal = calendar_of[i]
            tz = (cal and calendars.get(cal, (None, None, None))[2]) or manager_tzs[i] or 'UTC'
            groups.setdefault((cal, tz), []).append(i)

        closed = np.array(is_closed, dtype=bool)
        has_policy = np.array([bool(p) for p in policies])
        t_created = _floats(created)
        t_first = _floats(first_responses)
        t_closed = np.where(closed, _floats(closed_dates), np.nan)
        t_pause = _floats(pause_starts)
        paused = np.array(paused, dtype=np.float64)
        fr_target = np.array([p['first_response_hours'] if p else 0.0 for p in policies], dtype=np.float64)
        res_target = np.array([p['resolution_hours'] if p else 0.0 for p in policies], dtype=np.float64)
        warn = np.array([p['warning_hours'] if p else 0.0 for p in policies], dtype=np.float64)
        fr_target[fr_target <= 0] = np.nan
        res_target[res_target <= 0] = np.nan
        ending = np.isin(np.array(tids), list(end_pause)) & ~np.isnan(t_pause)

        dfr, dres, wfr, wres, hfr, hres = (np.full(n, np.nan) for _i in range(6))
        t_now = to_epoch([now])[0]
        cache = {}
        for (cal, tz), members in groups.items():
            idx = np.array(members)
            clock = self._sla_working_time(cal, tz, calendars, cache)
            start = t_created[idx]
            # a pause ending now adds its working hours
            end_idx = idx[ending[idx]]
            if len(end_idx):
                paused[end_idx] += clock.hours_between(t_pause[end_idx], np.full(len(end_idx), t_now))
            dfr[idx] = clock.add(start, fr_target[idx])
            wfr[idx] = clock.add(start, np.maximum(fr_target[idx] - warn[idx], 0))
            dres[idx] = clock.add(start, res_target[idx] + paused[idx])
            wres[idx] = clock.add(start, np.maximum(res_target[idx] - warn[idx], 0) + paused[idx])
            hfr[idx] = clock.hours_between(start, t_first[idx])
            hres[idx] = np.maximum(clock.hours_between(start, t_closed[idx]) - paused[idx], 0)
        dfr, dres, wfr, wres = (np.round(a) for a in (dfr, dres, wfr, wres))
        t_pause[ending] = np.nan

        # flags, as _sla_refresh_flags() computes them in SQL (NaN: NULL)
        with np.errstate(invalid='ignore'):
            answered = ~np.isnan(t_first)
            fr_ok = answered & (t_first <= dfr)
            fr_late = np.where(answered, t_first, t_now) > dfr
            done_at = np.where(np.isnan(t_closed), t_now, t_closed)
            res_ok = closed & (done_at <= dres)
            res_late = np.where(closed, done_at, np.where(np.isnan(t_pause), t_now, t_pause)) > dres
            next_deadline = np.where(closed, np.nan, np.where(~np.isnan(dfr) & ~answered, dfr, dres))
            at_risk = ~closed & ((~answered & (wfr <= t_now)) | (np.isnan(t_pause) & (wres <= t_now)))
        status = np.select(
            [~has_policy, fr_late | res_late, closed, ~np.isnan(t_pause), at_risk],
            ['none', 'breached', 'done', 'paused', 'warning'], 'ok')

        params = [
            list(tids), [p and p['id'] for p in policies],
            dfr.tolist(), dres.tolist(), wfr.tolist(), wres.tolist(),
            np.round(hfr, 2).tolist(), np.round(hres, 2).tolist(), np.round(paused, 4).tolist(),
            ending.tolist(), fr_ok.tolist(), fr_late.tolist(), res_ok.tolist(), res_late.tolist(),
            np.round(next_deadline).tolist(), status.tolist(),
        ]
        # NaN travels as 'NaN'::float8 and becomes NULL here
        self.env.cr.execute("""
            WITH v AS (
                SELECT id, sla_id,
                       to_timestamp(NULLIF(dfr, 'NaN')) AT TIME ZONE 'UTC' AS dfr,
                       to_timestamp(NULLIF(dres, 'NaN')) AT TIME ZONE 'UTC' AS dres,
                       to_timestamp(NULLIF(wfr, 'NaN')) AT TIME ZONE 'UTC' AS wfr,
                       to_timestamp(NULLIF(wres, 'NaN')) AT TIME ZONE 'UTC' AS wres,
                       NULLIF(hfr, 'NaN') AS hfr, NULLIF(hres, 'NaN') AS hres, paused, ending,
                       fr_ok, fr_late, res_ok, res_late,
                       to_timestamp(NULLIF(nxt, 'NaN')) AT TIME ZONE 'UTC' AS nxt, status
                  FROM unnest(%s::int[], %s::int[], %s::float8[], %s::float8[], %s::float8[], %s::float8[],
                              %s::float8[], %s::float8[], %s::float8[], %s::bool[], %s::bool[], %s::bool[],
                              %s::bool[], %s::bool[], %s::float8[], %s::varchar[])
                       AS u(id, sla_id, dfr, dres, wfr, wres, hfr, hres, paused, ending,
                            fr_ok, fr_late, res_ok, res_late, nxt, status)
            )
            UPDATE crm_service_ticket t
               SET sla_id = v.sla_id, deadline_first_response = v.dfr, deadline_resolution = v.dres,
                   sla_warning_first_response = v.wfr, sla_warning_resolution = v.wres,
                   sla_first_response_hours = v.hfr, sla_resolution_hours = v.hres,
                   sla_paused_hours = v.paused,
                   sla_pause_start = CASE WHEN v.ending THEN NULL ELSE t.sla_pause_start END,
                   sla_first_response_reached = v.fr_ok, sla_first_response_breached = v.fr_late,
                   sla_resolution_reached = v.res_ok, sla_resolution_breached = v.res_late,
                   sla_deadline = v.nxt, sla_status = v.status
              FROM v
             WHERE t.id = v.id
               AND (t.sla_id, t.deadline_first_response, t.deadline_resolution, t.sla_warning_first_response,
                    t.sla_warning_resolution, t.sla_first_response_hours, t.sla_resolution_hours,
                    t.sla_paused_hours, v.ending, t.sla_first_response_reached,
                    t.sla_first_response_breached, t.sla_resolution_reached, t.sla_resolution_breached,
                    t.sla_deadline, t.sla_status)
                   IS DISTINCT FROM
                   (v.sla_id, v.dfr, v.dres, v.wfr, v.wres, v.hfr, v.hres, v.paused, false, v.fr_ok,
                    v.fr_late, v.res_ok, v.res_late, v.nxt, v.status)""", params)

    @api.model
    def _sla_refresh_flags(self, where, params, now):
        """Reached/breached flags, the next deadline and the status from the
        stored deadlines and `now`, in one UPDATE (rows that change only)."""
        params = dict(params, now=now)
        self.env.cr.execute("""
            WITH n AS (
                SELECT t.id,
                       (t.deadline_first_response IS NOT NULL AND t.date_first_response IS NOT NULL
                        AND t.date_first_response <= t.deadline_first_response) AS fr_ok,
                       (t.deadline_first_response IS NOT NULL
                        AND COALESCE(t.date_first_response, %(now)s) > t.deadline_first_response) AS fr_late,
                       (t.deadline_resolution IS NOT NULL AND t.is_closed
                        AND COALESCE(t.date_closed, %(now)s) <= t.deadline_resolution) AS res_ok,
                       (t.deadline_resolution IS NOT NULL
                        AND CASE WHEN t.is_closed THEN COALESCE(t.date_closed, %(now)s)
                                 ELSE COALESCE(t.sla_pause_start, %(now)s) END > t.deadline_resolution)
                           AS res_late,
                       CASE WHEN t.is_closed THEN NULL
                            WHEN t.deadline_first_response IS NOT NULL AND t.date_first_response IS NULL
                            THEN t.deadline_first_response
                            ELSE t.deadline_resolution END AS next_deadline,
                       (NOT t.is_closed AND (
                           (t.date_first_response IS NULL AND t.sla_warning_first_response <= %(now)s)
                        OR (t.sla_pause_start IS NULL AND t.sla_warning_resolution <= %(now)s))) AS at_risk
                  FROM crm_service_ticket t
                 WHERE """ + where + """
            ), s AS (
                SELECT n.*, CASE WHEN t.sla_id IS NULL THEN 'none'
                                 WHEN n.fr_late OR n.res_late THEN 'breached'
                                 WHEN t.is_closed THEN 'done'
                                 WHEN t.sla_pause_start IS NOT NULL THEN 'paused'
                                 WHEN n.at_risk THEN 'warning'
                                 ELSE 'ok' END AS status
                  FROM n JOIN crm_service_ticket t ON t.id = n.id
            )
            UPDATE crm_service_ticket t
               SET sla_first_response_reached = s.fr_ok, sla_first_response_breached = s.fr_late,
                   sla_resolution_reached = s.res_ok, sla_resolution_breached = s.res_late,
                   sla_deadline = s.next_deadline, sla_status = s.status
              FROM s
             WHERE t.id = s.id
               AND (t.sla_first_response_reached, t.sla_first_response_breached, t.sla_resolution_reached,
                    t.sla_resolution_breached, t.sla_deadline, t.sla_status)
                   IS DISTINCT FROM (s.fr_ok, s.fr_late, s.res_ok, s.res_late, s.next_deadline, s.status)
            RETURNING t.id""", params)
        return [r[0] for r in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # escalation
    # ------------------------------------------------------------------
    @api.model
    def _cron_sla_escalate(self):
        self._sla_escalate()

    @api.model
    def _sla_escalate(self, now=None):
        """Flag tickets whose deadline is near or passed, notify the team
        manager once per ticket and deadline (a note addressed to them and a
        to-do activity), and reassign missed tickets as their policy says
        (once per ticket). Returns the tickets notified."""
        now = now or self._sla_now()
        cr = self.env.cr
        changed = self._sla_refresh_flags('NOT t.is_closed AND t.sla_id IS NOT NULL', {}, now)
        self.invalidate_cache(self._SLA_COMPUTED, changed)
        cr.execute("""
            SELECT id, fr_warn, fr_breach, res_warn, res_breach FROM (
                SELECT t.id,
                       (t.date_first_response IS NULL AND t.sla_warning_first_response <= %(now)s
                        AND t.deadline_first_response > %(now)s
                        AND t.sla_fr_warning_sent IS DISTINCT FROM t.deadline_first_response) AS fr_warn,
                       (t.date_first_response IS NULL AND t.deadline_first_response <= %(now)s
                        AND t.sla_fr_breach_sent IS DISTINCT FROM t.deadline_first_response) AS fr_breach,
                       (t.sla_pause_start IS NULL AND t.sla_warning_resolution <= %(now)s
                        AND t.deadline_resolution > %(now)s
                        AND t.sla_res_warning_sent IS DISTINCT FROM t.deadline_resolution) AS res_warn,
                       (t.sla_pause_start IS NULL AND t.deadline_resolution <= %(now)s
                        AND t.sla_res_breach_sent IS DISTINCT FROM t.deadline_resolution) AS res_breach
                  FROM crm_service_ticket t
                 WHERE NOT t.is_closed AND t.active AND t.sla_id IS NOT NULL
                   AND (t.sla_warning_first_response <= %(now)s OR t.sla_warning_resolution <= %(now)s)
            ) e WHERE fr_warn OR fr_breach OR res_warn OR res_breach ORDER BY id""", {'now': now})
        events = {r[0]: r[1:] for r in cr.fetchall()}
        tickets = self.sudo().browse(list(events))
        todo_type = self.env.ref('mail.mail_activity_data_todo', raise_if_not_found=False)
        model_id = self.env['ir.model']._get(self._name).id
        breached = self.sudo().browse()
        for ticket in tickets:
            fr_warn, fr_breach, res_warn, res_breach = events[ticket.id]
            lines = self._sla_escalation_lines(ticket, fr_warn, fr_breach, res_warn, res_breach)
            manager = ticket.team_id.user_id
            body = '<p>%s</p><ul>%s</ul>' % (
                html_escape(_('Service level alert for %s:') % ticket.display_name),
                ''.join('<li>%s</li>' % html_escape(line) for line in lines))
            ticket.message_post(body=body, subtype='mail.mt_note', message_type='comment',
                                partner_ids=manager.partner_id.ids)
            if manager and todo_type:
                self.env['mail.activity'].sudo().create({
                    'res_model_id': model_id,
                    'res_id': ticket.id,
                    'activity_type_id': todo_type.id,
                    'user_id': manager.id,
                    'summary': (_('SLA missed: %s') if fr_breach or res_breach else _('SLA at risk: %s'))
                    % ticket.display_name,
                    'note': body,
                    'date_deadline': fields.Date.to_string(now.date()),
                })
            if (fr_breach or res_breach) and not ticket.sla_escalated:
                breached |= ticket
        cr.execute("""
            UPDATE crm_service_ticket t SET
                   sla_fr_warning_sent = CASE WHEN e.fr_warn THEN t.deadline_first_response
                                              ELSE t.sla_fr_warning_sent END,
                   sla_fr_breach_sent = CASE WHEN e.fr_breach THEN t.deadline_first_response
                                             ELSE t.sla_fr_breach_sent END,
                   sla_res_warning_sent = CASE WHEN e.res_warn THEN t.deadline_resolution
                                               ELSE t.sla_res_warning_sent END,
                   sla_res_breach_sent = CASE WHEN e.res_breach THEN t.deadline_resolution
                                              ELSE t.sla_res_breach_sent END
              FROM unnest(%s::int[], %s::bool[], %s::bool[], %s::bool[], %s::bool[])
                   AS e(id, fr_warn, fr_breach, res_warn, res_breach)
             WHERE t.id = e.id""", [list(events)] + [[events[i][k] for i in events] for k in range(4)])
        self.invalidate_cache(self._SLA_COMPUTED, list(events))
        breached._sla_reassign(now)
        return tickets

    @api.model
    def _sla_escalation_lines(self, ticket, fr_warn, fr_breach, res_warn, res_breach):
        def when(value):
            return fields.Datetime.to_string(fields.Datetime.context_timestamp(
                ticket, fields.Datetime.from_string(value)))[:16] + ' (%s)' % (self.env.user.tz or 'UTC')
        lines = []
        if fr_breach:
            lines.append(_('the first response was due %s and no agent has answered yet')
                         % when(ticket.deadline_first_response))
        elif fr_warn:
            lines.append(_('the first response is due %s') % when(ticket.deadline_first_response))
        if res_breach:
            lines.append(_('the resolution was due %s') % when(ticket.deadline_resolution))
        elif res_warn:
            lines.append(_('the resolution is due %s') % when(ticket.deadline_resolution))
        return lines

    @api.multi
    def _sla_reassign(self, now):
        """Reassign missed tickets as their policy says, grouped by target."""
        groups = {}
        for ticket in self:
            policy = ticket.sla_id
            if policy.escalate_to == 'manager' and ticket.team_id.user_id:
                vals = (('user_id', ticket.team_id.user_id.id),)
            elif policy.escalate_to == 'user':
                vals = (('user_id', policy.escalate_user_id.id),)
            elif policy.escalate_to == 'team':
                vals = (('team_id', policy.escalate_team_id.id), ('user_id', False))
            else:
                continue
            groups.setdefault(vals, self.browse())
            groups[vals] |= ticket
        for vals, tickets in groups.items():
            self.env.cr.execute("UPDATE crm_service_ticket SET sla_escalated = true WHERE id = ANY(%s)",
                                (tickets.ids,))
            tickets.invalidate_cache(['sla_escalated'], tickets.ids)
            tickets.with_context(sla_now=now).write(dict(vals))
            _logger.info('SLA escalation: %d tickets reassigned (%s)', len(tickets), dict(vals))
