"""Assign 10,000 unassigned leads across 50 reps with 20 rules (target: under 10 s).

Generates (set-based, not timed) 50 reps in one sales channel, 20 rules (one
country each, five reps per rule, each rep in two rules, one rep per rule
capped at 40 open leads, the others at 300 open and 300 new per week) and
10,000 unassigned leads spread over the 20 countries (one INSERT). Times
the backlog run (`crm.lead._crm_sales_assign_backlog()`: matching, round
robin, capacity, UPDATE of the leads, chatter lines, inbox notifications,
followers), checks every lead went to a rep of its country's rule and no
capacity was exceeded, then rolls everything back.
"""
import os
import time
from collections import Counter

from common import report
from orm_env import rollback_env

REPS, RULES, LEADS = 50, 20, 10000


def main():
    with rollback_env() as env:
        cr = env.cr
        group = env.ref('crm_sales.group_sales_rep')
        Users = env['res.users'].with_context(no_reset_password=True, tracking_disable=True)
        reps = Users.browse()
        for i in range(REPS):
            reps |= Users.create({'name': 'Bench Rep %02d' % i, 'login': 'bench.assign.rep%02d' % i,
                                  'email': 'bench.rep%02d@example.com' % i,
                                  'groups_id': [(6, 0, [env.ref('base.group_user').id, group.id])]})
        team = env['crm.team'].create({'name': 'Bench Assignment', 'member_ids': [(6, 0, reps.ids)]})
        env['crm.sales.assignment.rule'].search([]).write({'active': False})
        countries = env['res.country'].search([], limit=RULES, order='id')
        rules = env['crm.sales.assignment.rule']
        caps = {}
        for i, country in enumerate(countries):
            members = []
            for k in range(5):
                rep = reps[(i * 5 + k) % REPS] if i < 10 else reps[(i * 5 + k + 2) % REPS]
                cap = 40 if k == 0 else 300
                members.append((0, 0, {'user_id': rep.id, 'sequence': k, 'max_open_leads': cap,
                                       'max_period_leads': 0 if k == 0 else 300, 'period': 'week'}))
                caps.setdefault(rep.id, []).append(cap)
            rules |= rules.create({'name': 'Bench %s' % country.name, 'sequence': i, 'team_id': team.id,
                                   'country_ids': [(6, 0, country.ids)], 'member_ids': members})
        cr.execute("""
            INSERT INTO crm_lead (name, type, active, probability, country_id, zip, email_from,
                                  company_id, create_date, write_date, create_uid, write_uid, priority)
            SELECT 'Bench assign lead ' || g, 'lead', TRUE, 10, (%s::int[])[1 + g %% %s],
                   LPAD((g %% 999)::text, 6, '3'), 'prospect' || g || '@bench.example.com',
                   1, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC', 1, 1, '1'
              FROM generate_series(1, %s) AS g
            RETURNING id, country_id""", [countries.ids, RULES, LEADS])
        country_of = dict(cr.fetchall())

        started = time.time()
        if os.environ.get('BENCH_PROFILE'):
            import cProfile
            import pstats
            prof = cProfile.Profile()
            assigned = prof.runcall(env['crm.lead']._crm_sales_assign_backlog)
            pstats.Stats(prof).sort_stats('cumulative').print_stats(35)
        else:
            assigned = env['crm.lead']._crm_sales_assign_backlog()
        elapsed = time.time() - started

        # checks
        cr.execute("""SELECT l.id, l.user_id, l.assignment_rule_id, r.id
                        FROM crm_lead l JOIN crm_sales_assignment_rule_res_country_rel x
                             ON x.res_country_id = l.country_id
                        JOIN crm_sales_assignment_rule r ON r.id = x.crm_sales_assignment_rule_id
                       WHERE l.id = ANY(%s) AND r.active""", [list(country_of)])
        rows = cr.fetchall()
        members = {rule.id: set(rule.member_ids.mapped('user_id').ids) for rule in rules}
        assert len(rows) == LEADS, rows[:3]
        for lead_id, user_id, rule_id, expected_rule in rows:
            assert user_id, 'lead %s unassigned' % lead_id
            assert rule_id == expected_rule, (lead_id, rule_id, expected_rule)
            assert user_id in members[rule_id]
        per_rep = Counter(user_id for _l, user_id, _r, _e in rows)
        for rep_id, count in per_rep.items():
            assert count <= max(caps[rep_id]), (rep_id, count)
        for rule in rules:
            capped = rule.member_ids.filtered(lambda m: m.max_open_leads == 40).user_id
            got = sum(1 for _l, user_id, rule_id, _e in rows if rule_id == rule.id and user_id == capped.id)
            assert got <= 40, 'capacity of %s in %s exceeded: %d' % (capped.name, rule.name, got)
        cr.execute("""SELECT COUNT(*) FROM mail_message WHERE model = 'crm.lead' AND res_id = ANY(%s)
                      AND body LIKE '%%Bench%%'""", [list(country_of)])
        messages = cr.fetchone()[0]
        cr.execute("""SELECT COUNT(*) FROM mail_followers f JOIN res_users u ON u.partner_id = f.partner_id
                      WHERE f.res_model = 'crm.lead' AND f.res_id = ANY(%s)""", [list(country_of)])
        followers = cr.fetchone()[0]
        assert messages == LEADS and followers == LEADS, (messages, followers)
        assert len(assigned) >= LEADS
        report('assign unassigned leads (rules, round-robin, capacity, chatter, followers)',
               '%d leads, %d reps, %d rules' % (LEADS, REPS, RULES),
               '%.1f s (%d leads/s)' % (elapsed, LEADS / elapsed), '< 10 s')


if __name__ == '__main__':
    main()
