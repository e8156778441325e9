import math
import random

from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase

from tests.common import create_user


def auc(won_scores, lost_scores):
    """Probability that a won lead is scored above a lost one (ties count half)."""
    pairs = 0.0
    for won in won_scores:
        for lost in lost_scores:
            pairs += 1.0 if won > lost else 0.5 if won == lost else 0.0
    return pairs / (len(won_scores) * len(lost_scores))


class TestLeadScoring(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadScoring, cls).setUpClass()
        env = cls.env
        cls.manager = create_user(env, 'score.manager', ['base.group_user', 'crm_sales.group_sales_manager'])
        cls.rep = create_user(env, 'score.rep', ['base.group_user', 'crm_sales.group_sales_rep'])
        Criterion = env['crm.sales.score.criterion']
        Criterion.search([]).write({'active': False})  # only ours count here
        cls.china = env.ref('base.cn')
        cls.industry = env['res.partner.industry'].create({'name': 'Scoring test industry'})
        cls.criteria = Criterion.create({'name': 'China', 'points': 10,
                                         'domain': "[('country_id', '=', %d)]" % cls.china.id})
        cls.criteria |= Criterion.create({'name': 'Free mail', 'points': -5,
                                          'domain': "[('email_is_free', '=', True)]"})
        cls.criteria |= Criterion.create({'name': 'Phone', 'points': 5, 'domain': "[('phone', '!=', False)]"})
        cls.criteria |= Criterion.create({'name': 'Big', 'points': 7,
                                          'domain': "[('planned_revenue', '>=', 20000)]"})
        cls.Lead = env['crm.lead'].with_context(tracking_disable=True)

    # ------------------------------------------------------------------ rule points
    def test_rule_points(self):
        lead = self.Lead.create({'name': 'A', 'country_id': self.china.id, 'email_from': 'Li <li@QQ.com>'})
        self.assertTrue(lead.email_is_free)
        self.assertEqual(lead.email_domain, 'qq.com')
        self.assertEqual(lead.score, 10 - 5)
        lead.write({'phone': '+86 571 1234 5678', 'planned_revenue': 25000})
        self.assertEqual(lead.score, 10 - 5 + 5 + 7)
        lead.email_from = 'li@hz-ceramics.example.com'
        self.assertEqual(lead.score, 10 + 5 + 7)
        self.assertEqual(self.Lead.create({'name': 'B'}).score, 0)

    def test_criteria_changes_rescore_open_leads(self):
        lead = self.Lead.create({'name': 'A', 'industry_id': self.industry.id})
        self.assertEqual(lead.score, 0)
        criterion = self.env['crm.sales.score.criterion'].sudo(self.manager).create({
            'name': 'Industry', 'points': 3, 'domain': "[('industry_id', '=', %d)]" % self.industry.id})
        lead.invalidate_cache()
        self.assertEqual(lead.score, 3)
        criterion.sudo(self.manager).points = -4
        lead.invalidate_cache()
        self.assertEqual(lead.score, -4)
        criterion.sudo(self.manager).unlink()
        lead.invalidate_cache()
        self.assertEqual(lead.score, 0)

    def test_bad_criteria_are_refused(self):
        Criterion = self.env['crm.sales.score.criterion']
        for domain in ("[('no_such_field', '=', 1)]", "[('name', '=',", "[]"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Criterion.create({'name': 'Bad', 'points': 1, 'domain': domain})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Criterion.create({'name': 'Zero', 'points': 0, 'domain': "[('phone', '!=', False)]"})

    def test_access(self):
        self.criteria[0].sudo(self.rep).read(['points'])
        with self.assertRaises(AccessError):
            self.criteria[0].sudo(self.rep).write({'points': 100})
        model = self.env['crm.sales.score.model']._get_current()
        with self.assertRaises(AccessError):
            model.sudo(self.rep).action_train_and_refresh()

    # ------------------------------------------------------------------ predictive
    def _history(self, seed=42, closed=400, held_out=200):
        """Synthetic history where the source, the country, a tag and the
        e-mail address really predict winning. Returns the closed leads and
        the held-out leads (open, with their hidden outcome)."""
        rng = random.Random(seed)
        env = self.env
        good_source = env['utm.source'].create({'name': 'Referral (scoring test)'})
        bad_source = env['utm.source'].create({'name': 'Cold list (scoring test)'})
        other_country = env.ref('base.fr')
        vip = env['crm.lead.tag'].create({'name': 'VIP (scoring test)'})
        won_stage = env['crm.stage'].search([('probability', '>=', 100)], limit=1)
        open_stage = env['crm.stage'].search([('probability', '<', 100)], order='sequence', limit=1)
        creator = self.Lead.with_context(crm_sales_skip_pipeline=True, mail_create_nolog=True)
        closed_leads, held = self.Lead.browse(), []
        for i in range(closed + held_out):
            good, cn, tagged, free = (rng.random() < 0.5 for _k in range(4))
            logit = -0.8 + 1.6 * good + 1.0 * cn + 1.2 * tagged - 0.8 * free
            won = rng.random() < 1.0 / (1.0 + math.exp(-logit))
            vals = {
                'name': 'history %d' % i, 'type': 'opportunity', 'user_id': False,
                'source_id': (good_source if good else bad_source).id,
                'country_id': (self.china if cn else other_country).id,
                'tag_ids': [(6, 0, vip.ids if tagged else [])],
                'email_from': 'buyer%d@%s' % (i, 'gmail.com' if free else 'factory%d.example.com' % i),
                'stage_id': open_stage.id,
            }
            if i < closed:
                if won:
                    vals.update(stage_id=won_stage.id, probability=100)
                else:
                    vals.update(active=False, probability=0)
                closed_leads |= creator.create(vals)
            else:
                held.append((creator.create(vals), won))
        return closed_leads, held

    def test_predicted_probability_ranks_won_above_lost(self):
        closed, held = self._history()
        model = self.env['crm.sales.score.model']._get_current()
        model._train("l.id = ANY(%(train)s)", {'train': closed.ids})
        self.assertEqual(model.won_count + model.lost_count, len(closed))
        model._refresh(lead_ids=[lead.id for lead, _won in held])
        won = [lead.predicted_probability for lead, outcome in held if outcome]
        lost = [lead.predicted_probability for lead, outcome in held if not outcome]
        self.assertTrue(won and lost)
        score = auc(won, lost)
        self.assertGreaterEqual(score, 0.7, 'AUC on held-out leads: %.3f' % score)
        # bands follow the probability
        for lead, _outcome in held:
            expected = 'hot' if lead.predicted_probability >= 70 else \
                'cold' if lead.predicted_probability < 30 else 'warm'
            self.assertEqual(lead.predicted_band, expected)
        # the learned weights say what matters
        weights = {(f.feature, f.value_name): f.weight for f in model.feature_ids}
        self.assertGreater(weights[('source', 'Referral (scoring test)')], 0)
        self.assertLess(weights[('source', 'Cold list (scoring test)')], 0)
        self.assertLess(weights[('email', 'free-mail address')], weights[('email', 'company address')])

    def test_lead_without_history_gets_the_prior(self):
        closed, _held = self._history(seed=7, closed=120, held_out=0)
        model = self.env['crm.sales.score.model']._get_current()
        model._train("l.id = ANY(%(train)s)", {'train': closed.ids})
        expected = 100.0 * (model.won_count + 1) / (model.won_count + model.lost_count + 2)
        self.assertAlmostEqual(model.prior, expected, places=6)
        unknown = self.env['utm.source'].create({'name': 'Never seen'})
        lead = self.Lead.create({'name': 'New', 'source_id': unknown.id,
                                 'country_id': self.env.ref('base.br').id,
                                 'stage_id': False, 'user_id': False})
        # the pipeline scored it on creation with the trained model
        self.assertTrue(lead.score_date)
        self.assertAlmostEqual(lead.predicted_probability, round(model.prior, 2), places=2)

    def test_refresh_is_set_based(self):
        closed, _held = self._history(seed=3, closed=60, held_out=0)
        model = self.env['crm.sales.score.model']._get_current()
        model._train("l.id = ANY(%(train)s)", {'train': closed.ids})

        def queries(n):
            leads = self.Lead.browse()
            for i in range(n):
                leads |= self.Lead.create({'name': 'open %d' % i, 'user_id': False})
            before = self.env.cr.sql_log_count
            result = model._refresh(lead_ids=leads.ids)
            self.assertEqual(set(result), set(leads.ids))
            return self.env.cr.sql_log_count - before
        queries(1)
        self.assertEqual(queries(5), queries(50))

    def test_cron_trains_and_refreshes_everything(self):
        self._history(seed=5, closed=50, held_out=10)
        lead = self.Lead.create({'name': 'Open', 'country_id': self.china.id, 'user_id': False})
        self.env['crm.sales.score.model']._cron_train_and_refresh()
        model = self.env['crm.sales.score.model']._get_current()
        self.assertGreaterEqual(model.won_count + model.lost_count, 50)
        self.assertGreaterEqual(model.refreshed_count, 11)
        lead.invalidate_cache()
        self.assertTrue(lead.score_date)
        self.assertTrue(lead.predicted_band)
        hot = self.Lead.search([('id', '=', lead.id), ('predicted_probability', '>=', 0)])
        self.assertEqual(hot, lead)
