"""Take the README's screenshots from a running suite (`make run`).

    .venv/bin/python tools/screenshots.py [--url http://localhost:8069] [NAME ...]

Each shot logs in as a demo user in headless Chromium, opens an app menu
(by its XML id) and saves docs/screenshots/NAME.png. Add a line to SHOTS for
a new screenshot.
"""
import argparse
import os
import shutil
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'docs', 'screenshots')

# name: (login, password, app menu xmlid or 'record:<model>:<exact name>', submenu xmlid
#        (or a CSS selector to click) or None, CSS selector to wait for
#        [, CSS selector of an element to click, then CSS selector to wait for again])
BRIGHT = 'Shanghai Bright Textiles Co., Ltd.'   # a demo customer with an ERP story
SHOTS = {
    'crm_pipeline_demo': ('admin', 'admin', 'crm.crm_menu_root', None, '.o_kanban_record'),
    'team_pipeline': ('sales.manager', 'sales.manager', 'crm.crm_menu_root',
                      'crm_sales.crm_lead_menu_team_pipeline', '.o_kanban_record'),
    'sales_pipeline_scores': ('sales.rep', 'sales.rep', 'crm.crm_menu_root', None,
                              '.o_kanban_record'),
    'sales_targets_team': ('sales.east.manager', 'sales.east.manager', 'crm.crm_menu_root',
                           'crm_sales.crm_sales_target_menu_team', '.o_list_view, .oe_view_nocontent'),
    'sales_forecast': ('sales.director', 'sales.director', 'crm.crm_menu_root',
                       'crm_sales.crm_sales_forecast_report_menu', '.o_pivot, .o_graph'),
    'sales_visits_calendar': ('sales.rep', 'sales.rep', 'crm.crm_menu_root',
                              'crm_sales.mail_activity_menu_my_visits', '.o_calendar_view'),
    'service_sla_report': ('service.manager', 'service.manager', 'crm_service.crm_service_menu_root',
                           'crm_service.crm_service_sla_report_menu', '.o_pivot, .o_graph'),
    'service_kanban': ('service.agent', 'service.agent', 'crm_service.crm_service_menu_root',
                       'crm_service.crm_service_ticket_menu', '.o_kanban_record'),
    'service_ticket': ('service.agent', 'service.agent', 'crm_service.crm_service_menu_root',
                       'crm_service.crm_service_ticket_menu', '.o_kanban_record',
                       '.o_kanban_group .o_kanban_record', '.o_form_view .o_chatter'),
    'erp_customer_360': ('admin', 'admin', 'record:res.partner:' + BRIGHT,
                         '//a[@data-toggle="tab"][contains(., "Customer 360")]',
                         '.o_form_view .oe_stat_button'),
    'erp_customer_timeline': ('admin', 'admin', 'record:res.partner:' + BRIGHT,
                              'button.o_button_more', '.o_form_view',
                              '//ul[contains(@class, "o_dropdown_more")]//*[contains(., "Timeline")]',
                              '.o_list_view'),
    'reporting_app': ('analyst', 'analyst', 'crm_analytics.crm_analytics_menu_root', None,
                      '.o_pivot, .o_graph, .o_view_manager_content'),
}


def browser():
    options = Options()
    options.binary_location = os.environ.get('CHROMIUM_BIN') or shutil.which('chromium')
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run', '--window-size=1440,800', '--lang=en-US'):
        options.add_argument(arg)
    driver = os.environ.get('CHROMEDRIVER_BIN') or shutil.which('chromedriver')
    return webdriver.Chrome(service=Service(driver), options=options)


def shoot(driver, url, name, login, password, app, submenu, ready, click=None, then=None):
    wait = WebDriverWait(driver, 30)

    def find(css):
        # a selector starting with '//' is an XPath (to find an element by its text)
        how = By.XPATH if css.startswith('//') else By.CSS_SELECTOR
        return wait.until(ec.visibility_of_element_located((how, css)))
    driver.delete_all_cookies()
    driver.get(url + '/web/session/logout')
    driver.get(url + '/web/login')
    find('input[name="login"]').send_keys(login)
    find('input[name="password"]').send_keys(password)
    find('form.oe_login_form button[type="submit"]').click()
    find('#oe_main_menu_navbar')
    if app.startswith('record:'):
        # 'record:<model>:<name>': open that record's form directly
        _, model, record_name = app.split(':', 2)
        res_id = driver.execute_async_script('''
            var done = arguments[2];
            fetch('/web/dataset/call_kw', {method: 'POST', credentials: 'same-origin',
                  headers: {'Content-Type': 'application/json'},
                  body: JSON.stringify({jsonrpc: '2.0', method: 'call', params: {
                      model: arguments[0], method: 'name_search', args: [arguments[1]],
                      kwargs: {operator: '=', limit: 1}}})})
              .then(function (r) { return r.json(); })
              .then(function (r) { done(r.result && r.result.length ? r.result[0][0] : null); });
        ''', model, record_name)
        if not res_id:
            raise SystemExit('%s: no %s named %r' % (name, model, record_name))
        driver.get('%s/web#model=%s&id=%s&view_type=form' % (url, model, res_id))
    else:
        find('a[data-menu-xmlid="%s"]' % app).click()
    if submenu:
        element = find(submenu if submenu.startswith(('.', '#', 'a[', 'button', 'li', '//')) else
                       'a[data-menu-xmlid="%s"]' % submenu)
        element.click()
        if app.startswith('record:'):   # a tab of the form: bring its page into view
            driver.execute_script('arguments[0].scrollIntoView(true);', element)
    find(ready)
    if click:
        find(click).click()
        find(then)
    time.sleep(1)   # let the last rendering (fonts, chatter) settle before the picture
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, '%s.png' % name)
    driver.save_screenshot(path)
    print(os.path.relpath(path, ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', default='http://localhost:8069')
    parser.add_argument('names', nargs='*', help='shots to take (default: all)')
    args = parser.parse_args()
    unknown = set(args.names) - set(SHOTS)
    if unknown:
        parser.error('unknown shot(s): %s; known: %s' % (', '.join(sorted(unknown)), ', '.join(SHOTS)))
    driver = browser()
    try:
        for name in args.names or SHOTS:
            shoot(driver, args.url, name, *SHOTS[name])
    finally:
        driver.quit()


if __name__ == '__main__':
    sys.exit(main())
