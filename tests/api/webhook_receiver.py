"""A webhook receiver on 127.0.0.1 (free port) that does what the docs ask of a real one: it verifies the
Gongkai-Signature (HMAC-SHA256 over "<t>.<raw body>", computed here independently of the sender's code), refuses a
stale timestamp, drops a repeated Idempotency-Key, and answers what the test scripts (errors included)."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, secret: str = ""):
        self.secret = secret
        self.requests: list[dict] = []  # every request, as received
        self.accepted: list[dict] = []  # bodies acted on: verified, first time their key was seen
        self.script: list[int] = []  # statuses to answer first, in order
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver._answer(raw, headers)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/gongkai"

    def signature_ok(self, raw: bytes, header: str) -> bool:
        try:
            parts = dict(p.split("=", 1) for p in header.split(","))
            timestamp = int(parts["t"])
        except (ValueError, KeyError):
            return False
        if abs(time.time() - timestamp) > 300:
            return False
        expected = hmac.new(self.secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))

    def _answer(self, raw: bytes, headers: dict) -> int:
        with self.lock:
            request = {
                "body": raw,
                "headers": headers,
                "verified": self.signature_ok(raw, headers.get("gongkai-signature", "")),
            }
            self.requests.append(request)
            if not request["verified"]:
                return 401
            if self.script:
                return self.script.pop(0)
            body = json.loads(raw)
            if any(a["id"] == body["id"] for a in self.accepted):
                return 200  # seen: acknowledged, not acted on twice
            self.accepted.append(body)
            return 200

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
