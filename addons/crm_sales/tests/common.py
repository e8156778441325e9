"""Shared fixtures of the crm_sales tests: two teams, their leaders and
reps, and a sales director, each a real user of their role."""
from odoo.tests.common import SavepointCase

from tests.common import create_user

REP = ['base.group_user', 'crm_sales.group_sales_rep']
MANAGER = ['base.group_user', 'crm_sales.group_sales_manager']
DIRECTOR = ['base.group_user', 'sales_team.group_sale_salesman_all_leads']


class SalesCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(SalesCase, cls).setUpClass()
        cls.manager_a = create_user(cls.env, 'st.manager_a', MANAGER)
        cls.manager_b = create_user(cls.env, 'st.manager_b', MANAGER)
        cls.rep_a = create_user(cls.env, 'st.rep_a', REP)
        cls.rep_a2 = create_user(cls.env, 'st.rep_a2', REP)
        cls.rep_b = create_user(cls.env, 'st.rep_b', REP)
        cls.director = create_user(cls.env, 'st.director', DIRECTOR)
        Team = cls.env['crm.team']
        cls.team_a = Team.create({'name': 'ST Team A', 'user_id': cls.manager_a.id,
                                  'member_ids': [(6, 0, (cls.rep_a | cls.rep_a2).ids)]})
        cls.team_b = Team.create({'name': 'ST Team B', 'user_id': cls.manager_b.id,
                                  'member_ids': [(6, 0, cls.rep_b.ids)]})
        cls.Lead = cls.env['crm.lead'].with_context(crm_sales_skip_pipeline=True)
        cls.Target = cls.env['crm.sales.target']

    @classmethod
    def _opportunity(cls, name, user, team, **values):
        vals = dict(name=name, type='opportunity', user_id=user.id if user else False,
                    team_id=team.id if team else False)
        vals.update(values)
        return cls.Lead.create(vals)

    @classmethod
    def _target(cls, user, day='2019-03-10', **values):
        vals = dict(user_id=user.id, date_start=day, period_type='month',
                    target_amount=10000.0, target_count=5)
        vals.update(values)
        return cls.Target.sudo(user).create(vals)
