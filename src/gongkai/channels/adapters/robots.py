"""Work-group robots (the successors of the township's QQ groups): 企业微信 and 钉钉 group webhooks, markdown with
the item's link. Both allow 20 messages a minute per robot (`per_minute`: the outbox spaces the sends).

- 企业微信: ``POST {base}/cgi-bin/webhook/send?key=KEY`` ``{"msgtype": "markdown", "markdown": {"content"}}``
  (content ≤ 4096 bytes); the key is the secret. ``errcode`` 0; 45009 over the frequency limit (later);
  93000 an invalid webhook (the robot was removed: blocked until an administrator acts).
- 钉钉: ``POST {base}/robot/send?access_token=…&timestamp=…&sign=…`` with
  ``sign = urlencode(base64(HMAC-SHA256(secret, f"{timestamp_ms}\\n{secret}")))`` (signing.dingtalk_sign);
  ``{"msgtype": "markdown", "markdown": {"title", "text"}}``. ``errcode`` 0; 130101 sending too fast (later);
  310000 a signature, keyword or IP check failed (blocked).

Neither takes an idempotency key nor can be asked whether a message arrived: a timeout ends as 结果不明 for staff
(resending could post twice).
"""

from __future__ import annotations

import time
from typing import Any

from gongkai.channels.adapters.base import Adapter, DeliveryError, Item, Receipt, Target, register
from gongkai.channels.adapters.http import request
from gongkai.channels.adapters.signing import dingtalk_sign

WECOM_API = "https://qyapi.weixin.qq.com"
DINGTALK_API = "https://oapi.dingtalk.com"
MARKDOWN_BYTES = 4096


def markdown(item: Item) -> str:
    lines = [f"**{item.title}**", "", f"> {item.organisation}"]
    if item.index_no:
        lines.append(f"> 索引号：{item.index_no}")
    if item.posting_start and item.posting_end:
        lines.append(f"> 公示期：{item.posting_start:%Y-%m-%d} 至 {item.posting_end:%Y-%m-%d}")
    summary = (item.body_text or "").strip().replace("\n", " ")
    if summary:
        lines += ["", summary[:200] + ("…" if len(summary) > 200 else "")]
    lines += ["", f"[查看原文]({item.url})"]
    text = "\n".join(lines)
    while len(text.encode()) > MARKDOWN_BYTES:  # only a very long summary can get here
        summary = summary[: len(summary) // 2]
        text = "\n".join([*lines[:-3], "", summary + "…", "", f"[查看原文]({item.url})"])
    return text


DIGEST_EVENT = (
    "supervision.digest"  # the self-check's weekly digest (supervision.digest): its markdown is ready
)


def _text(item: Item) -> str:
    """The message's markdown: an item's card, or the digest's own text (cut at a line to the robots' limit)."""
    if item.event != DIGEST_EVENT:
        return markdown(item)
    lines = (item.body_text or "").splitlines()
    text = "\n".join(lines)
    while len(text.encode()) > MARKDOWN_BYTES and len(lines) > 1:
        lines = lines[:-2] + [f"……[查看全部]({item.url})"]
        text = "\n".join(lines)
    return text


def _answer(response, *, throttled: set[int], blocking: set[int], name: str) -> Receipt:
    if response.status_code >= 500:
        raise DeliveryError(f"{name}暂时不可用（HTTP {response.status_code}）")
    try:
        body = response.json()
    except ValueError:
        raise DeliveryError(f"{name}答复无法解析（HTTP {response.status_code}）") from None
    code = body.get("errcode")
    if code == 0:
        return Receipt(confirmed=True, detail={"errmsg": body.get("errmsg", "")})
    message = f"{name}：{body.get('errmsg', '')}（{code}）"
    if code in throttled:
        raise DeliveryError(message, retry_after=60)
    if code in blocking:
        raise DeliveryError(message + "，已暂停该机器人，请管理员检查后恢复", blocks_target=True)
    raise DeliveryError(message, permanent=True)


@register("wecom_robot")
class WeComRobot(Adapter):
    confirms = "on_send"
    per_minute = 20

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        return {"msgtype": "markdown", "markdown": {"content": _text(item)}}

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        base = (self.target.config.get("api_base") or WECOM_API).rstrip("/")
        response = request(
            "POST",
            f"{base}/cgi-bin/webhook/send",
            timeout=self.timeout,
            params={"key": self.target.secrets.get("key", "")},
            json=payload,
        )
        return _answer(response, throttled={45009}, blocking={93000}, name="企业微信群机器人")


@register("dingtalk_robot")
class DingTalkRobot(Adapter):
    confirms = "on_send"
    per_minute = 20

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        return {"msgtype": "markdown", "markdown": {"title": item.title[:60], "text": _text(item)}}

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        base = (self.target.config.get("api_base") or DINGTALK_API).rstrip("/")
        secret = self.target.secrets.get("secret", "")
        timestamp = int(time.time() * 1000)
        query = f"access_token={self.target.secrets.get('access_token', '')}&timestamp={timestamp}"
        if secret:
            query += f"&sign={dingtalk_sign(secret, timestamp)}"  # already URL-encoded, as DingTalk expects
        response = request("POST", f"{base}/robot/send?{query}", timeout=self.timeout, json=payload)
        return _answer(response, throttled={130101}, blocking={310000}, name="钉钉群机器人")
