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

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that timed out on purpose closed its end: not worth a traceback

        self.httpd = Server(("127.0.0.1", 0), Handler)
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


def make_target(organisation, kind, name, *, config=None, secrets=None, **fields):
    # imported here: the benchmark loads this module without Django
    from gongkai.channels.models import ChannelTarget

    return ChannelTarget.objects.create(
        organisation=organisation,
        kind=kind,
        name=name,
        config=config or {},
        secrets=json.dumps(secrets or {}),
        **fields,
    )


class FakeWeChat(FakeServer):
    """The official-account API (stable_token, material/add_material, draft/add, freepublish/submit|get|batchget,
    message/mass/sendall) with its errcode answers: 40001/42001 for a stale token, 41001 without one, 40007 for an
    unknown media id, 45009 … forced through `script`. A publishing task answers publish_status 1 on its first
    poll, then 0 with an article_url."""

    def __init__(self, appid="wx-appid", secret="wx-secret"):
        super().__init__()
        self.appid, self.secret = appid, secret
        self.token = "TOKEN-1"
        self.stale: set[str] = set()
        self.thumbs: set[str] = set()
        self.drafts: dict[str, dict] = {}
        self.publishes: dict[str, dict] = {}
        self.mass: dict[str, str] = {}
        self.token_calls = 0

    def expire_token(self):
        with self.lock:
            self.stale.add(self.token)
            self.token = f"TOKEN-{len(self.stale) + 1}"

    def calls(self, path: str) -> int:
        return sum(1 for r in self.requests if r["path"] == path)

    def answer(self, request):
        path, body = request["path"], request["json"] or {}
        if path == "/cgi-bin/stable_token":
            self.token_calls += 1
            if body.get("appid") != self.appid or body.get("secret") != self.secret:
                return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}, {}
            return 200, {"access_token": self.token, "expires_in": 7200}, {}
        token = request["query"].get("access_token")
        if not token:
            return 200, {"errcode": 41001, "errmsg": "access_token missing"}, {}
        if token in self.stale:
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}, {}
        if token != self.token:
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}, {}
        with self.lock:
            return self._api(path, body, request)

    def _api(self, path, body, request):
        if path == "/cgi-bin/material/add_material":
            if request["query"].get("type") != "image" or b'name="media"' not in request["raw"]:
                return 200, {"errcode": 40004, "errmsg": "invalid media type"}, {}
            media_id = f"THUMB-{len(self.thumbs) + 1}"
            self.thumbs.add(media_id)
            return 200, {"media_id": media_id, "url": "http://mmbiz.qpic.cn/x"}, {}
        if path == "/cgi-bin/draft/add":
            [article] = body["articles"]
            if article.get("thumb_media_id") not in self.thumbs:
                return 200, {"errcode": 40007, "errmsg": "invalid media_id"}, {}
            if len(article["title"]) > 32 or len(article["content"]) >= 20000:
                return 200, {"errcode": 45003, "errmsg": "title or content size out of limit"}, {}
            media_id = f"DRAFT-{len(self.drafts) + 1}"
            self.drafts[media_id] = article
            return 200, {"media_id": media_id}, {}
        if path == "/cgi-bin/freepublish/submit":
            if body.get("media_id") not in self.drafts:
                return 200, {"errcode": 40007, "errmsg": "invalid media_id"}, {}
            publish_id = str(100000000 + len(self.publishes) + 1)
            self.publishes[publish_id] = {"media_id": body["media_id"], "polls": 0}
            return 200, {"errcode": 0, "errmsg": "ok", "publish_id": publish_id}, {}
        if path == "/cgi-bin/freepublish/get":
            task = self.publishes.get(str(body.get("publish_id")))
            if task is None:
                return 200, {"errcode": 40007, "errmsg": "invalid publish_id"}, {}
            task["polls"] += 1
            if task["polls"] == 1:
                return 200, {"publish_id": body["publish_id"], "publish_status": 1, "fail_idx": []}, {}
            url = f"https://mp.weixin.qq.com/s/{body['publish_id']}"
            return (
                200,
                {
                    "publish_id": body["publish_id"],
                    "publish_status": 0,
                    "article_id": f"ART-{body['publish_id']}",
                    "article_detail": {"count": 1, "item": [{"idx": 1, "article_url": url}]},
                    "fail_idx": [],
                },
                {},
            )
        if path == "/cgi-bin/freepublish/batchget":
            items = [
                {
                    "article_id": f"ART-{pid}",
                    "content": {
                        "news_item": [
                            {**self.drafts[t["media_id"]], "url": f"https://mp.weixin.qq.com/s/{pid}"}
                        ]
                    },
                }
                for pid, t in self.publishes.items()
            ]
            return 200, {"total_count": len(items), "item_count": len(items), "item": items}, {}
        if path == "/cgi-bin/message/mass/sendall":
            key = body.get("clientmsgid", "")
            if key not in self.mass:
                self.mass[key] = str(3147483650 + len(self.mass))
            return 200, {"errcode": 0, "errmsg": "send job submission success", "msg_id": self.mass[key]}, {}
        return 404, {"errcode": 404, "errmsg": "not found"}, {}


class FakeRobots(FakeServer):
    """企业微信 (/cgi-bin/webhook/send?key=) and 钉钉 (/robot/send?access_token=&timestamp=&sign=) group robots. The
    DingTalk signature is checked here independently of the adapter's signer; 20 messages a minute per robot, the
    21st answered with the throttling errcode."""

    def __init__(self, wecom_key="wecom-key", ding_token="ding-token", ding_secret="SEC-ding-secret"):
        super().__init__()
        self.wecom_key, self.ding_token, self.ding_secret = wecom_key, ding_token, ding_secret
        self.messages: list[dict] = []

    def _too_fast(self, robot: str) -> bool:
        now = time.time()
        recent = [m for m in self.messages if m["robot"] == robot and now - m["at"] < 60]
        return len(recent) >= 20

    def answer(self, request):
        import base64
        import hashlib
        import hmac
        from urllib.parse import unquote_plus

        body = request["json"] or {}
        if request["path"] == "/cgi-bin/webhook/send":
            if request["query"].get("key") != self.wecom_key:
                return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, {}
            if self._too_fast("wecom"):
                return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, {}
            if body.get("msgtype") != "markdown" or len(body["markdown"]["content"].encode()) > 4096:
                return 200, {"errcode": 40058, "errmsg": "markdown.content exceed max length"}, {}
            with self.lock:
                self.messages.append({"robot": "wecom", "at": time.time(), "body": body})
            return 200, {"errcode": 0, "errmsg": "ok"}, {}
        if request["path"] == "/robot/send":
            q = request["query"]
            if q.get("access_token") != self.ding_token:
                return 200, {"errcode": 300001, "errmsg": "token is not exist"}, {}
            timestamp = q.get("timestamp", "0")
            expected = base64.b64encode(
                hmac.new(
                    self.ding_secret.encode(), f"{timestamp}\n{self.ding_secret}".encode(), hashlib.sha256
                ).digest()
            ).decode()
            # parse_qs already decoded the query once; DingTalk's sign arrives URL-encoded exactly once
            if q.get("sign") != expected and unquote_plus(q.get("sign", "")) != expected:
                return 200, {"errcode": 310000, "errmsg": "sign not match"}, {}
            if abs(time.time() * 1000 - int(timestamp)) > 3600_000:
                return 200, {"errcode": 310000, "errmsg": "timestamp expired"}, {}
            if self._too_fast("ding"):
                return 200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}, {}
            with self.lock:
                self.messages.append({"robot": "ding", "at": time.time(), "body": body})
            return 200, {"errcode": 0, "errmsg": "ok"}, {}
        return 404, {"errcode": 404, "errmsg": "not found"}, {}


class FakeAliyunSms(FakeServer):
    """Aliyun's SMS API (RPC style, V3 signature): SendSms and QuerySendDetails. Every request's signature is
    recomputed from the request as received (query and headers) and refused with SignatureDoesNotMatch when it
    differs; receipts start at SendStatus 1 and turn 3 once `deliver()` is called."""

    def __init__(self, key_id="LTAI-test", secret="aliyun-secret"):
        super().__init__()
        self.key_id, self.secret = key_id, secret
        self.sent: list[dict] = []  # one per SendSms accepted
        self.delivered = False

    def deliver(self):
        self.delivered = True

    def _signature_ok(self, request) -> bool:
        from gongkai.channels.adapters.signing import acs3_headers

        h = request["headers"]
        auth = h.get("authorization", "")
        if f"Credential={self.key_id}," not in auth:
            return False
        expected = acs3_headers(
            access_key_id=self.key_id,
            access_key_secret=self.secret,
            method=request["method"],
            host=h.get("host", ""),
            action=h.get("x-acs-action", ""),
            version=h.get("x-acs-version", ""),
            date=h.get("x-acs-date", ""),
            nonce=h.get("x-acs-signature-nonce", ""),
            query=request["query"],
            body=request["raw"],
        )
        return (
            expected["Authorization"] == auth
            and h.get("x-acs-content-sha256") == expected["x-acs-content-sha256"]
        )

    def answer(self, request):
        if not self._signature_ok(request):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"}, {}
        action, q = request["headers"].get("x-acs-action"), request["query"]
        if action == "SendSms":
            if q.get("TemplateCode") != "SMS_154950909":
                return 200, {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法"}, {}
            with self.lock:
                biz_id = f"{900619746936498440 + len(self.sent)}^0"
                self.sent.append({**q, "BizId": biz_id})
            return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": uuid.uuid4().hex}, {}
        if action == "QuerySendDetails":
            with self.lock:
                rows = [
                    {
                        "PhoneNum": q["PhoneNumber"],
                        "OutId": s["OutId"],
                        "SendStatus": 3 if self.delivered else 1,
                    }
                    for s in self.sent
                    if q["PhoneNumber"] in s["PhoneNumbers"].split(",")
                    and (not q.get("BizId") or q["BizId"] == s["BizId"])
                ]
            return (
                200,
                {"Code": "OK", "TotalCount": len(rows), "SmsSendDetailDTOs": {"SmsSendDetailDTO": rows}},
                {},
            )
        return 400, {"Code": "InvalidAction.NotFound", "Message": action}, {}


class FakeTencentSms(FakeServer):
    """Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256): SendSms and PullSmsSendStatusByPhoneNumber. The signature is
    recomputed from the request as received and refused with AuthFailure.SignatureFailure when it differs;
    receipts appear once `deliver()` is called."""

    def __init__(self, secret_id="AKID-test", secret_key="tencent-key", sdk_app_id="1400000001"):
        super().__init__()
        self.secret_id, self.secret_key, self.sdk_app_id = secret_id, secret_key, sdk_app_id
        self.sent: list[dict] = []
        self.delivered = False

    def deliver(self):
        self.delivered = True

    def answer(self, request):
        from gongkai.channels.adapters.signing import tc3_authorization

        h = request["headers"]
        expected = tc3_authorization(
            secret_id=self.secret_id,
            secret_key=self.secret_key,
            service="sms",
            host=h.get("host", ""),
            timestamp=int(h.get("x-tc-timestamp", "0")),
            payload=request["raw"],
            content_type=h.get("content-type", ""),
        )
        request_id = uuid.uuid4().hex
        if h.get("authorization") != expected:
            error = {
                "Code": "AuthFailure.SignatureFailure",
                "Message": "The provided credentials could not be validated.",
            }
            return 200, {"Response": {"Error": error, "RequestId": request_id}}, {}
        body = request["json"] or {}
        action = h.get("x-tc-action")
        if action == "SendSms":
            if body.get("SmsSdkAppId") != self.sdk_app_id:
                error = {
                    "Code": "FailedOperation.SmsSdkAppIdVerifyFail",
                    "Message": "SmsSdkAppId verify fail",
                }
                return 200, {"Response": {"Error": error, "RequestId": request_id}}, {}
            statuses = []
            with self.lock:
                for number in body["PhoneNumberSet"]:
                    serial = f"2640:{len(self.sent) + 1}"
                    self.sent.append({**body, "PhoneNumber": number, "SerialNo": serial})
                    statuses.append(
                        {
                            "SerialNo": serial,
                            "PhoneNumber": number,
                            "Fee": 1,
                            "SessionContext": body.get("SessionContext", ""),
                            "Code": "Ok",
                            "Message": "send success",
                            "IsoCode": "CN",
                        }
                    )
            return 200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}}, {}
        if action == "PullSmsSendStatusByPhoneNumber":
            with self.lock:
                rows = [
                    {
                        "PhoneNumber": s["PhoneNumber"],
                        "SerialNo": s["SerialNo"],
                        "ReportStatus": "SUCCESS",
                        "Description": "DELIVRD",
                        "SessionContext": s.get("SessionContext", ""),
                    }
                    for s in self.sent
                    if self.delivered and s["PhoneNumber"] == body.get("PhoneNumber")
                ]
            return 200, {"Response": {"PullSmsSendStatusSet": rows, "RequestId": request_id}}, {}
        return (
            200,
            {"Response": {"Error": {"Code": "InvalidAction", "Message": action}, "RequestId": request_id}},
            {},
        )
