"""Fake servers on 127.0.0.1 that speak the channels' real protocols (errors included), for the adapter tests.

Each runs a stdlib ThreadingHTTPServer in a thread on a free port; `script` queues answers to force (a status
code and body, a delay that outlasts the client's timeout, a dropped connection), and `requests` keeps every
request received, so a test can count them."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from gongkai.channels.models import ChannelTarget


class FakeServer:
    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[
            dict
        ] = []  # forced answers, taken first-in first-out: {"status", "body", "delay", "headers"}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = {
                    "method": self.command,
                    "path": parts.path,
                    "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "raw": raw,
                }
                try:
                    request["json"] = json.loads(raw) if raw else None
                except ValueError:
                    request["json"] = None
                with server.lock:
                    server.requests.append(request)
                    forced = server.script.pop(0) if server.script else None
                if forced and forced.get("delay"):
                    time.sleep(forced["delay"])
                if forced and "status" in forced:
                    status, body, headers = (
                        forced["status"],
                        forced.get("body", {}),
                        forced.get("headers", {}),
                    )
                else:
                    status, body, headers = server.answer(request)
                data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, request) -> tuple[int, object, dict]:
        raise NotImplementedError


class FakeSmsGateway(FakeServer):
    """The generic HTTP SMS gateway (channels/adapters/gateway.py): deduplicates by Idempotency-Key, answers the
    status of a key. `sent` holds each message actually sent (key → body), `delay_send` holds a request that
    many seconds *after* recording it (so a client can time out, or a worker be killed, after the send)."""

    def __init__(self, token="gw-token"):
        super().__init__()
        self.token = token
        self.sent: dict[str, dict] = {}
        self.sent_count: dict[str, int] = {}
        self.delay_send = 0.0
        self.hold_after: int | None = None  # from the n-th /send on, hold each recorded send for a minute

    def answer(self, request):
        if request["headers"].get("authorization") != f"Bearer {self.token}":
            return 401, {"code": 401, "message": "invalid token"}, {}
        if request["path"] == "/status":
            key = request["query"].get("out_id", "")
            with self.lock:
                found = self.sent.get(key)
            return 200, ({"found": True, "msgid": found["msgid"]} if found else {"found": False}), {}
        if request["path"] != "/send":
            return 404, {"code": 404, "message": "not found"}, {}
        key = request["headers"].get("idempotency-key", "")
        body = request["json"] or {}
        if not body.get("template"):
            return 400, {"code": 40001, "message": "template required"}, {}
        with self.lock:
            if key in self.sent:
                answer = self.sent[key]
            else:
                answer = {"msgid": uuid.uuid4().hex[:12], "body": body}
                self.sent[key] = answer
                self.sent_count[key] = self.sent_count.get(key, 0) + 1
        if self.delay_send:
            time.sleep(self.delay_send)
        if self.hold_after is not None:
            with self.lock:
                nth = sum(1 for r in self.requests if r["path"] == "/send")
            if nth >= self.hold_after:
                time.sleep(60)
        return 200, {"code": 0, "msgid": answer["msgid"]}, {}


def make_target(organisation, kind, name, *, config=None, secrets=None, **fields) -> ChannelTarget:
    return ChannelTarget.objects.create(
        organisation=organisation,
        kind=kind,
        name=name,
        config=config or {},
        secrets=json.dumps(secrets or {}),
        **fields,
    )
