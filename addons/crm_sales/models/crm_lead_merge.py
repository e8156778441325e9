from odoo import _, api, models
from odoo.tools import html_escape


class CrmLead(models.Model):
    """Odoo's lead merge (`merge_opportunity`, used by its merge wizard),
    made complete: our fields and the tags are merged too, and the
    activities and followers of the merged leads move to the kept lead
    along with the messages and attachments Odoo already moves. The kept
    lead says what it received."""
    _inherit = 'crm.lead'

    @api.model
    def _merge_extra_fields(self):
        """Fields merged on top of Odoo's CRM_LEAD_FIELDS_TO_MERGE (first
        non-empty value, the leads taken from the most advanced)."""
        return ['industry_id', 'vat', 'product_interest_id', 'product_categ_id', 'email_from',
                'function', 'title', 'website', 'date_deadline', 'referred']

    @api.multi
    def _merge_data(self, fields):
        fields = list(fields) + [f for f in self._merge_extra_fields() if f not in fields]
        data = super(CrmLead, self)._merge_data(fields)
        data['tag_ids'] = [(6, 0, self.mapped('tag_ids').ids)]
        return data

    @api.multi
    def merge_dependences(self, opportunities):
        self.ensure_one()
        Activity = self.env['mail.activity']
        activities = Activity.search([('res_model', '=', self._name),
                                      ('res_id', 'in', opportunities.ids)])
        messages = self.env['mail.message'].search_count([
            ('model', '=', self._name), ('res_id', 'in', opportunities.ids)])
        attachments = self.env['ir.attachment'].search_count([
            ('res_model', '=', self._name), ('res_id', 'in', opportunities.ids)])
        res = super(CrmLead, self).merge_dependences(opportunities)
        activities.write({'res_id': self.id})
        followers = self._merge_move_followers(opportunities)
        body = _('<p>Merged into this lead: %(leads)s.</p><p>Moved %(messages)d messages, '
                 '%(activities)d activities, %(attachments)d attachments and %(followers)d '
                 'followers.</p>') % {
            'leads': ', '.join('%s (#%d)' % (html_escape(o.name), o.id) for o in opportunities),
            'messages': messages, 'activities': len(activities), 'attachments': attachments,
            'followers': followers}
        self.message_post(body=body, subtype='mail.mt_note')
        return res

    @api.multi
    def _merge_move_followers(self, opportunities):
        """Followers of `opportunities` who do not follow self follow it."""
        self.ensure_one()
        Followers = self.env['mail.followers'].sudo()
        mine = Followers.search([('res_model', '=', self._name), ('res_id', '=', self.id)])
        known = set(mine.mapped('partner_id').ids) | {-c for c in mine.mapped('channel_id').ids}
        moved = Followers
        for follower in Followers.search([('res_model', '=', self._name),
                                          ('res_id', 'in', opportunities.ids)]):
            key = follower.partner_id.id or -follower.channel_id.id
            if key not in known:
                known.add(key)
                moved |= follower
        moved.write({'res_id': self.id})
        return len(moved)
