import datetime
from collections import OrderedDict, defaultdict

from odoo import _, api, fields, models, tools
from odoo.tools import html_escape


class CrmLead(models.Model):
    """Assignment of new and backlog leads to reps by the assignment rules.

    Which leads are routed: leads without a salesperson. The form fills in
    the current user as salesperson (Odoo's default), so a rep's own lead
    stays theirs; a lead is routed when it is created with no salesperson:
    the salesperson emptied on the form, leads from the e-mail alias (the
    mail gateway creates them without one), leads created by a user who is
    not a salesperson (a web-form or API integration user, a marketer),
    imports, and API calls that pass ``user_id: False``. Leads still
    without a salesperson afterwards (no rule matched, every rep full) are
    retried by the scheduled action and by the button on the rules.
    """
    _inherit = 'crm.lead'

    assignment_rule_id = fields.Many2one(
        'crm.sales.assignment.rule', 'Assigned by Rule', readonly=True, copy=False,
        index=True, ondelete='set null',
        help='The assignment rule that chose the salesperson of this lead.')

    @api.model
    def default_get(self, fields_list):
        res = super(CrmLead, self).default_get(fields_list)
        # only salespeople default to themselves: leads created by anyone else
        # (integration users, marketers) arrive unassigned and get routed
        if (res.get('user_id') == self.env.uid and 'default_user_id' not in self.env.context
                and not self.env.user.has_group('sales_team.group_sale_salesman')):
            res['user_id'] = False
        return res

    @api.multi
    def _crm_sales_pipeline(self):
        res = super(CrmLead, self)._crm_sales_pipeline()
        self._crm_sales_assign()
        return res

    # ------------------------------------------------------------------
    # entry points
    @api.model
    def _crm_sales_assign_backlog(self, rules=None):
        """Route every open lead without a salesperson. Returns the leads assigned."""
        self.env.cr.execute("""
            SELECT id FROM crm_lead
             WHERE user_id IS NULL AND active AND COALESCE(probability, 0) < 100
             ORDER BY id""")
        backlog = self.browse([row[0] for row in self.env.cr.fetchall()])
        return backlog._crm_sales_assign(rules=rules)

    @api.model
    def _crm_sales_assignment_result_action(self, leads):
        action = self.env.ref('crm_sales.crm_lead_action_assigned_by_rule').read()[0]
        action['name'] = _('Leads Assigned Now (%s)') % len(leads)
        action['domain'] = [('id', 'in', leads.ids)]
        return action

    # ------------------------------------------------------------------
    # the assignment, set-based
    @api.multi
    def _crm_sales_assign(self, rules=None):
        """Assign the leads of `self` that have no salesperson, by the active
        rules in sequence (the first matching rule wins). With `rules`, only
        leads whose first matching rule is one of them are assigned.

        A few queries whatever the number of leads: one to read the leads,
        one to lock the matched rules (FOR UPDATE: concurrent runs wait, then
        fail with a serialization error that Odoo retries), two for the reps'
        workload, one UPDATE of the leads, and multi-row INSERTs for the
        chatter lines, notifications and followers. Returns the leads assigned.
        """
        empty = self.browse()
        if not self.ids:
            return empty
        Rule = self.env['crm.sales.assignment.rule'].sudo()
        all_rules = Rule.search([])
        if not all_rules:
            return empty
        leads = self._crm_sales_assignment_fetch()
        matchers = [rule._prepare_matcher() for rule in all_rules]
        allowed = set(rules.ids) if rules is not None else None
        by_rule = OrderedDict()
        for lead in leads:
            for matcher in matchers:
                if Rule._match(matcher, lead):
                    if allowed is None or matcher['rule'].id in allowed:
                        by_rule.setdefault(matcher['rule'].id, []).append(lead)
                    break
        if not by_rule:
            return empty

        cr = self.env.cr
        cr.execute("SELECT id FROM crm_sales_assignment_rule WHERE id IN %s ORDER BY id FOR UPDATE",
                   [tuple(by_rule)])
        rules_done = Rule.browse(list(by_rule))
        rules_done.invalidate_cache(['last_member_id'])
        members = rules_done.mapped('member_ids')
        workload = self._crm_sales_assignment_workload(members.mapped('user_id').ids)

        assignments = []  # (lead dict, member)
        pointers = {}
        for rule in rules_done:
            picked, last = self._crm_sales_round_robin(rule, by_rule[rule.id], workload)
            assignments.extend(picked)
            pointers[rule.id] = last.id if last else rule.last_member_id.id

        now = fields.Datetime.now()
        cr.execute("""
            UPDATE crm_sales_assignment_rule r
               SET last_member_id = v.member_id, last_run = %s, write_date = %s, write_uid = %s
              FROM unnest(%s::int[], %s::int[]) AS v(id, member_id)
             WHERE r.id = v.id""",
                   [now, now, self.env.uid, list(pointers), list(pointers.values())])
        rules_done.invalidate_cache(['last_member_id', 'last_run'])
        if not assignments:
            return empty

        # plain values per rep line, read once (not once per lead)
        line = {m: (m.user_id.id, m.rule_id.team_id.id, m.rule_id.id, m.user_id.partner_id.id)
                for m in set(member for _lead, member in assignments)}
        lead_ids = [lead['id'] for lead, member in assignments]
        cr.execute("""
            UPDATE crm_lead l
               SET user_id = v.user_id, team_id = v.team_id, assignment_rule_id = v.rule_id,
                   date_open = %s, write_date = %s, write_uid = %s,
                   -- crm's day_open (days from creation to assignment), computed here
                   -- rather than by the ORM reading back every lead
                   day_open = ABS(FLOOR(EXTRACT(EPOCH FROM (%s::timestamp - l.create_date)) / 86400))
              FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[]) AS v(id, user_id, team_id, rule_id)
             WHERE l.id = v.id AND l.user_id IS NULL""",
                   [now, now, self.env.uid, now, lead_ids,
                    [line[m][0] for lead, m in assignments],
                    [line[m][1] for lead, m in assignments],
                    [line[m][2] for lead, m in assignments]])
        assigned = self.browse(lead_ids)
        assigned.invalidate_cache(ids=lead_ids)
        # other stored fields that follow the salesperson or the team (none in crm)
        assigned.modified(['user_id', 'team_id', 'assignment_rule_id'])
        assigned.recompute()
        self._crm_sales_log_assignments(assignments, now)
        return assigned

    @api.multi
    def _crm_sales_assignment_fetch(self):
        """The criteria values of the leads of `self` that can be assigned."""
        self.env.cr.execute("""
            SELECT l.id, l.name, l.country_id, l.state_id,
                   UPPER(REPLACE(COALESCE(l.zip, ''), ' ', '')) AS zip,
                   l.product_interest_id AS product_id,
                   COALESCE(l.product_categ_id, pt.categ_id) AS categ_id,
                   l.industry_id, l.source_id
              FROM crm_lead l
              LEFT JOIN product_template pt ON pt.id = l.product_interest_id
             WHERE l.id = ANY(%s) AND l.user_id IS NULL AND l.active
               AND COALESCE(l.probability, 0) < 100
             ORDER BY l.id""", [self.ids])
        return self.env.cr.dictfetchall()

    @api.model
    def _crm_sales_period_starts(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        week = today - datetime.timedelta(days=today.weekday())
        month = today.replace(day=1)
        return {'week': fields.Date.to_string(week), 'month': fields.Date.to_string(month)}

    @api.model
    def _crm_sales_assignment_workload(self, user_ids):
        """{'open': {user: n}, 'week': {user: n}, 'month': {user: n}}: a rep's
        open leads (all teams) and the leads assigned to them this week/month."""
        workload = {'open': defaultdict(int), 'week': defaultdict(int), 'month': defaultdict(int)}
        if not user_ids:
            return workload
        cr = self.env.cr
        cr.execute("""
            SELECT user_id, COUNT(*) FROM crm_lead
             WHERE user_id = ANY(%s) AND active AND COALESCE(probability, 0) < 100
             GROUP BY user_id""", [user_ids])
        workload['open'].update(dict(cr.fetchall()))
        starts = self._crm_sales_period_starts()
        cr.execute("""
            SELECT user_id, COUNT(*) FILTER (WHERE date_open >= %(week)s),
                   COUNT(*) FILTER (WHERE date_open >= %(month)s)
              FROM crm_lead
             WHERE user_id = ANY(%(users)s) AND date_open >= LEAST(%(week)s, %(month)s)::timestamp
             GROUP BY user_id""", dict(starts, users=user_ids))
        for user_id, week, month in cr.fetchall():
            workload['week'][user_id] = week
            workload['month'][user_id] = month
        return workload

    @api.model
    def _crm_sales_round_robin(self, rule, leads, workload):
        """Deal `leads` to the available reps of `rule` under capacity, in
        turn, starting after the rep who got the rule's last lead. Updates
        `workload`. Returns ([(lead, member)], last member)."""
        ordered = rule.member_ids.sorted(lambda m: (m.sequence, m.id))
        start = 0
        if rule.last_member_id in ordered:
            start = list(ordered).index(rule.last_member_id) + 1
        # (member, user id, max open, max per period, period) of the available reps, in turn
        ring = [(m, m.user_id.id, m.max_open_leads, m.max_period_leads, m.period)
                for m in list(ordered[start:]) + list(ordered[:start])
                if m.user_id.active and m.user_id.sales_assignment_available]
        picked, last, idx = [], None, 0
        opened, periods = workload['open'], workload

        for lead in leads:
            for step in range(len(ring)):
                member, user, max_open, max_period, period = ring[(idx + step) % len(ring)]
                if (not max_open or opened[user] < max_open) and \
                        (not max_period or periods[period][user] < max_period):
                    break
            else:
                break  # every rep of the rule is full: the rest stays unassigned
            for key in ('open', 'week', 'month'):
                workload[key][user] += 1
            picked.append((lead, member))
            last = member
            idx = (idx + step + 1) % len(ring)
        return picked, last

    @api.model
    def _crm_sales_log_assignments(self, assignments, date):
        """The chatter line "Assigned to X by rule Y" on each lead, an inbox
        notification for the rep, and the rep as follower (as Odoo does when
        a salesperson is set), in multi-row INSERTs."""
        cr = self.env.cr
        author = self.env.user.partner_id
        email_from = tools.formataddr((author.name, author.email)) if author.email else None
        note = self.env.ref('mail.mt_note').id
        per_member = {}  # member -> (body, partner id), computed once per rep line
        for member in set(member for _lead, member in assignments):
            per_member[member] = (
                _('Assigned to <b>%(user)s</b> by the assignment rule <b>%(rule)s</b>.') % {
                    'user': html_escape(member.user_id.name), 'rule': html_escape(member.rule_id.name)},
                member.user_id.partner_id.id)
        # one random token per run and the lead id make each Message-Id unique
        token = tools.generate_tracking_message_id('crm-lead-assign')
        rows = {'res_id': [], 'name': [], 'body': [], 'message_id': [], 'partner': []}
        for lead, member in assignments:
            body, partner_id = per_member[member]
            rows['res_id'].append(lead['id'])
            rows['name'].append(lead['name'])
            rows['body'].append(body)
            rows['message_id'].append(token.replace('-crm-lead-assign', '-%d-crm-lead-assign' % lead['id']))
            rows['partner'].append(partner_id)
        cr.execute("""
            INSERT INTO mail_message (date, body, model, res_id, record_name, message_type,
                                      subtype_id, author_id, email_from, message_id, no_auto_thread,
                                      create_uid, create_date, write_uid, write_date)
            SELECT %(date)s, v.body, 'crm.lead', v.res_id, v.name, 'notification', %(note)s,
                   %(author)s, %(email_from)s, v.message_id, FALSE, %(uid)s, %(date)s, %(uid)s, %(date)s
              FROM unnest(%(res_id)s::int[], %(name)s::varchar[], %(body)s::text[],
                          %(message_id)s::varchar[], %(partner)s::int[])
                   AS v(res_id, name, body, message_id, partner)
            RETURNING id, res_id""", dict(rows, date=date, note=note, author=author.id,
                                          email_from=email_from, uid=self.env.uid))
        message_of = dict((res_id, msg_id) for msg_id, res_id in cr.fetchall())
        partner_of = dict(zip(rows['res_id'], rows['partner']))
        # the rep's inbox (not for what one assigns to oneself)
        notify = [(message_of[res_id], pid) for res_id, pid in partner_of.items() if pid != author.id]
        if notify:
            cr.execute("""
                INSERT INTO mail_message_res_partner_needaction_rel
                       (mail_message_id, res_partner_id, is_read, is_email)
                SELECT m, p, FALSE, FALSE FROM unnest(%s::int[], %s::int[]) AS v(m, p)""",
                       [[n[0] for n in notify], [n[1] for n in notify]])
        # followers with the default subtypes, like message_subscribe()
        subtypes = self.env['mail.message.subtype'].sudo().default_subtypes(self._name)[0].ids
        cr.execute("""
            INSERT INTO mail_followers (res_model, res_id, partner_id)
            SELECT %s, v.res_id, v.partner_id
              FROM unnest(%s::int[], %s::int[]) AS v(res_id, partner_id)
              JOIN res_partner p ON p.id = v.partner_id AND p.active
            ON CONFLICT DO NOTHING
            RETURNING id""", [self._name, list(partner_of), list(partner_of.values())])
        follower_ids = [row[0] for row in cr.fetchall()]
        if follower_ids and subtypes:
            cr.execute("""
                INSERT INTO mail_followers_mail_message_subtype_rel
                       (mail_followers_id, mail_message_subtype_id)
                SELECT f, s FROM unnest(%s::int[]) AS f CROSS JOIN unnest(%s::int[]) AS s""",
                       [follower_ids, subtypes])
        self.env['mail.followers'].invalidate_cache()
        self.env['mail.message'].invalidate_cache()
