from odoo.exceptions import AccessError, UserError

from .common import ServiceCase


class TestTicket(ServiceCase):

    def test_reference_from_sequence_and_in_display_name(self):
        t1, t2 = self.make_ticket(), self.make_ticket(name='Second')
        self.assertRegex(t1.number, r'^TCK\d{5}$')
        self.assertNotEqual(t1.number, t2.number)
        self.assertEqual(t1.display_name, '[%s] Printer broken' % t1.number)
        found = self.env['crm.service.ticket'].name_search(t1.number)
        self.assertEqual([r[0] for r in found], [t1.id])

    def test_new_ticket_defaults(self):
        ticket = self.make_ticket()
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertFalse(ticket.is_closed)
        self.assertEqual(ticket.commercial_partner_id, self.company1)
        self.assertEqual(ticket.partner_email, self.contact1.email)
        self.assertEqual(ticket.partner_phone, '+44 20 7946 0001')
        self.assertIn(self.contact1, ticket.message_partner_ids)
        self.assertTrue(ticket.access_token)
        self.assertEqual(ticket.portal_url, '/my/tickets/%s' % ticket.id)

    def test_close_and_reopen(self):
        ticket = self.make_ticket()
        ticket.action_close()
        self.assertEqual(ticket.stage_id, self.stage_solved)
        self.assertTrue(ticket.is_closed)
        self.assertTrue(ticket.date_closed)
        ticket.action_reopen()
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertFalse(ticket.date_closed)

    def test_stage_change_is_tracked(self):
        ticket = self.make_ticket()
        ticket.write({'stage_id': self.stage_waiting.id})
        subtypes = ticket.message_ids.mapped('subtype_id')
        self.assertIn(self.env.ref('crm_service.mt_ticket_stage'), subtypes)

    def test_complaint_cannot_close_without_resolution(self):
        ticket = self.make_ticket(category_id=self.complaint.id, severity='minor')
        with self.assertRaises(UserError):
            ticket.action_close()
        self.assertFalse(ticket.is_closed)
        with self.assertRaises(UserError):
            ticket.write({'stage_id': self.stage_solved.id})
        self.assertFalse(ticket.is_closed)
        with self.assertRaises(UserError):
            self.make_ticket(category_id=self.complaint.id, stage_id=self.stage_solved.id)
        ticket.resolution = 'Replaced the unit.'
        ticket.action_close()
        self.assertTrue(ticket.is_closed)
        # a closed ticket cannot lose its resolution once it is a complaint
        with self.assertRaises(UserError):
            ticket.write({'resolution': ''})

    def test_inquiry_closes_without_resolution(self):
        ticket = self.make_ticket(category_id=self.inquiry.id)
        ticket.action_close()
        self.assertTrue(ticket.is_closed)

    def test_team_counters_in_one_pass(self):
        self.make_ticket()
        self.make_ticket(user_id=self.agent.id)
        self.make_ticket().action_close()
        self.make_ticket(team_id=self.other_team.id)
        teams = self.team | self.other_team
        teams.invalidate_cache()
        self.assertEqual((self.team.ticket_count, self.team.open_ticket_count,
                          self.team.unassigned_ticket_count), (3, 2, 1))
        self.assertEqual(self.other_team.open_ticket_count, 1)

    def test_team_alias_creates_tickets_of_the_team(self):
        team = self.env['crm.service.team'].create({'name': 'Alias Team', 'alias_name': 'alias-team-test'})
        self.assertEqual(team.alias_id.alias_model_id.model, 'crm.service.ticket')
        self.assertEqual(team.alias_id.alias_force_thread_id, 0)
        self.assertIn(str(team.id), team.alias_id.alias_defaults)

    def test_kanban_shows_every_stage_of_the_team(self):
        groups = self.env['crm.service.ticket'].with_context(default_team_id=self.team.id).read_group(
            [('team_id', '=', self.team.id)], ['stage_id'], ['stage_id'])
        stage_ids = [g['stage_id'][0] for g in groups]
        self.assertIn(self.stage_new.id, stage_ids)
        self.assertIn(self.stage_solved.id, stage_ids)


class TestTicketAccess(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(TestTicketAccess, cls).setUpClass()
        cls.mine = cls.make_ticket(name='Team ticket')
        cls.elsewhere = cls.make_ticket(name='Other team ticket', team_id=cls.other_team.id)
        cls.given = cls.make_ticket(name='Given to agent', team_id=cls.other_team.id, user_id=cls.agent.id)
        cls.theirs = cls.make_ticket(name='Globex ticket', partner_id=cls.contact2.id)

    def visible(self, user):
        return self.env['crm.service.ticket'].sudo(user).search([])

    def test_agent_sees_team_and_own_tickets(self):
        seen = self.visible(self.agent)
        self.assertIn(self.mine, seen)
        self.assertIn(self.given, seen)
        self.assertIn(self.theirs, seen)
        self.assertNotIn(self.elsewhere, seen)
        with self.assertRaises(AccessError):
            self.elsewhere.sudo(self.agent).read(['name'])
        with self.assertRaises(AccessError):
            self.elsewhere.sudo(self.agent).write({'name': 'Hijacked'})
        self.assertEqual(self.elsewhere.name, 'Other team ticket')

    def test_agent_cannot_delete_manager_can(self):
        with self.assertRaises(AccessError):
            self.mine.sudo(self.agent).unlink()
        self.elsewhere.sudo(self.manager).unlink()
        self.assertFalse(self.elsewhere.exists())

    def test_manager_sees_all(self):
        seen = self.visible(self.manager)
        for ticket in (self.mine, self.elsewhere, self.given, self.theirs):
            self.assertIn(ticket, seen)

    def test_portal_user_reads_only_own_company_and_writes_nothing(self):
        seen = self.visible(self.portal1)
        self.assertIn(self.mine, seen)
        self.assertIn(self.elsewhere, seen)     # same company, any team
        self.assertNotIn(self.theirs, seen)
        self.assertEqual(self.visible(self.portal1b), seen)     # a colleague sees the same
        self.assertEqual(self.visible(self.portal2), self.theirs)
        with self.assertRaises(AccessError):
            self.theirs.sudo(self.portal1).read(['name'])
        with self.assertRaises(AccessError):
            self.mine.sudo(self.portal1).write({'name': 'Changed'})
        with self.assertRaises(AccessError):
            self.env['crm.service.ticket'].sudo(self.portal1).create({
                'name': 'Direct', 'team_id': self.team.id})
        self.assertEqual(self.mine.name, 'Team ticket')

    def test_employee_without_service_role_sees_nothing(self):
        employee = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Plain Employee', 'login': 'svc.plain',
            'groups_id': [(6, 0, [self.env.ref('base.group_user').id])]})
        with self.assertRaises(AccessError):
            self.visible(employee)
