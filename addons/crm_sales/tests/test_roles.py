from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase
from odoo.tools.safe_eval import safe_eval

from tests.common import create_user


class TestSalesRoles(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestSalesRoles, cls).setUpClass()
        cls.manager_a = create_user(cls.env, 'manager_a', ['crm_sales.group_sales_manager'])
        cls.manager_b = create_user(cls.env, 'manager_b', ['crm_sales.group_sales_manager'])
        cls.rep_a = create_user(cls.env, 'rep_a', ['crm_sales.group_sales_rep'])
        cls.rep_b = create_user(cls.env, 'rep_b', ['crm_sales.group_sales_rep'])
        Team = cls.env['crm.team']
        cls.team_a = Team.create({'name': 'Team A', 'user_id': cls.manager_a.id,
                                  'member_ids': [(6, 0, cls.rep_a.ids)]})
        cls.team_b = Team.create({'name': 'Team B', 'user_id': cls.manager_b.id,
                                  'member_ids': [(6, 0, cls.rep_b.ids)]})
        Lead = cls.env['crm.lead']
        cls.opp_a = Lead.create({'name': 'Opportunity A', 'type': 'opportunity',
                                 'team_id': cls.team_a.id, 'user_id': cls.rep_a.id})
        cls.opp_b = Lead.create({'name': 'Opportunity B', 'type': 'opportunity',
                                 'team_id': cls.team_b.id, 'user_id': cls.rep_b.id})

    def test_groups_extend_sales_team(self):
        self.assertTrue(self.rep_a.has_group('sales_team.group_sale_salesman'))
        self.assertFalse(self.rep_a.has_group('crm_sales.group_sales_manager'))
        self.assertTrue(self.manager_a.has_group('crm_sales.group_sales_rep'))
        self.assertFalse(self.manager_a.has_group('sales_team.group_sale_salesman_all_leads'))
        director = self.env.ref('sales_team.group_sale_salesman_all_leads')
        self.assertIn(self.env.ref('crm_sales.group_sales_manager'), director.trans_implied_ids)

    def test_team_pipeline_shows_the_teams_i_lead(self):
        action = self.env.ref('crm_sales.crm_lead_action_team_pipeline')
        for manager, mine, other in ((self.manager_a, self.opp_a, self.opp_b),
                                     (self.manager_b, self.opp_b, self.opp_a)):
            domain = safe_eval(action.domain, {'uid': manager.id})
            found = self.env['crm.lead'].sudo(manager).search(domain)
            self.assertIn(mine, found)
            self.assertNotIn(other, found)

    def test_rep_cannot_configure_teams(self):
        with self.assertRaises(AccessError):
            self.team_a.sudo(self.rep_a).write({'name': 'Renamed'})

    def test_rep_does_not_see_a_colleagues_opportunity(self):
        Lead = self.env['crm.lead']
        self.assertNotIn(self.opp_b, Lead.sudo(self.rep_a).search([]))
        self.assertNotIn(self.opp_a, Lead.sudo(self.manager_b).search([]))
        self.assertIn(self.opp_a, Lead.sudo(self.manager_a).search([]))
