"""The customer portal under load: /my/tickets with 100,000 tickets.

Data (made here by set-based SQL, deleted afterwards): 100,000 tickets of
2,000 customer companies, 500 of them for the company of one portal user.
Load: 10 concurrent clients x 20 requests, Odoo with 2 workers on loopback,
each client logged in as that portal user. Measures the first page of
/my/tickets and, in the same run, Odoo's own /my/home as the baseline.
Target: /my/tickets p95 < 300 ms.
"""

from common import DB, load, login, odoo_env, odoo_server, report, summary

CLIENTS, REQUESTS = 10, 20
TICKETS, CUSTOMERS, OWN = 100000, 2000, 500
LOGIN = 'bench.portal.customer'
TAG = 'bench-portal'


def make_data(odoo):
    """The portal user, 2,000 companies and 100,000 tickets; returns what to delete."""
    with odoo.api.Environment.manage():
        registry = odoo.registry(DB)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            company = env['res.partner'].create({'name': '%s company 0' % TAG, 'is_company': True})
            partner = env['res.partner'].create({'name': '%s contact' % TAG, 'parent_id': company.id,
                                                 'email': 'bench.portal@example.com'})
            user = env['res.users'].with_context(no_reset_password=True).create({
                'name': '%s contact' % TAG, 'login': LOGIN, 'password': LOGIN, 'partner_id': partner.id,
                'groups_id': [(6, 0, [env.ref('base.group_portal').id])]})
            team = env['crm.service.team'].create({'name': '%s team' % TAG})
            stages = env['crm.service.stage'].search([])
            categories = env['crm.service.category'].search([])
            # the other companies: copies of the first one (every NOT NULL column filled)
            cr.execute("""SELECT column_name FROM information_schema.columns
                          WHERE table_name = 'res_partner' AND column_name NOT IN
                                ('id', 'name', 'display_name', 'commercial_partner_id')""")
            columns = ', '.join('"%s"' % row[0] for row in cr.fetchall())
            cr.execute("""
                INSERT INTO res_partner (name, display_name, """ + columns + """)
                SELECT %s || ' company ' || g, %s || ' company ' || g, """ + columns + """
                  FROM res_partner, generate_series(1, %s) g
                 WHERE res_partner.id = %s
             RETURNING id""", (TAG, TAG, CUSTOMERS - 1, company.id))
            others = [row[0] for row in cr.fetchall()]
            cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id IN %s", (tuple(others),))
            # ticket g: the first OWN are the portal customer's, the rest spread over the others
            cr.execute("""
                INSERT INTO crm_service_ticket (
                    number, name, description, team_id, stage_id, is_closed, category_id, priority,
                    channel, partner_id, commercial_partner_id, company_id, active, access_token,
                    create_date, write_date, create_uid, write_uid)
                SELECT 'BPT' || lpad(g::text, 6, '0'), %(tag)s || ' ticket ' || g, '<p>bench</p>',
                       %(team)s, (%(stages)s)[1 + g %% %(nstages)s],
                       (%(closed)s)[1 + g %% %(nstages)s], (%(categories)s)[1 + g %% %(ncat)s],
                       (g %% 4)::text, 'portal',
                       CASE WHEN g <= %(own)s THEN %(partner)s ELSE (%(others)s)[1 + g %% %(nothers)s] END,
                       CASE WHEN g <= %(own)s THEN %(company)s ELSE (%(others)s)[1 + g %% %(nothers)s] END,
                       %(company_id)s, true, md5(g::text),
                       now() - (g || ' minutes')::interval, now(), 1, 1
                  FROM generate_series(1, %(n)s) g
             RETURNING id""", {
                'tag': TAG, 'team': team.id, 'stages': stages.ids, 'nstages': len(stages),
                'closed': [s.is_closed for s in stages], 'categories': categories.ids,
                'ncat': len(categories), 'own': OWN, 'partner': partner.id, 'company': company.id,
                'others': others, 'nothers': len(others), 'company_id': env.user.company_id.id,
                'n': TICKETS})
            tickets = [row[0] for row in cr.fetchall()]
            cr.execute('ANALYZE crm_service_ticket')
            cr.commit()
            return {'user': user.id, 'partners': others + [partner.id, company.id], 'team': team.id,
                    'tickets': tickets}


def explain(odoo, made):
    """The plan of the list query, to show it uses the index."""
    with odoo.api.Environment.manage():
        with odoo.registry(DB).cursor() as cr:
            env = odoo.api.Environment(cr, made['user'], {})
            partner = env.user.partner_id.commercial_partner_id
            query = env['crm.service.ticket']._where_calc([('commercial_partner_id', '=', partner.id)])
            env['crm.service.ticket']._apply_ir_rules(query, 'read')
            from_clause, where_clause, params = query.get_sql()
            cr.execute('EXPLAIN ANALYZE SELECT id FROM ' + from_clause + ' WHERE ' + where_clause +
                       ' ORDER BY create_date DESC, id DESC LIMIT 20', params)
            return '\n'.join(row[0] for row in cr.fetchall())


def drop_data(odoo, made):
    with odoo.api.Environment.manage():
        with odoo.registry(DB).cursor() as cr:
            cr.execute('DELETE FROM crm_service_ticket WHERE id IN %s', (tuple(made['tickets']),))
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env['res.users'].browse(made['user']).unlink()
            env['crm.service.team'].browse(made['team']).unlink()
            cr.execute('DELETE FROM res_partner WHERE id IN %s', (tuple(made['partners']),))
            cr.commit()


def main():
    odoo = odoo_env()
    made = make_data(odoo)
    try:
        print(explain(odoo, made), flush=True)
        with odoo_server(workers=2) as url:
            size = '%d tickets, %d of the customer; %d clients x %d requests' % (
                TICKETS, OWN, CLIENTS, REQUESTS)
            first = login(url, LOGIN, LOGIN).get(url + '/my/tickets')
            assert first.status_code == 200 and '%s ticket 1<' % TAG in first.text, 'not the customer list'
            assert 'BPT' in first.text
            # one client alone (the cost of a page), then 10 at once (the target);
            # the two pages take turns, twice, so that the machine's other load
            # weighs on both alike. Clients log in before the clock runs (a
            # login hashes a password: it would weigh on the pages measured).
            alone, crowd = {'home': [], 'tickets': []}, {'home': [], 'tickets': []}
            for _round in range(2):
                for name, path in (('home', '/my/home'), ('tickets', '/my/tickets')):
                    for clients, into in ((1, alone), (CLIENTS, crowd)):
                        sessions = [login(url, LOGIN, LOGIN) for _i in range(clients)]
                        into[name] += load(sessions.pop, lambda i, path=path: path,
                                           clients, REQUESTS // 2, url)
            results = {}
            for name in ('home', 'tickets'):
                one, many = summary(alone[name]), summary(crowd[name])
                results[name] = 'p50 %s ms, p95 %s ms (one client alone: p50 %s ms)' % (
                    many['p50_ms'], many['p95_ms'], one['p50_ms'])
            report('`/my/tickets` (portal list, first page), 2 workers', size, results['tickets'],
                   'p95 < 300 ms')
            report('`/my/home` (Odoo portal home, baseline), same run', size, results['home'], 'baseline')
    finally:
        drop_data(odoo, made)


if __name__ == '__main__':
    main()
