"""Webhooks of the API: one HTTPS endpoint of an outside system per target, receiving the events it chose.

The body is the event as JSON: {"id", "event", "occurred_at", "organisation", "data"}. Each delivery is signed
so the receiver can tell it came from here and was not replayed:

    Gongkai-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body bytes>")>

(the scheme of the widely used "timestamp + HMAC over timestamp and body" webhooks). A receiver recomputes the
HMAC over the raw body, compares in constant time, and refuses a `t` more than five minutes away from its clock.
`Idempotency-Key` (the dispatch's key, also in the body as `id`) is the same on every retry of one event: a
receiver that has seen it answers 2xx without acting again, so a retry after an unknown result is safe.

Answers: 2xx delivered; 408, 409, 425, 429 and 5xx retried (after `Retry-After` when given); any other 4xx is
permanent (the receiver refuses this event: retrying cannot help); a timeout is an unknown result, resent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from gongkai.channels.adapters import http
from gongkai.channels.adapters.base import Adapter, DeliveryError, Item, Receipt, Target, register

SIGNATURE_HEADER = "Gongkai-Signature"
TOLERANCE_SECONDS = 300
RETRIED_STATUSES = {408, 409, 425, 429}


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The value of the Gongkai-Signature header for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, *, now: float, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (and the tests' fake receiver): parse, check the age, compare in constant time."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@register("webhook")
class WebhookAdapter(Adapter):
    confirms = "on_send"
    deduplicates = True  # the receiver drops a second delivery with the same Idempotency-Key
    timeout = 10.0

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        return {
            "id": "",  # filled with the dispatch key at send time (render is pure and knows no key)
            "event": item.event,
            "occurred_at": item.data.get("occurred_at"),
            "organisation": item.organisation_code,
            "data": {k: v for k, v in item.data.items() if k != "occurred_at"},
        }

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        url = self.target.config.get("url", "")
        secret = self.target.secrets.get("secret", "")
        if not url or not secret:
            raise DeliveryError("Webhook 未设置地址或签名密钥", permanent=True)
        body = json.dumps({**payload, "id": key}, ensure_ascii=False, sort_keys=True).encode()
        response = http.request(
            "POST",
            url,
            timeout=self.timeout,
            content=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: sign(secret, body, int(time.time())),
                "Idempotency-Key": key,
                "Gongkai-Event": payload["event"],
            },
        )
        if 200 <= response.status_code < 300:
            return Receipt(external_id=key, confirmed=True, detail={"status": response.status_code})
        message = f"Webhook 接收方答复 HTTP {response.status_code}"
        if response.status_code in RETRIED_STATUSES or response.status_code >= 500:
            raise DeliveryError(message, retry_after=http.retry_after_seconds(response))
        raise DeliveryError(message, permanent=True)
