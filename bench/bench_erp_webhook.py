"""Outbound webhooks: throughput of the real sender, and nothing lost while
the receiver is down.

Data (made here, deleted afterwards): 6,000 service tickets inserted by SQL
for the demo customers, one webhook endpoint subscribed to `ticket_closed`,
and their events emitted through `crm.erp.event._emit()` (which fills the
outbox in the same transaction, 1,000 events per call). Other endpoints are
paused during the run and restored afterwards.

Receiver: a separate process on loopback (http.server, threaded), answering
200 and keeping every X-CRM-Delivery key it receives.

1. 5,000 events, receiver up: `crm.erp.webhook.delivery._cron_send()` (the
   scheduled sender: claim with SKIP LOCKED, concurrent posts, commit per
   batch) until drained. Target: at least 200 deliveries per second.
2. Receiver down for 60 s: 1,000 more events are emitted and the sender runs
   every 5 s (refused, backed off); the receiver comes back and the sender
   runs until the outbox is drained. Every event must have been received
   exactly once by key: the receiver reports received, unique and duplicate keys.
"""
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from common import DB, ROOT, free_port, report

FIRST, DURING_OUTAGE, OUTAGE_S, CHUNK = 5000, 1000, 60, 1000
TAG = 'bench-webhook'
SCRIPT = os.path.abspath(__file__)   # before odoo_env() changes directory


# ---------------------------------------------------------------- receiver
class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True     # answer at once (headers and body are written apart)

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        with self.server.lock:
            self.server.keys.append(self.headers.get('X-CRM-Delivery'))
        self._answer(b'ok')

    def do_GET(self):  # noqa: N802
        with self.server.lock:
            self._answer(json.dumps(self.server.keys).encode())

    def _answer(self, body):
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(port):
    httpd = ThreadingHTTPServer(('127.0.0.1', port), _Handler)
    httpd.daemon_threads = True
    httpd.keys, httpd.lock = [], threading.Lock()
    httpd.serve_forever()


class ReceiverProcess(object):
    def __init__(self):
        self.port, self.proc, self.keys = free_port(), None, []

    @property
    def url(self):
        return 'http://127.0.0.1:%d/hooks/crm' % self.port

    def start(self):
        self.proc = subprocess.Popen([sys.executable, SCRIPT, '--receiver', str(self.port)])
        for _i in range(100):
            try:
                requests.get(self.url, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError('the receiver did not start')

    def stop(self):
        """Collect what this process received, then stop it."""
        if self.proc:
            self.keys += requests.get(self.url, timeout=30).json()
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


# ---------------------------------------------------------------- odoo side
def odoo_env():
    sys.path.insert(0, ROOT)
    import odoo
    os.chdir(ROOT)
    odoo.tools.config.parse_config(['-c', os.path.join(ROOT, 'odoo.conf'), '-d', DB, '--log-level=warn'])
    return odoo


def make_tickets(env, count):
    partners = env['res.partner'].search([('customer', '=', True), ('is_company', '=', True)], limit=20)
    team = env['crm.service.team'].search([], limit=1)
    stage = env['crm.service.stage'].search([], limit=1)
    env.cr.execute("""
        INSERT INTO crm_service_ticket (number, name, team_id, stage_id, is_closed, priority, channel,
                                        partner_id, commercial_partner_id, company_id, active,
                                        create_date, write_date, create_uid, write_uid)
        SELECT 'BWH' || lpad(g::text, 6, '0'), %(tag)s || ' ticket ' || g, %(team)s, %(stage)s, false,
               '1', 'phone', (%(partners)s)[1 + g %% %(n)s], (%(partners)s)[1 + g %% %(n)s],
               %(company)s, true, now(), now(), 1, 1
          FROM generate_series(1, %(count)s) g
     RETURNING id""", {'tag': TAG, 'team': team.id, 'stage': stage.id, 'partners': partners.ids,
                       'n': len(partners), 'company': env.user.company_id.id, 'count': count})
    return env['crm.service.ticket'].browse([row[0] for row in env.cr.fetchall()])


def emit(env, tickets):
    started = time.perf_counter()
    for i in range(0, len(tickets), CHUNK):
        env['crm.erp.event']._emit('ticket_closed', tickets[i:i + CHUNK])
        env.cr.commit()
    return time.perf_counter() - started


def counts(env, endpoint_id):
    env.cr.execute('SELECT state, count(*) FROM crm_erp_webhook_delivery '
                   'WHERE endpoint_id = %s GROUP BY state', (endpoint_id,))
    return dict(env.cr.fetchall())


def main():
    odoo = odoo_env()
    receiver = ReceiverProcess()
    receiver.start()
    made = {'tickets': [], 'endpoint': None, 'paused': []}
    with odoo.api.Environment.manage():
        registry = odoo.registry(DB)
        cr = registry.cursor()
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {'tracking_disable': True})
        Delivery = env['crm.erp.webhook.delivery']
        try:
            others = env['crm.erp.webhook.endpoint'].search([('paused', '=', False)])
            made['paused'] = others.ids
            others.write({'paused': True})
            endpoint = env['crm.erp.webhook.endpoint'].create({
                'name': '%s receiver' % TAG, 'url': receiver.url, 'user_id': odoo.SUPERUSER_ID,
                'event_type_ids': [(6, 0, env.ref('crm_erp_bridge.crm_erp_event_type_ticket_closed').ids)],
                'timeout': 5.0, 'max_attempts': 50, 'backoff_base': 1, 'backoff_cap': 5})
            made['endpoint'] = endpoint.id
            tickets = make_tickets(env, FIRST + DURING_OUTAGE)
            made['tickets'] = tickets.ids
            cr.commit()

            # 1. throughput
            emit_s = emit(env, tickets[:FIRST])
            assert counts(env, endpoint.id) == {'pending': FIRST}, counts(env, endpoint.id)
            started = time.perf_counter()
            sent = 0
            while counts(env, endpoint.id).get('pending'):
                sent += Delivery._cron_send(batch=500, budget=600)
            elapsed = time.perf_counter() - started
            state = counts(env, endpoint.id)
            assert state == {'delivered': FIRST}, state
            rate = FIRST / elapsed
            report('Webhook sender: deliveries per second to a loopback receiver (one endpoint, '
                   '`_cron_send`, batches of 500)',
                   '%d events (ticket_closed), payloads built at emit: %.0f events/s' % (
                       FIRST, FIRST / emit_s),
                   '%.0f deliveries/s (%d in %.1f s)' % (rate, FIRST, elapsed), '>= 200/s')

            # 2. receiver down for a minute
            receiver.stop()
            down_at = time.monotonic()
            emit(env, tickets[FIRST:])
            runs = 0
            while time.monotonic() - down_at < OUTAGE_S:
                Delivery._cron_send(batch=500, budget=5)
                runs += 1
                time.sleep(5)
            during = counts(env, endpoint.id)
            receiver.start()
            up_at = time.perf_counter()
            while set(counts(env, endpoint.id)) != {'delivered'}:
                Delivery._cron_send(batch=500, budget=60)
                if set(counts(env, endpoint.id)) != {'delivered'}:
                    time.sleep(1)       # the back-off of the rows tried during the outage
            drain_s = time.perf_counter() - up_at
            receiver.stop()
            cr.execute('SELECT idempotency_key FROM crm_erp_webhook_delivery WHERE endpoint_id = %s',
                       (endpoint.id,))
            expected = {row[0] for row in cr.fetchall()}
            received = receiver.keys
            unique = set(received)
            cr.execute('SELECT count(*), max(attempt_count) FROM crm_erp_webhook_delivery '
                       'WHERE endpoint_id = %s AND attempt_count > 1', (endpoint.id,))
            retried, max_attempts = cr.fetchone()
            assert unique == expected, 'missing %d, unexpected %d' % (len(expected - unique),
                                                                      len(unique - expected))
            report('Webhooks: receiver down %d s while %d more events are emitted, then up' % (
                OUTAGE_S, DURING_OUTAGE),
                '%d events in all; sender every 5 s during the outage (%d runs; outbox then: %s)' % (
                    len(expected), runs, ', '.join('%s %d' % kv for kv in sorted(during.items()))),
                'drained %.1f s after the receiver came back; received %d, unique keys %d (= events), '
                'duplicates %d; %d deliveries needed more than one attempt (max %s)' % (
                    drain_s, len(received), len(unique), len(received) - len(unique), retried,
                    max_attempts),
                'every event exactly once by key')
        finally:
            cr.rollback()
            if made['endpoint']:
                cr.execute('DELETE FROM crm_erp_webhook_endpoint WHERE id = %s', (made['endpoint'],))
            if made['tickets']:
                cr.execute("DELETE FROM crm_erp_event WHERE model = 'crm.service.ticket' AND res_id IN %s",
                           (tuple(made['tickets']),))
                cr.execute('DELETE FROM crm_service_ticket WHERE id IN %s', (tuple(made['tickets']),))
            if made['paused']:
                cr.execute('UPDATE crm_erp_webhook_endpoint SET paused = false WHERE id IN %s',
                           (tuple(made['paused']),))
            cr.commit()
            cr.close()
            if receiver.proc:
                receiver.proc.terminate()


if __name__ == '__main__':
    if sys.argv[1:2] == ['--receiver']:
        serve(int(sys.argv[2]))
    else:
        main()
