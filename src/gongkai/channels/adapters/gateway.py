"""短信平台 through a generic HTTP gateway (a provincial 企信通 or an in-house relay), template SMS only.

The protocol (what the gateway must speak; docs/channels.md):

- ``POST {base_url}/send`` with ``Authorization: Bearer <token>``, ``Idempotency-Key: <dispatch key>`` and JSON
  ``{"mobiles": [...], "sign": "签名", "template": "模板编号", "params": {...}, "out_id": key}``. A second request
  with a key already accepted returns the first answer and sends nothing (the gateway deduplicates).
  Answers: 200 ``{"code": 0, "msgid": "…"}``; 429 with ``Retry-After``; 5xx (retried); 4xx with
  ``{"code": n, "message": "…"}`` (permanent: a refused template, a bad token).
- ``GET {base_url}/status?out_id=<key>``: 200 ``{"found": true, "msgid": "…", "delivered": n, "failed": n}`` or
  ``{"found": false}``: the receipt, asked for before any resend of a send whose result is unknown.
"""

from __future__ import annotations

from typing import Any

from gongkai.channels.adapters.base import Adapter, DeliveryError, Item, Receipt, Target, register
from gongkai.channels.adapters.http import request, retry_after_seconds

SMS_PARAM_LIMIT = 20  # template variables are short; most platforms cap one at 20 characters (unverified)


@register("sms_gateway")
class SmsGateway(Adapter):
    confirms = "on_send"
    deduplicates = True

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        return {
            "sign": target.config.get("sign", ""),
            "template": target.config.get("template", ""),
            "params": {
                "org": item.organisation[:SMS_PARAM_LIMIT],
                "title": item.title[:SMS_PARAM_LIMIT],
                "url": item.url,
                **({"unsub": item.unsubscribe_url} if item.unsubscribe_url else {}),
            },
        }

    def _headers(self, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.target.secrets.get('token', '')}"}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        mobiles = list(self.target.recipients or self.target.secrets.get("mobiles") or [])
        if not mobiles:
            raise DeliveryError("该短信渠道没有接收号码", permanent=True)
        base = self.target.config["base_url"].rstrip("/")
        response = request(
            "POST",
            f"{base}/send",
            timeout=self.timeout,
            headers=self._headers(key),
            json={**payload, "mobiles": mobiles, "out_id": key},
        )
        return _receipt(response, len(mobiles))

    def check(self, payload: dict[str, Any], key: str, receipt: Receipt | None) -> Receipt | None:
        base = self.target.config["base_url"].rstrip("/")
        response = request(
            "GET", f"{base}/status", timeout=self.timeout, headers=self._headers(), params={"out_id": key}
        )
        if response.status_code != 200:
            raise DeliveryError(f"短信平台查询回执失败（HTTP {response.status_code}）")
        body = response.json()
        if not body.get("found"):
            return None
        return Receipt(external_id=str(body.get("msgid", "")), confirmed=True, detail=body)


def _receipt(response, count: int) -> Receipt:
    if response.status_code == 429:
        raise DeliveryError("短信平台限流", retry_after=retry_after_seconds(response, 60.0))
    if response.status_code >= 500:
        raise DeliveryError(f"短信平台暂时不可用（HTTP {response.status_code}）")
    try:
        body = response.json()
    except ValueError:
        raise DeliveryError(f"短信平台答复无法解析（HTTP {response.status_code}）") from None
    if response.status_code != 200 or body.get("code") != 0:
        raise DeliveryError(
            f"短信平台拒绝：{body.get('message') or body.get('code')}（HTTP {response.status_code}）",
            permanent=True,
        )
    return Receipt(
        external_id=str(body.get("msgid", "")),
        confirmed=True,
        detail={"msgid": body.get("msgid"), "count": count},
    )
