"""Recompute the SLA deadlines of 100,000 open tickets: target under 20 s.

Data (made here, committed, and deleted at the end, so crm_bench is left
as it was): 100,000 open tickets inserted with SQL over
the service teams, spread over the last 120 days, across every category,
priority and a few customers of each tier; six SLA policies (team, urgent,
complaint, gold and platinum tiers) on calendars of 40 h/week in two time
zones, with a public holiday.

Timed: `crm.service.ticket.recompute_sla_deadlines()` (every open ticket:
match the policy, compute first-response, resolution and warning instants
in working hours, write them back), twice: once from nothing, once after a
policy's targets changed (every deadline moves).
"""
import os
import time

from common import DB, ROOT, report

TICKETS = 100000


def setup_odoo():
    os.chdir(ROOT)   # odoo.conf's paths are relative to the repository root
    import odoo
    odoo.tools.config.parse_config(['-c', os.path.join(ROOT, 'odoo.conf'), '-d', DB, '--log-level=warn'])
    return odoo


def make_data(env):
    """Generate the data and return what cleanup() needs."""
    cr = env.cr
    made = {}
    Team = env['crm.service.team']
    teams = Team.search([])
    if len(teams) < 2:
        made['team'] = Team.create({'name': 'SLA bench second line'})
        teams |= made['team']
    teams = teams[:2]
    made['team_calendars'] = [(t, t.resource_calendar_id) for t in teams]
    brussels = env['resource.calendar'].create({'name': 'SLA bench Brussels', 'tz': 'Europe/Brussels'})
    shanghai = env['resource.calendar'].create({'name': 'SLA bench Shanghai', 'tz': 'Asia/Shanghai'})
    made['calendars'] = brussels | shanghai
    env['resource.calendar.leaves'].create({'name': 'SLA bench holiday', 'calendar_id': brussels.id,
                                            'date_from': '2026-10-01 00:00:00',
                                            'date_to': '2026-10-02 00:00:00'})
    teams[0].resource_calendar_id = brussels
    teams[1].resource_calendar_id = shanghai
    Partner = env['res.partner']
    companies = contacts = Partner.browse()
    for tier in ('standard', 'silver', 'gold', 'platinum'):
        for i in range(5):
            company = Partner.create({'name': 'SLA bench %s %d' % (tier, i), 'is_company': True,
                                      'customer': True, 'service_tier': tier})
            companies |= company
            contacts |= Partner.create({'name': 'SLA bench contact %s %d' % (tier, i),
                                        'parent_id': company.id})
    made['partners'] = contacts | companies
    categories = env['crm.service.category'].search([])
    Sla = env['crm.service.sla']
    policies = Sla.create({'name': 'SLA bench team 1', 'team_id': teams[0].id, 'first_response_hours': 4,
                           'resolution_hours': 40})
    policies |= Sla.create({'name': 'SLA bench team 2', 'team_id': teams[1].id, 'first_response_hours': 8,
                            'resolution_hours': 24})
    policies |= Sla.create({'name': 'SLA bench urgent', 'priority': '3', 'first_response_hours': 1,
                            'resolution_hours': 8})
    policies |= Sla.create({'name': 'SLA bench complaints', 'category_ids': [(6, 0, categories[:1].ids)],
                            'first_response_hours': 2, 'resolution_hours': 16})
    policies |= Sla.create({'name': 'SLA bench gold', 'service_tier': 'gold', 'first_response_hours': 2,
                            'resolution_hours': 16})
    policies |= Sla.create({'name': 'SLA bench platinum', 'service_tier': 'platinum',
                            'first_response_hours': 1, 'resolution_hours': 8})
    made['policies'] = policies
    stage = env['crm.service.stage'].search([('is_closed', '=', False), ('is_waiting', '=', False)], limit=1)
    cr.execute("SELECT COALESCE(max(id), 0) FROM crm_service_ticket")
    made['first_id'] = cr.fetchone()[0] + 1
    cr.execute("""
        INSERT INTO crm_service_ticket
               (name, team_id, stage_id, is_closed, category_id, priority, channel, partner_id,
                commercial_partner_id, company_id, active, create_date, write_date, create_uid, write_uid)
        SELECT 'SLA bench ticket ' || g,
               (%(teams)s::int[])[1 + g %% 2],
               %(stage)s, false,
               (%(categories)s::int[])[1 + g %% %(ncat)s],
               ((g / 7) %% 4)::text, 'phone',
               p.id, p.commercial_partner_id, %(company)s, true,
               now() at time zone 'UTC' - (g %% 172800) * interval '1 minute',
               now() at time zone 'UTC', 1, 1
          FROM generate_series(1, %(n)s) g
          JOIN res_partner p ON p.id = (%(partners)s::int[])[1 + g %% %(npartners)s]""", {
        'teams': teams.ids, 'stage': stage.id, 'categories': categories.ids, 'ncat': len(categories),
        'company': env.user.company_id.id, 'partners': contacts.ids, 'npartners': len(contacts),
        'n': TICKETS})
    env['crm.service.ticket'].invalidate_cache()
    return made


def cleanup(env, made):
    """Delete what make_data() made; the policies' unlink recomputes the
    remaining open tickets as they were."""
    cr = env.cr
    if made.get('first_id'):
        cr.execute("DELETE FROM crm_service_ticket WHERE id >= %s AND name LIKE 'SLA bench ticket %%'",
                   (made['first_id'],))
    env['crm.service.ticket'].invalidate_cache()
    for team, calendar in made.get('team_calendars', []):
        team.resource_calendar_id = calendar
    for key in ('policies', 'partners', 'calendars', 'team'):
        if made.get(key):
            made[key].exists().unlink()


def main():
    odoo = setup_odoo()
    registry = odoo.registry(DB)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        made = {}
        try:
            # committed first: in production the tickets exist already (rows
            # inserted in the same transaction would make PostgreSQL re-check
            # every foreign key on update, which no real recompute pays)
            made = make_data(env)
            cr.commit()
            # as autovacuum would have done for tickets that are days old
            cr.execute("ANALYZE crm_service_ticket")
            cr.execute("SELECT count(*) FROM crm_service_ticket")
            cr.commit()
            Ticket = env['crm.service.ticket']
            started, cpu = time.perf_counter(), time.process_time()
            count = Ticket.recompute_sla_deadlines()
            cr.commit()
            first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
            cr.execute("SELECT count(*) FROM crm_service_ticket "
                       "WHERE id >= %s AND deadline_resolution IS NOT NULL", (made['first_id'],))
            with_deadline = cr.fetchone()[0]
            assert with_deadline == TICKETS, with_deadline
            # every deadline moves: change the targets (the write itself recomputes)
            started, cpu = time.perf_counter(), time.process_time()
            made['policies'].write({'first_response_hours': 3, 'resolution_hours': 30})
            cr.commit()
            second, second_cpu = time.perf_counter() - started, time.process_time() - cpu
            load = os.getloadavg()[0]
            print('recomputed %d open tickets: %.1f s from nothing (Odoo process CPU %.1f s), '
                  '%.1f s after a policy change (CPU %.1f s); load %.1f'
                  % (count, first, first_cpu, second, second_cpu, load))
            report('SLA deadlines recomputed for every open ticket (match policy, working hours, write back)',
                   '%d open tickets, 6 policies, 2 calendars/time zones' % count,
                   '%.1f s (of which Python %.1f s); %.1f s after a policy change (Python %.1f s); '
                   'load average %.1f on 2 cores' % (first, first_cpu, second, second_cpu, load), '< 20 s')
        finally:
            cr.rollback()
            cleanup(env, made)
            cr.commit()


if __name__ == '__main__':
    main()
