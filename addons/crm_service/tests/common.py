"""Fixtures shared by crm_service's tests: a team with two agents, another
team, a manager, two customer companies with a portal user each."""
from odoo.tests.common import SavepointCase

from tests.common import create_user


class ServiceCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(ServiceCase, cls).setUpClass()
        env = cls.env
        cls.manager = create_user(env, 'svc.manager', ['crm_service.group_service_manager'])
        cls.agent = create_user(env, 'svc.agent', ['crm_service.group_service_agent'])
        cls.agent2 = create_user(env, 'svc.agent2', ['crm_service.group_service_agent'])
        cls.outsider = create_user(env, 'svc.outsider', ['crm_service.group_service_agent'])
        cls.team = env['crm.service.team'].create({
            'name': 'Test Care', 'user_id': cls.manager.id,
            'member_ids': [(6, 0, (cls.agent | cls.agent2).ids)],
            'assignment_method': 'manual',
        })
        cls.other_team = env['crm.service.team'].create({
            'name': 'Test Elsewhere', 'member_ids': [(6, 0, cls.outsider.ids)],
            'assignment_method': 'manual',
        })
        Partner = env['res.partner']
        cls.company1 = Partner.create({'name': 'Acme Test Ltd', 'is_company': True, 'customer': True})
        cls.contact1 = Partner.create({'name': 'Alice Acme', 'parent_id': cls.company1.id,
                                       'email': 'alice@acme.example.com', 'phone': '+44 20 7946 0001'})
        cls.contact1b = Partner.create({'name': 'Bob Acme', 'parent_id': cls.company1.id,
                                        'email': 'bob@acme.example.com'})
        cls.company2 = Partner.create({'name': 'Globex Test SA', 'is_company': True, 'customer': True})
        cls.contact2 = Partner.create({'name': 'Carol Globex', 'parent_id': cls.company2.id,
                                       'email': 'carol@globex.example.com'})
        cls.portal1 = create_user(env, 'svc.portal1', ['base.group_portal'], partner_id=cls.contact1.id)
        cls.portal1b = create_user(env, 'svc.portal1b', ['base.group_portal'], partner_id=cls.contact1b.id)
        cls.portal2 = create_user(env, 'svc.portal2', ['base.group_portal'], partner_id=cls.contact2.id)
        cls.complaint = env.ref('crm_service.crm_service_category_complaint')
        cls.inquiry = env.ref('crm_service.crm_service_category_inquiry')
        cls.stage_new = env.ref('crm_service.crm_service_stage_new')
        cls.stage_solved = env.ref('crm_service.crm_service_stage_solved')
        cls.stage_waiting = env.ref('crm_service.crm_service_stage_waiting')

    @classmethod
    def make_ticket(cls, **values):
        vals = {'name': 'Printer broken', 'team_id': cls.team.id, 'partner_id': cls.contact1.id,
                'description': '<p>It prints nothing.</p>'}
        vals.update(values)
        return cls.env['crm.service.ticket'].create(vals)
