"""Baseline: the web client's login page and back-office home under load.

10 concurrent clients, 20 requests each, Odoo with 2 workers, on loopback.
Later benchmarks (portal pages, the API) compare with these numbers.
"""
from common import login, load, odoo_server, report, summary

CLIENTS, REQUESTS = 10, 20


def main():
    with odoo_server(workers=2) as url:
        import requests
        res = summary(load(requests.Session, lambda i: '/web/login', CLIENTS, REQUESTS, url))
        report('`/web/login` (public)', '%d clients x %d' % (CLIENTS, REQUESTS),
               'p50 %s ms, p95 %s ms' % (res['p50_ms'], res['p95_ms']))
        res = summary(load(lambda: login(url, 'admin', 'admin'), lambda i: '/web',
                           CLIENTS, REQUESTS, url))
        report('`/web` back office, as admin', '%d clients x %d' % (CLIENTS, REQUESTS),
               'p50 %s ms, p95 %s ms' % (res['p50_ms'], res['p95_ms']))


if __name__ == '__main__':
    main()
