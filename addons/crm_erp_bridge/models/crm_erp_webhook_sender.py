"""The HTTP side of the webhook sender, free of the ORM: signing, and posting
a batch of claimed deliveries concurrently so that one slow or dead endpoint
blocks nobody.

The worker threads only talk HTTP; they never touch the database cursor.
The caller (`crm.erp.webhook.delivery._send_claimed`) writes the results.
"""
import hashlib
import hmac
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

MAX_WORKERS = 32          # concurrent requests in one run, all endpoints together
PER_ENDPOINT = 8          # concurrent requests to one endpoint
USER_AGENT = 'CRM-Suite-Webhooks/1.0'


def signature(secret, timestamp, body):
    """`sha256=` + hex HMAC-SHA256 of `timestamp.body` with the endpoint's secret."""
    message = ('%s.' % timestamp).encode() + body
    return 'sha256=' + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def backoff(base, cap, attempts):
    """Seconds to wait after `attempts` failed attempts: base, 2 base, 4 base... at most cap."""
    return min(cap, base * 2 ** max(0, attempts - 1))


class Job(object):
    """One delivery to post, as claimed from the outbox."""
    __slots__ = ('delivery_id', 'endpoint_id', 'url', 'secret', 'timeout', 'event', 'key', 'body',
                 'status', 'error', 'duration_ms', 'ok', 'sent')

    def __init__(self, delivery_id, endpoint_id, url, secret, timeout, event, key, body):
        self.delivery_id, self.endpoint_id, self.url = delivery_id, endpoint_id, url
        self.secret, self.timeout, self.event, self.key = secret, timeout, event, key
        self.body = body.encode() if isinstance(body, str) else body
        self.status, self.error, self.duration_ms, self.ok, self.sent = None, None, None, False, False

    def headers(self):
        timestamp = str(int(time.time()))
        return {
            'Content-Type': 'application/json',
            'User-Agent': USER_AGENT,
            'X-CRM-Event': self.event,
            'X-CRM-Delivery': self.key,
            'X-CRM-Timestamp': timestamp,
            'X-CRM-Signature': signature(self.secret, timestamp, self.body),
        }


def post_all(jobs, deadline=None):
    """Post `jobs` concurrently; fill each job's outcome in place.

    Each endpoint gets at most PER_ENDPOINT lanes (threads posting its jobs
    one after the other on a kept-alive connection). When a call to an
    endpoint times out or cannot connect, the endpoint is given up for this
    run: its remaining jobs are left unsent (`sent` False: no attempt is
    counted, they stay due for the next run). Jobs not started before
    `deadline` (a time.monotonic() value) are left unsent too.
    Returns the ids of the endpoints given up.
    """
    by_endpoint = {}
    for job in jobs:
        by_endpoint.setdefault(job.endpoint_id, []).append(job)
    per_endpoint = []
    for endpoint_jobs in by_endpoint.values():
        count = min(PER_ENDPOINT, len(endpoint_jobs))
        per_endpoint.append([endpoint_jobs[i::count] for i in range(count)])
    # first lane of every endpoint, then the second of every endpoint...: with
    # more lanes than workers, every endpoint still starts at once
    lanes = [lane for rank in range(PER_ENDPOINT) for lanes_of in per_endpoint
             for lane in lanes_of[rank:rank + 1]]
    given_up = set()
    lock = threading.Lock()

    def run_lane(lane):
        session = requests.Session()
        # No netrc credentials for receivers, and the environment's proxy
        # settings read once per lane instead of on every request (half the
        # cost of a post on loopback).
        session.trust_env = False
        session.proxies = requests.utils.get_environ_proxies(lane[0].url)
        try:
            for job in lane:
                if job.endpoint_id in given_up or (deadline and time.monotonic() > deadline):
                    continue
                _post(session, job)
                if not job.ok and job.status is None:      # timeout or unreachable
                    with lock:
                        given_up.add(job.endpoint_id)
        finally:
            session.close()

    if lanes:
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(lanes))) as pool:
            list(pool.map(run_lane, lanes))
    return given_up


def _post(session, job):
    started = time.monotonic()
    job.sent = True
    try:
        response = session.post(job.url, data=job.body, headers=job.headers(), timeout=job.timeout,
                                allow_redirects=False)
        job.status = response.status_code
        job.ok = 200 <= response.status_code < 300
        if not job.ok:
            job.error = 'HTTP %s: %s' % (response.status_code, (response.text or '')[:500])
    except requests.Timeout:
        job.error = 'No answer within %s s (timeout).' % job.timeout
    except requests.ConnectionError as exc:
        job.error = 'Could not connect: %s' % str(exc)[:500]
    except requests.RequestException as exc:
        job.error = 'Request failed: %s' % str(exc)[:500]
    job.duration_ms = int((time.monotonic() - started) * 1000)
