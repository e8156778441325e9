"""Refresh predictive scores for 100,000 leads (target: under 60 s).

Generates (set-based, one INSERT each, not timed) 20,000 closed leads of
history (won and lost, where the source, the country and the e-mail
address really predict winning; a third carry a tag) and 100,000 open
leads, then times: training the naive Bayes model on the history, and the
refresh of the predicted probability of every open lead (one read, one
bulk UPDATE), and the rule-points refresh with five criteria. Checks every
generated open lead got a probability, then rolls everything back.
"""
import time

from common import report
from orm_env import rollback_env

HISTORY, OPEN = 20000, 100000


def main():
    with rollback_env() as env:
        cr = env.cr
        sources = [env['utm.source'].create({'name': 'Bench source %d' % i}).id for i in range(8)]
        countries = env['res.country'].search([], limit=30, order='id').ids
        tag = env['crm.lead.tag'].create({'name': 'Bench tag'}).id
        stages = env['crm.stage'].search([('probability', '<', 100)], order='sequence').ids
        won_stage = env['crm.stage'].search([('probability', '>=', 100)], limit=1).id
        criteria = env['crm.sales.score.criterion']
        criteria.search([]).write({'active': False})
        for name, points, domain in [
                ('Bench country', 10, [('country_id', 'in', countries[:5])]),
                ('Bench free mail', -5, [('email_is_free', '=', True)]),
                ('Bench phone', 5, [('phone', '!=', False)]),
                ('Bench source', 8, [('source_id', 'in', sources[:3])]),
                ('Bench revenue', 7, [('planned_revenue', '>=', 20000)])]:
            criteria |= criteria.create(
                {'name': name, 'points': points, 'domain': repr(domain)})
        # history: a win is likelier for low source numbers, the first countries, company e-mail
        cr.execute("""
            INSERT INTO crm_lead (name, type, active, probability, stage_id, source_id, country_id,
                                  email_from, company_id, create_date, write_date, date_closed,
                                  create_uid, write_uid, priority)
            SELECT 'Bench history ' || g, 'opportunity',
                   won, CASE WHEN won THEN 100 ELSE 0 END,
                   CASE WHEN won THEN %(won_stage)s ELSE (%(stages)s::int[])[1 + g %% %(nstages)s] END,
                   src, ctry, CASE WHEN g %% 3 = 0 THEN 'a' || g || '@gmail.com'
                                   ELSE 'a' || g || '@co' || g || '.example.com' END,
                   1, NOW() AT TIME ZONE 'UTC' - (g %% 200) * INTERVAL '1 day',
                   NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC', 1, 1, '1'
              FROM (SELECT g, (%(sources)s::int[])[1 + g %% 8] AS src,
                           (%(countries)s::int[])[1 + (g * 7) %% 30] AS ctry,
                           random() < (0.15 + 0.08 * (7 - g %% 8) / 7.0 * 4
                                       + CASE WHEN (g * 7) %% 30 < 10 THEN 0.15 ELSE 0 END
                                       - CASE WHEN g %% 3 = 0 THEN 0.1 ELSE 0 END) AS won
                      FROM generate_series(1, %(n)s) AS g) AS h
            RETURNING id""", dict(n=HISTORY, stages=stages, nstages=len(stages), won_stage=won_stage,
                                  sources=sources, countries=countries))
        history = [row[0] for row in cr.fetchall()]
        cr.execute("""
            INSERT INTO crm_lead (name, type, active, probability, stage_id, source_id, country_id,
                                  email_from, phone, planned_revenue, company_id, create_date,
                                  write_date, create_uid, write_uid, priority)
            SELECT 'Bench open ' || g, 'opportunity', TRUE, 10, (%(stages)s::int[])[1 + g %% %(nstages)s],
                   (%(sources)s::int[])[1 + g %% 8], (%(countries)s::int[])[1 + (g * 7) %% 30],
                   CASE WHEN g %% 3 = 0 THEN 'b' || g || '@qq.com' ELSE 'b' || g || '@co.example.com' END,
                   CASE WHEN g %% 2 = 0 THEN '+86 571 8888 0000' END, (g %% 50) * 1000,
                   1, NOW() AT TIME ZONE 'UTC' - (g %% 300) * INTERVAL '1 day',
                   NOW() AT TIME ZONE 'UTC', 1, 1, '1'
              FROM generate_series(1, %(n)s) AS g
            RETURNING id""", dict(n=OPEN, stages=stages, nstages=len(stages), sources=sources,
                                  countries=countries))
        open_ids = [row[0] for row in cr.fetchall()]
        cr.execute("INSERT INTO crm_lead_tag_rel (lead_id, tag_id) SELECT unnest(%s::int[]), %s",
                   [history[::3] + open_ids[::3], tag])
        cr.execute("UPDATE crm_lead SET email_is_free = email_from LIKE '%%@qq.com' OR email_from LIKE "
                   "'%%@gmail.com' WHERE id = ANY(%s)", [history + open_ids])
        cr.execute("SELECT COUNT(*) FROM crm_lead WHERE active AND COALESCE(probability, 0) < 100")
        total_open = cr.fetchone()[0]

        model = env['crm.sales.score.model']._get_current()
        started = time.time()
        model._train()
        trained = time.time() - started
        started = time.time()
        model._refresh()
        refreshed = time.time() - started
        started = time.time()
        env['crm.lead']._crm_sales_refresh_rule_scores()
        points = time.time() - started

        cr.execute("""SELECT COUNT(*), MIN(predicted_probability), MAX(predicted_probability),
                             COUNT(*) FILTER (WHERE score <> 0)
                        FROM crm_lead WHERE id = ANY(%s) AND score_date IS NOT NULL""", [open_ids])
        scored, low, high, with_points = cr.fetchone()
        assert scored == OPEN, scored
        assert 0 <= low < high <= 100, (low, high)
        assert with_points > OPEN / 2, with_points
        report('retrain the win probability (naive Bayes)',
               '%d closed leads (+ demo history)' % HISTORY, '%.1f s' % trained, 'nightly')
        report('refresh predictive scores', '%d open leads (%d generated)' % (total_open, OPEN),
               '%.1f s (%d leads/s)' % (refreshed, total_open / refreshed), '< 60 s')
        report('refresh rule-based points (5 criteria)', '%d open leads' % total_open,
               '%.1f s' % points, '')
        started = time.time()
        model._refresh()
        report('refresh predictive scores again (only changed rows written)',
               '%d open leads' % total_open, '%.1f s' % (time.time() - started), '< 60 s')


if __name__ == '__main__':
    main()
