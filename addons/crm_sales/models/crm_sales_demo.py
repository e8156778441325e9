"""The demo story: a year of sales history for the demo teams.

Called once from demo/crm_sales_demo.xml. Deterministic (random.Random with a
fixed seed; dates relative to the day the database is built) and set-based
where Odoo allows it: leads are created with tracking and the lead pipeline
off, then back-dated with one UPDATE.
"""
import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2.extras import execute_values

from odoo import api, fields, models

# team xmlid: (cities, countries, favourite source, favourite tag, currency)
TERRITORIES = {
    'crm_team_direct_demo': (['Beijing', 'Shenzhen', 'Guangzhou', 'Chengdu'], ['cn'],
                             'utm.utm_source_search_engine', 'crm.categ_oppor1', None),
    'crm_team_east_demo': (['Hangzhou', 'Shanghai', 'Suzhou', 'Ningbo', 'Nanjing'], ['cn'],
                           'utm.utm_source_mailing', 'crm.categ_oppor2', 'CNY'),
    'crm_team_export_demo': (['Hamburg', 'Lyon', 'Chicago', 'Manchester', 'Osaka'],
                             ['de', 'fr', 'us', 'uk', 'jp'],
                             'utm.utm_source_newsletter', 'crm.categ_oppor3', 'EUR'),
}
REPS = [
    ('res_users_sales_rep_demo', 'crm_team_direct_demo'),
    ('res_users_sales_rep2_demo', 'crm_team_direct_demo'),
    ('res_users_sales_east_rep_demo', 'crm_team_east_demo'),
    ('res_users_sales_east_rep2_demo', 'crm_team_east_demo'),
    ('res_users_sales_export_rep_demo', 'crm_team_export_demo'),
]
COMPANIES = ['Ceramics', 'Logistics', 'Textiles', 'Robotics', 'Foods', 'Pharma', 'Optics',
             'Furniture', 'Solar', 'Packaging', 'Motors', 'Retail']
PRODUCTS = ['display units', 'fleet tablets', 'POS terminals', 'support plan', 'kiosks',
            'label printers', 'scanners']
FIRST = ['Li', 'Wang', 'Zhang', 'Liu', 'Anna', 'Paul', 'Marie', 'John', 'Yuki', 'Hans']
LAST = ['Na', 'Fang', 'Jun', 'Ming', 'Meyer', 'Dubois', 'Smith', 'Tanaka', 'Brown']
DOMAINS_GOOD = ['corp.example.com', 'group.example.cn']
DOMAINS_FREE = ['gmail.example.com', 'qq.example.com', '163.example.com']


class CrmSalesDemo(models.AbstractModel):
    _name = 'crm.sales.demo'
    _description = 'Sales demo data generator'

    @api.model
    def _generate_demo(self, seed=2011, history=240, open_deals=48):
        rnd = random.Random(seed)
        ref = self.env.ref
        today = fields.Date.from_string(fields.Date.context_today(self))
        company = self.env.user.company_id
        currencies = self._demo_currencies(today)
        stages = self.env['crm.stage'].search([('probability', '<', 100)], order='sequence')
        won_stage = self.env['crm.stage'].search([('probability', '=', 100)], limit=1)
        lost_reasons = self.env['crm.lost.reason'].search([])
        tags = self.env['crm.lead.tag'].search([])
        sources = self.env['utm.source'].search([])
        ctx = dict(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
                   mail_notrack=True, crm_sales_skip_pipeline=True)
        Lead = self.env['crm.lead'].with_context(**ctx)

        partners = self.env['res.partner']
        leads, dates, outcomes = Lead, [], []
        for i in range(history + open_deals):
            rep_xmlid, team_xmlid = REPS[i % len(REPS)]
            cities, countries, fav_source, fav_tag, _cur = TERRITORIES[team_xmlid]
            country = ref('base.%s' % rnd.choice(countries))
            source = rnd.choice([ref(fav_source)] * 2 + list(sources))
            tag = rnd.choice([ref(fav_tag)] * 2 + list(tags))
            free_mail = rnd.random() < 0.35
            domain = rnd.choice(DOMAINS_FREE if free_mail else DOMAINS_GOOD)
            company_name = '%s %s %s' % (rnd.choice(cities), rnd.choice(COMPANIES), i)
            contact = '%s %s' % (rnd.choice(FIRST), rnd.choice(LAST))
            revenue = rnd.choice([5, 8, 12, 20, 35, 50, 80]) * 1000
            values = {
                'name': '%s: %s' % (company_name, rnd.choice(PRODUCTS)),
                'type': 'opportunity', 'partner_name': company_name, 'contact_name': contact,
                'email_from': '%s@%s' % (contact.lower().replace(' ', '.'), domain),
                'city': rnd.choice(cities), 'country_id': country.id, 'source_id': source.id,
                'tag_ids': [(6, 0, tag.ids)], 'team_id': ref('crm_sales.' + team_xmlid).id,
                'user_id': ref('crm_sales.' + rep_xmlid).id, 'planned_revenue': revenue,
            }
            if i < history:
                # a closed deal: won more often from the team's favourite
                # source and tag, from company mail domains, and when small
                chance = 0.25 + 0.2 * (source == ref(fav_source)) + 0.15 * (tag == ref(fav_tag)) \
                    - 0.15 * free_mail - 0.1 * (revenue >= 50000)
                created = today - timedelta(days=rnd.randint(20, 365))
                closed = min(created + timedelta(days=rnd.randint(5, 60)), today)
                if rnd.random() < chance:
                    outcome = 'won'
                    values.update(stage_id=won_stage.id, probability=100,
                                  date_deadline=fields.Date.to_string(closed))
                else:
                    outcome = 'lost'
                    values.update(stage_id=rnd.choice(stages).id, probability=0, active=False,
                                  lost_reason=rnd.choice(lost_reasons).id)
            else:
                outcome = 'open'
                stage = rnd.choice(stages)
                created = today - timedelta(days=rnd.randint(1, 90))
                closed = None
                values.update(stage_id=stage.id, probability=stage.probability)
                if rnd.random() < 0.8:
                    values['date_deadline'] = fields.Date.to_string(
                        today + timedelta(days=rnd.randint(-5, 150)))
            leads |= Lead.create(values)
            dates.append((created, closed))
            outcomes.append(outcome)
        # back-date the history in one statement
        rows = [(lead.id, fields.Datetime.to_string(created),
                 closed and fields.Datetime.to_string(closed))
                for lead, (created, closed) in zip(leads, dates)]
        execute_values(self.env.cr, """
            UPDATE crm_lead l SET create_date = v.created::timestamp,
                   date_open = v.created::timestamp,
                   date_last_stage_update = COALESCE(v.closed::timestamp, v.created::timestamp),
                   date_closed = v.closed::timestamp,
                   day_open = 0,
                   day_close = COALESCE(v.closed::date - v.created::date, 0)
              FROM (VALUES %s) AS v(id, created, closed) WHERE l.id = v.id""", rows)
        leads.invalidate_cache()

        # customers and confirmed orders for most recent wins (attainment)
        won = [(lead, dates[i][1]) for i, lead in enumerate(leads)
               if outcomes[i] == 'won' and dates[i][1] >= today - relativedelta(months=6)]
        Partner = self.env['res.partner'].with_context(**ctx)
        product = ref('crm_sales.product_product_support_demo')
        order_rows, orders = [], self.env['sale.order']
        team_currency = {ref('crm_sales.' + xmlid).id: currencies.get(values[4])
                         for xmlid, values in TERRITORIES.items()}
        for lead, closed in won[::2]:
            partner = Partner.create({'name': lead.partner_name, 'is_company': True,
                                      'country_id': lead.country_id.id, 'city': lead.city,
                                      'email': lead.email_from})
            partners |= partner
            currency = team_currency.get(lead.team_id.id)
            pricelist = currency and self._demo_pricelist(currency) \
                or partner.property_product_pricelist
            amount = lead.planned_revenue
            if currency:
                amount = company.currency_id.with_context(date=closed).compute(
                    amount, currency, round=True)
            order = self.env['sale.order'].with_context(**ctx).create({
                'partner_id': partner.id, 'pricelist_id': pricelist.id,
                'opportunity_id': lead.id, 'user_id': lead.user_id.id,
                'team_id': lead.team_id.id,
                'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': 1,
                                       'price_unit': amount, 'name': lead.name})],
            })
            orders |= order
            order_rows.append((order.id, fields.Datetime.to_string(closed)))
        # confirmed in one write: the orders sell a service, so there is
        # nothing to deliver (action_confirm would run procurement per order)
        orders.with_context(**ctx).write({'state': 'sale'})
        execute_values(self.env.cr, """
            UPDATE sale_order o SET date_order = v.day::timestamp + interval '10 hours',
                   confirmation_date = v.day::timestamp + interval '10 hours'
              FROM (VALUES %s) AS v(id, day) WHERE o.id = v.id""", order_rows)
        orders.invalidate_cache()

        self._demo_targets(rnd, today)
        open_leads = leads.filtered(lambda l: l.active and l.probability < 100)
        self._demo_plans(rnd, today, open_leads)
        return True

    @api.model
    def _demo_currencies(self, today):
        """Activate EUR and CNY with a rate on the first of each of the last
        13 months (relative to the company currency), when they are not the
        company currency."""
        company = self.env.user.company_id
        result = {}
        Rate = self.env['res.currency.rate']
        for code, base in (('EUR', 0.92), ('CNY', 7.1)):
            currency = self.env['res.currency'].with_context(active_test=False).search(
                [('name', '=', code)], limit=1)
            if not currency or currency == company.currency_id:
                continue
            currency.active = True
            company_rate = company.currency_id.with_context(date=today).rate or 1.0
            existing = set(Rate.search([('currency_id', '=', currency.id),
                                        ('company_id', '=', company.id)]).mapped('name'))
            for months in range(13, -1, -1):
                day = fields.Date.to_string(today.replace(day=1) - relativedelta(months=months))
                if day in existing:
                    continue
                wobble = 1 + 0.04 * ((months % 5) - 2) / 2
                Rate.create({'currency_id': currency.id, 'company_id': company.id,
                             'name': day, 'rate': round(base * wobble * company_rate, 6)})
            result[code] = currency
        return result

    @api.model
    def _demo_pricelist(self, currency):
        Pricelist = self.env['product.pricelist']
        pricelist = Pricelist.search([('currency_id', '=', currency.id)], limit=1)
        return pricelist or Pricelist.create({'name': 'Demo %s' % currency.name,
                                              'currency_id': currency.id})

    @api.model
    def _demo_targets(self, rnd, today):
        """Rep targets: approved for the last three months and this one,
        submitted for next month, a draft after it; team targets per
        quarter (approved by the director)."""
        Target = self.env['crm.sales.target'].with_context(tracking_disable=True)
        ref = self.env.ref
        approver = ref('crm_sales.res_users_sales_director_demo')
        for rep_xmlid, team_xmlid in REPS:
            rep = ref('crm_sales.' + rep_xmlid)
            team = ref('crm_sales.' + team_xmlid)
            for months, state in ((-3, 'approved'), (-2, 'approved'), (-1, 'approved'),
                                  (0, 'approved'), (1, 'submitted'), (2, 'draft')):
                target = Target.create({
                    'user_id': rep.id, 'team_id': team.id, 'period_type': 'month',
                    'date_start': fields.Date.to_string(today + relativedelta(months=months)),
                    'target_amount': rnd.choice([40, 50, 60, 70]) * 1000,
                    'target_count': rnd.choice([2, 3, 4]),
                })
                if state != 'draft':
                    target._transition({'state': state, 'approved_by_id': state == 'approved'
                                        and team.user_id.id})
        for team_xmlid in TERRITORIES:
            team = ref('crm_sales.' + team_xmlid)
            for months, state in ((-3, 'approved'), (0, 'approved'), (3, 'draft')):
                target = Target.create({
                    'target_type': 'team', 'user_id': False, 'team_id': team.id,
                    'period_type': 'quarter',
                    'date_start': fields.Date.to_string(today + relativedelta(months=months)),
                    'target_amount': rnd.choice([300, 400, 500]) * 1000, 'target_count': 15,
                })
                if state == 'approved':
                    target._transition({'state': state, 'approved_by_id': approver.id})

    @api.model
    def _demo_plans(self, rnd, today, open_leads):
        """Visits and calls on open opportunities: some done (with an
        outcome, in the log), some overdue, most this week and next."""
        visit = self.env.ref('crm_sales.mail_activity_type_visit')
        call = self.env.ref('mail.mail_activity_data_call')
        model = self.env.ref('crm.model_crm_lead')
        Activity = self.env['mail.activity'].with_context(mail_activity_quick_update=True)
        done = Activity
        outcomes = [key for key, _label in Activity._fields['visit_outcome'].selection]
        for i, lead in enumerate(open_leads[:30]):
            kind = visit if i % 3 == 0 else call
            offset = rnd.randint(-12, 12)
            activity = Activity.create({
                'res_model_id': model.id, 'res_id': lead.id, 'activity_type_id': kind.id,
                'user_id': lead.user_id.id, 'summary': '%s %s' % (
                    kind.name, lead.partner_name),
                'date_deadline': fields.Date.to_string(today + timedelta(days=offset)),
            })
            if i % 5 == 0:
                activity.visit_outcome = rnd.choice(outcomes)
                done |= activity
        for activity in done:
            activity.action_feedback(feedback='Met %s.' % activity.res_name)
