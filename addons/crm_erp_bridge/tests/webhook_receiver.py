"""A real HTTP receiver for the webhook tests: an http.server on 127.0.0.1
in a thread, recording what it receives. It answers with `status`, or,
when `hold` is set, keeps the request open until released (longer than the
sender's timeout). It can be stopped and started again on the same port."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True     # answer at once (headers and body are written apart)

    def do_POST(self):  # noqa: N802 (http.server's name)
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        with receiver.lock:
            receiver.requests.append({'path': self.path, 'headers': dict(self.headers), 'body': body,
                                      'at': time.monotonic()})
            hold, status = receiver.hold, receiver.status
            if hold:
                receiver.holding += 1
        if hold:
            receiver.release.wait(hold)
            with receiver.lock:
                receiver.holding -= 1
        answer = b'ok' if 200 <= status < 300 else b'boom'
        try:
            self.send_response(status)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:     # the sender gave up (timeout) and closed the connection
            receiver.abandoned += 1

    def log_message(self, *args):
        pass


class Receiver(object):

    def __init__(self, status=200, hold=0):
        self.status, self.hold = status, hold
        self.requests, self.lock = [], threading.Lock()
        self.release = threading.Event()
        self.holding = self.abandoned = 0
        self.port, self.httpd, self.thread = 0, None, None

    @property
    def url(self):
        return 'http://127.0.0.1:%d/hooks/crm' % self.port

    def start(self):
        self.httpd = ThreadingHTTPServer(('127.0.0.1', self.port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.receiver = self
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()
            self.httpd = None
        self.release = threading.Event()

    def keys(self):
        return [r['headers'].get('X-CRM-Delivery') for r in self.requests]

    def payloads(self):
        return [json.loads(r['body'].decode()) for r in self.requests]
