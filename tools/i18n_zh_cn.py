"""Write each addon's i18n/zh_CN.po from its .pot and our glossary below.

    .venv/bin/python tools/i18n_zh_cn.py

Untranslated strings are reported (and left empty, so Odoo shows English).
Keep the glossary consistent with Odoo's own zh_CN terms (线索, 商机, 销售团队).
"""
import ast
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GLOSSARY = {
    'Activity Analysis': '活动分析',
    'Agent': '服务专员',
    'Analyst': '分析员',
    'Analysts read every CRM report; they change nothing.': '分析员可查看所有 CRM 报表，但不能修改任何数据。',
    'Analytics': '分析',
    "Answers the team's tickets, calls and letters; may create customers.":
        '处理本团队的工单、来电和信函；可以创建客户。',
    'Configuration': '配置',
    'Create the first customer.': '创建第一个客户。',
    'Credit Control': '信用控制',
    'Credit Controller': '信用控制员',
    'Credit controllers watch receivables and grant credit exceptions.': '信用控制员监控应收账款并批准信用例外。',
    'Customer Sites': '客户现场',
    'Customers with Receivables': '有应收款的客户',
    'Customers with an open receivable balance appear here.': '此处列出仍有未结应收余额的客户。',
    'Customers': '客户',
    'Define the working hours of the service desk.': '定义服务台的工作时间。',
    'Direct Sales': '直销团队',
    'Every lead and opportunity counts here by the campaign, medium and source that brought it.':
        '每条线索和商机按带来它的营销活动、媒介和来源统计。',
    'Every ticket, call, visit and letter belongs to a customer: look them up here before you answer.':
        '每个工单、来电、上门服务和信函都属于某个客户：答复前请先在此查找客户。',
    'Field Service': '现场服务',
    'Field Technician': '现场技术员',
    'Field technicians carry out visits, repairs and maintenance on site.': '现场技术员上门执行拜访、维修和保养。',
    'Follows up overdue invoices, sets credit limits and grants exceptions.': '跟进逾期发票，设定信用额度并批准例外。',
    'Invoice Analysis': '发票分析',
    'Lead Sources': '线索来源',
    "Leads a sales team: sees and steers the team's pipeline, targets and plans.":
        '领导销售团队：查看并管理团队的销售管道、目标和计划。',
    'Leads by Campaign': '按营销活动统计线索',
    'Leads by Source': '按来源统计线索',
    'Manager': '经理',
    'Marketer': '市场专员',
    'Marketers plan, run and measure campaigns and segments.': '市场专员策划、执行并评估营销活动和客户细分。',
    'Marketing': '市场营销',
    "My Teams' Pipeline": '我的团队销售管道',
    'No customer invoice is overdue.': '没有逾期的客户发票。',
    'No customer owes anything.': '没有客户欠款。',
    'No lead yet.': '还没有线索。',
    'No opportunity in the teams you lead yet.': '您领导的团队还没有商机。',
    'Open customer invoices past their due date appear here, by customer.': '此处按客户列出已过到期日的未付客户发票。',
    'Opportunities of the sales teams whose team leader you are appear here, whoever of the team works them.':
        '此处显示您担任组长的销售团队的全部商机，无论由团队中哪位成员跟进。',
    'Overdue Invoices': '逾期发票',
    'Pipeline Analysis': '销售管道分析',
    'Plans campaigns and segments, sends mailings and reads where leads come from.':
        '策划营销活动和客户细分，发送群发邮件，查看线索来源。',
    'Reads the pipeline, activity, sales and invoice analyses (read only).': '查看销售管道、活动、销售和发票分析（只读）。',
    'Receivables': '应收账款',
    'Reporting': '报表',
    'Runs the service desk and field service: teams, SLA policies, working hours.':
        '管理服务台和现场服务：团队、服务级别协议（SLA）策略和工作时间。',
    'Sales Analysis': '销售分析',
    'Sales Force': '销售队伍',
    'Sales Manager': '销售经理',
    'Sales Rep': '销售代表',
    "Sales reps see their own leads and plans; sales managers see their team's.":
        '销售代表只能看到自己的线索和计划；销售经理可以看到本团队的。',
    'Sales': '销售',
    'Sees the customers and equipment of the visits assigned to them.': '查看分派给自己的上门任务所涉及的客户和设备。',
    "Service agents work their team's tickets; service managers all of them.":
        '服务专员处理本团队的工单；服务经理可处理所有工单。',
    'Service level targets count in these working hours, not in calendar hours.':
        '服务级别目标按这些工作时间计算，而不是按日历时间。',
    'Service': '服务',
    'Working Hours': '工作时间',
    'Calls, meetings and e-mails logged on leads and opportunities, by rep and type.':
        '记录在线索和商机上的电话、会议和邮件，按销售代表和类型统计。',
    "Every team's opportunities by stage, rep and expected closing month.":
        '所有团队的商机，按阶段、销售代表和预计成交月份统计。',
    'No activity logged yet.': '还没有记录任何活动。',
    'No opportunity yet.': '还没有商机。',
    'Works their own leads, opportunities, quotations, visits and calls.': '跟进自己的线索、商机、报价、拜访和电话。',
}


def norm(text):
    return re.sub(r'\s+', ' ', text).strip()


def unquote(line):
    """The text of one quoted po line: "abc\\n" -> abc + newline."""
    return ast.literal_eval(line.strip())


def translate(pot_text, glossary, missing):
    """The pot's text with every msgstr filled from the glossary.

    Plain text processing keeps Odoo's `#:` references (model:..., code:...)
    exactly as Odoo wrote them; its po reader needs them."""
    out, msgid, in_msgid = [], None, False
    for line in pot_text.splitlines():
        if line.startswith('msgid '):
            msgid, in_msgid = unquote(line[6:]), True
        elif in_msgid and line.startswith('"'):
            msgid += unquote(line)
        elif line == 'msgstr ""' and msgid:
            in_msgid = False
            text = glossary.get(norm(msgid), '')
            if not text:
                missing.append(msgid)
            line = 'msgstr %s' % json.dumps(text, ensure_ascii=False)
        else:
            in_msgid = False
        out.append(line)
    return '\n'.join(out) + '\n'


def main():
    glossary = {norm(k): v for k, v in GLOSSARY.items()}
    missing = []
    for addon in sorted(os.listdir(os.path.join(ROOT, 'addons'))):
        pot = os.path.join(ROOT, 'addons', addon, 'i18n', '%s.pot' % addon)
        if not os.path.isfile(pot):
            continue
        with open(pot, encoding='utf-8') as f:
            text = f.read()
        text = text.replace('"Plural-Forms: \\n"', '"Language: zh_CN\\n"\n"Plural-Forms: \\n"', 1)
        todo = []
        text = translate(text, glossary, todo)
        missing += ['%s: %s' % (addon, m) for m in todo]
        with open(os.path.join(ROOT, 'addons', addon, 'i18n', 'zh_CN.po'), 'w', encoding='utf-8') as f:
            f.write(text)
    for line in missing:
        print('untranslated: %s' % line)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
