import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError

PRIORITIES = [('0', 'Low'), ('1', 'Normal'), ('2', 'High'), ('3', 'Urgent')]
CHANNELS = [
    ('portal', 'Portal'),
    ('email', 'E-mail'),
    ('phone', 'Phone'),
    ('web', 'Web form'),
    ('letter', 'Fax or letter'),
    ('walkin', 'Walk-in'),
]
SEVERITIES = [('minor', 'Minor'), ('major', 'Major'), ('critical', 'Critical')]


class CrmServiceTicket(models.Model):
    """A customer's request, question, complaint or problem, from whatever
    channel it came, until it is solved (and rated)."""
    _name = 'crm.service.ticket'
    _description = 'Service Ticket'
    _inherit = ['mail.thread', 'mail.activity.mixin', 'portal.mixin', 'rating.mixin', 'utm.mixin']
    _order = 'priority desc, id desc'
    _mail_post_access = 'read'

    # identity
    number = fields.Char('Reference', readonly=True, copy=False, index=True, default='/')
    name = fields.Char('Subject', required=True, track_visibility='always')
    description = fields.Html()
    active = fields.Boolean(default=True)
    color = fields.Integer('Color Index')
    company_id = fields.Many2one(
        'res.company', required=True, index=True,
        default=lambda self: self.env.user.company_id)
    access_token = fields.Char('Security Token', copy=False)

    # classification
    team_id = fields.Many2one(
        'crm.service.team', 'Team', required=True, index=True, track_visibility='onchange',
        default=lambda self: self._default_team_id())
    stage_id = fields.Many2one(
        'crm.service.stage', 'Stage', index=True, track_visibility='onchange', copy=False,
        group_expand='_read_group_stage_ids', ondelete='restrict',
        domain="['|', ('team_ids', '=', False), ('team_ids', '=', team_id)]",
        default=lambda self: self._default_stage_id())
    is_closed = fields.Boolean(related='stage_id.is_closed', store=True, readonly=True, index=True)
    category_id = fields.Many2one('crm.service.category', 'Category', index=True,
                                  track_visibility='onchange')
    is_complaint = fields.Boolean(related='category_id.is_complaint', store=True, readonly=True)
    priority = fields.Selection(PRIORITIES, default='1', index=True, track_visibility='onchange')
    channel = fields.Selection(CHANNELS, required=True, default='phone', index=True,
                               help='How the customer reached us.')
    tag_ids = fields.Many2many('crm.service.tag', string='Tags')
    kanban_state = fields.Selection([
        ('normal', 'In Progress'), ('done', 'Ready'), ('blocked', 'Blocked'),
    ], default='normal', copy=False)

    # customer and what it is about
    partner_id = fields.Many2one('res.partner', 'Customer', index=True, track_visibility='onchange')
    commercial_partner_id = fields.Many2one(
        'res.partner', 'Customer Entity', related='partner_id.commercial_partner_id',
        store=True, readonly=True, index=True)
    partner_email = fields.Char('E-mail')
    partner_phone = fields.Char('Phone')
    product_id = fields.Many2one('product.product', 'Product', index=True)
    serial_number = fields.Char()
    sale_order_id = fields.Many2one(
        'sale.order', 'Sale Order', index=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]")

    # who and when
    user_id = fields.Many2one('res.users', 'Assigned to', index=True, track_visibility='onchange',
                              domain=[('share', '=', False)])
    date_assigned = fields.Datetime('Assigned on', readonly=True, copy=False)
    date_closed = fields.Datetime('Closed on', readonly=True, copy=False, index=True)
    date_last_stage_update = fields.Datetime(
        'Last Stage Update', readonly=True, copy=False, default=fields.Datetime.now)
    attachment_count = fields.Integer('Attachments', compute='_compute_attachment_count')

    # complaints
    severity = fields.Selection(SEVERITIES, track_visibility='onchange')
    root_cause = fields.Text()
    corrective_action = fields.Text()
    resolution = fields.Text(help='What was done for the customer; required to close a complaint.')

    # ------------------------------------------------------------ defaults
    @api.model
    def _default_team_id(self):
        team_id = self.env.context.get('default_team_id')
        if team_id:
            return self.env['crm.service.team'].browse(team_id)
        Team = self.env['crm.service.team']
        return (Team.search([('member_ids', 'in', self.env.uid)], limit=1)
                or Team.search([], limit=1))

    @api.model
    def _default_stage_id(self):
        team = self._default_team_id()
        return self._get_open_stage(team)

    @api.model
    def _read_group_stage_ids(self, stages, domain, order):
        team_id = self.env.context.get('default_team_id')
        search_domain = [('team_ids', '=', False)]
        if team_id:
            search_domain = ['|', ('team_ids', '=', team_id)] + search_domain
        search_domain = ['|', ('id', 'in', stages.ids)] + search_domain
        return stages.search(search_domain, order=order)

    # ------------------------------------------------------------ computes
    @api.multi
    def _compute_attachment_count(self):
        groups = self.env['ir.attachment'].read_group(
            [('res_model', '=', self._name), ('res_id', 'in', self.ids)], ['res_id'], ['res_id'])
        counts = {g['res_id']: g['res_id_count'] for g in groups}
        for ticket in self:
            ticket.attachment_count = counts.get(ticket.id, 0)

    @api.multi
    def _compute_portal_url(self):
        for ticket in self:
            ticket.portal_url = '/my/tickets/%s' % ticket.id

    @api.multi
    def name_get(self):
        return [(t.id, '[%s] %s' % (t.number, t.name) if t.number and t.number != '/' else t.name)
                for t in self]

    @api.model
    def _name_search(self, name, args=None, operator='ilike', limit=100, name_get_uid=None):
        args = list(args or [])
        if name:
            args = ['|', ('number', operator, name), ('name', operator, name)] + args
        ids = self._search(args, limit=limit, access_rights_uid=name_get_uid)
        return self.browse(ids).sudo(name_get_uid or self.env.uid).name_get()

    # ------------------------------------------------------------ onchanges
    @api.onchange('partner_id')
    def _onchange_partner_id(self):
        if self.partner_id:
            self.partner_email = self.partner_id.email
            self.partner_phone = self.partner_id.phone or self.partner_id.mobile

    @api.onchange('team_id')
    def _onchange_team_id(self):
        if self.team_id and self.stage_id.team_ids and self.team_id not in self.stage_id.team_ids:
            self.stage_id = self._get_open_stage(self.team_id)

    # ------------------------------------------------------------ stages
    @api.model
    def _stage_domain(self, team):
        domain = [('team_ids', '=', False)]
        if team:
            domain = ['|', ('team_ids', '=', team.id)] + domain
        return domain

    @api.model
    def _get_open_stage(self, team):
        """The first stage a ticket of `team` is in."""
        return self.env['crm.service.stage'].search(
            self._stage_domain(team) + [('is_closed', '=', False)], limit=1)

    @api.model
    def _get_close_stage(self, team):
        """The stage "solved" of `team`: its first closing stage."""
        return self.env['crm.service.stage'].search(
            self._stage_domain(team) + [('is_closed', '=', True)], limit=1)

    @api.model
    def _misses_resolution(self, stage, category, resolution):
        """Whether a ticket with these values would be a closed complaint
        without a resolution."""
        return stage.is_closed and category.is_complaint and not (resolution or '').strip()

    @api.multi
    def _check_can_close(self, vals=None):
        """Refuse to close (or keep closed) a complaint without a resolution.
        With `vals`, checks the tickets as they would be after writing them
        (on an empty recordset: the ticket `vals` would create), before
        anything is written."""
        vals = vals or {}
        Stage, Category = self.env['crm.service.stage'], self.env['crm.service.category']
        missing = []
        for ticket in self or [self]:
            stage = Stage.browse(vals['stage_id']) if 'stage_id' in vals else ticket.stage_id
            category = (Category.browse(vals['category_id']) if 'category_id' in vals
                        else ticket.category_id)
            resolution = vals['resolution'] if 'resolution' in vals else ticket.resolution
            if self._misses_resolution(stage, category, resolution):
                missing.append(ticket.display_name or vals.get('name') or '')
        if missing:
            raise UserError(_('A complaint cannot be closed without a resolution. '
                              'Write what was done for the customer first: %s')
                            % ', '.join(missing))

    # ------------------------------------------------------------ CRUD
    @api.model
    def _prepare_create_values(self, vals):
        vals = dict(vals)
        if not vals.get('number') or vals['number'] == '/':
            vals['number'] = self.env['ir.sequence'].next_by_code('crm.service.ticket') or '/'
        if vals.get('partner_id') and not (vals.get('partner_email') and vals.get('partner_phone')):
            partner = self.env['res.partner'].browse(vals['partner_id'])
            vals.setdefault('partner_email', partner.email)
            vals.setdefault('partner_phone', partner.phone or partner.mobile)
        if vals.get('team_id') and not vals.get('stage_id'):
            vals['stage_id'] = self._get_open_stage(
                self.env['crm.service.team'].browse(vals['team_id'])).id
        if vals.get('user_id'):
            vals.setdefault('date_assigned', fields.Datetime.now())
        vals.setdefault('access_token', str(uuid.uuid4()))
        return vals

    @api.model
    def create(self, vals):
        vals = self._prepare_create_values(vals)
        if vals.get('stage_id'):
            self.browse()._check_can_close(vals)
            if self.env['crm.service.stage'].browse(vals['stage_id']).is_closed:
                vals['date_closed'] = fields.Datetime.now()
        ticket = super(CrmServiceTicket, self).create(vals)
        if ticket.partner_id:
            ticket.message_subscribe(partner_ids=ticket.partner_id.ids)
        ticket._crm_service_ticket_created()
        return ticket

    @api.multi
    def write(self, vals):
        now = fields.Datetime.now()
        if 'stage_id' in vals:
            vals['date_last_stage_update'] = now
            stage = self.env['crm.service.stage'].browse(vals['stage_id'])
            if stage.is_closed:
                vals['date_closed'] = now
            else:
                vals['date_closed'] = False
        if vals.get('user_id'):
            vals['date_assigned'] = now
        if {'stage_id', 'category_id', 'resolution'} & set(vals):
            self._check_can_close(vals)
        res = super(CrmServiceTicket, self).write(vals)
        if vals.get('partner_id'):
            self.message_subscribe(partner_ids=[vals['partner_id']])
        return res

    @api.multi
    def _crm_service_ticket_created(self):
        """Hook run once on the tickets just created (set-based): assignment
        and SLA extend it (call super, then act on `self`)."""
        return True

    # ------------------------------------------------------------ actions
    @api.multi
    def action_close(self):
        for team in self.mapped('team_id'):
            tickets = self.filtered(lambda t: t.team_id == team and not t.is_closed)
            stage = self._get_close_stage(team)
            if not stage:
                raise UserError(_('Team %s has no closing stage: add one in Configuration > Stages.')
                                % team.name)
            tickets.write({'stage_id': stage.id})
        return True

    @api.multi
    def action_reopen(self):
        for team in self.mapped('team_id'):
            tickets = self.filtered(lambda t: t.team_id == team and t.is_closed)
            tickets.write({'stage_id': self._get_open_stage(team).id})
        return True

    @api.multi
    def action_assign_to_me(self):
        self.write({'user_id': self.env.uid})
        return True

    @api.multi
    def _portal_ensure_token(self):
        """The ticket's access token (for the link in the customer's e-mails)."""
        for ticket in self.filtered(lambda t: not t.access_token):
            ticket.sudo().write({'access_token': str(uuid.uuid4())})
        return self.mapped('access_token')

    # ------------------------------------------------------------ mail
    @api.multi
    def _track_subtype(self, init_values):
        self.ensure_one()
        if 'stage_id' in init_values and not init_values['stage_id']:   # just created
            return 'crm_service.mt_ticket_new'
        if 'stage_id' in init_values:
            return 'crm_service.mt_ticket_stage'
        return super(CrmServiceTicket, self)._track_subtype(init_values)

    @api.multi
    def message_get_suggested_recipients(self):
        recipients = super(CrmServiceTicket, self).message_get_suggested_recipients()
        for ticket in self:
            if ticket.partner_id:
                ticket._message_add_suggested_recipient(
                    recipients, partner=ticket.partner_id, reason=_('Customer'))
            elif ticket.partner_email:
                ticket._message_add_suggested_recipient(
                    recipients, email=ticket.partner_email, reason=_('Customer e-mail'))
        return recipients

    @api.multi
    def rating_get_partner_id(self):
        return self.partner_id or self.env['res.partner']
