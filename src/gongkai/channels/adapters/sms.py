"""短信平台 through Aliyun's `SendSms` (API 2017-05-25, V3 signature ACS3-HMAC-SHA256), template SMS only.

- ``SendSms`` with ``PhoneNumbers`` (comma-separated, ≤ 1,000), ``SignName`` (the approved signature),
  ``TemplateCode``, ``TemplateParam`` (JSON) and ``OutId`` = the dispatch key, echoed in every receipt. Aliyun
  does not deduplicate: a retried request sends again, so the outbox never resends a send whose result is
  unknown before ``QuerySendDetails`` has said it is not there.
- Answers: ``Code`` "OK" with ``BizId``; ``isv.BUSINESS_LIMIT_CONTROL`` / ``Throttling.*`` (throttled: later);
  ``isv.AMOUNT_NOT_ENOUGH`` (the account is empty: the channel is blocked until an administrator acts); other
  ``isv.*`` (a refused signature, template, number or parameter: permanent).
- Receipts: ``QuerySendDetails`` (``PhoneNumber``, ``SendDate`` yyyyMMdd, ``BizId`` when known) lists each
  message's ``SendStatus`` (1 waiting, 2 failed, 3 delivered) and its ``OutId``. A send is 已送达 when every
  number has a final status and at least one was delivered.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from gongkai.channels.adapters.base import Adapter, DeliveryError, Item, Receipt, Target, register
from gongkai.channels.adapters.http import request
from gongkai.channels.adapters.signing import acs3_headers, tc3_authorization

HOST = "dysmsapi.aliyuncs.com"
VERSION = "2017-05-25"
PARAM_LIMIT = 20  # a template variable holds at most 20 characters for notification templates (unverified)
THROTTLED = ("isv.BUSINESS_LIMIT_CONTROL", "Throttling")
BLOCKING = {"isv.AMOUNT_NOT_ENOUGH": "短信账户余额不足，已暂停该短信渠道，请管理员充值后恢复"}
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def template_params(item: Item) -> dict[str, str]:
    """The template's variables: ${org} 发布了 ${title}，详见 ${url}，退订 ${unsub} (the approved template names
    them; ${unsub}, the portal's unsubscribe page, when the item has one)."""
    params = {"org": item.organisation[:PARAM_LIMIT], "title": item.title[:PARAM_LIMIT], "url": item.url}
    if item.unsubscribe_url:
        params["unsub"] = item.unsubscribe_url
    return params


@register("sms_aliyun")
class AliyunSms(Adapter):
    confirms = "on_receipt"

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        return {
            "SignName": target.config.get("sign", ""),
            "TemplateCode": target.config.get("template", ""),
            "TemplateParam": json.dumps(template_params(item), ensure_ascii=False, sort_keys=True),
        }

    def _call(self, action: str, query: dict[str, str]) -> dict:
        base = (self.target.config.get("endpoint") or f"https://{HOST}").rstrip("/")
        host = base.split("://", 1)[1]
        headers = acs3_headers(
            access_key_id=self.target.secrets.get("access_key_id", ""),
            access_key_secret=self.target.secrets.get("access_key_secret", ""),
            method="POST",
            host=host,
            action=action,
            version=VERSION,
            date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            nonce=uuid.uuid4().hex,
            query=query,
        )
        headers.pop("host")
        response = request("POST", f"{base}/", timeout=self.timeout, params=query, headers=headers)
        if response.status_code >= 500:
            raise DeliveryError(f"阿里云短信接口暂时不可用（HTTP {response.status_code}）")
        try:
            body = response.json()
        except ValueError:
            raise DeliveryError(f"阿里云短信答复无法解析（HTTP {response.status_code}）") from None
        code = str(body.get("Code", ""))
        if code == "OK":
            return body
        message = f"阿里云短信：{body.get('Message', '')}（{code}）"
        if code in BLOCKING:
            raise DeliveryError(BLOCKING[code], blocks_target=True)
        if code.startswith(THROTTLED):
            raise DeliveryError(message, retry_after=60)
        if response.status_code in (401, 403) or code.startswith(
            ("isv.", "SignatureDoesNotMatch", "InvalidAccessKey")
        ):
            raise DeliveryError(message, permanent=True)
        raise DeliveryError(message)

    def _numbers(self) -> list[str]:
        numbers = list(self.target.recipients or self.target.secrets.get("mobiles") or [])
        if not numbers:
            raise DeliveryError("该短信渠道没有接收号码", permanent=True)
        return numbers[:1000]

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        numbers = self._numbers()
        body = self._call("SendSms", {**payload, "PhoneNumbers": ",".join(numbers), "OutId": key})
        return Receipt(
            external_id=body.get("BizId", ""), detail={"BizId": body.get("BizId", ""), "count": len(numbers)}
        )

    def check(self, payload: dict[str, Any], key: str, receipt: Receipt | None) -> Receipt | None:
        biz_id = (receipt.detail if receipt else {}).get("BizId", "")
        today = datetime.datetime.now(SHANGHAI).strftime("%Y%m%d")
        statuses = []
        for number in self._numbers():
            query = {"PhoneNumber": number, "SendDate": today, "PageSize": "50", "CurrentPage": "1"}
            if biz_id:
                query["BizId"] = biz_id
            body = self._call("QuerySendDetails", query)
            details = ((body.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO")) or []
            statuses += [d.get("SendStatus") for d in details if d.get("OutId") == key]
        if not statuses:
            return None  # nothing was sent under this key
        detail = {
            "BizId": biz_id,
            "delivered": statuses.count(3),
            "failed": statuses.count(2),
            "waiting": statuses.count(1),
        }
        if detail["waiting"]:
            return Receipt(external_id=biz_id, detail=detail)
        if not detail["delivered"]:
            raise DeliveryError(f"短信全部发送失败（{detail['failed']} 个号码）", permanent=True)
        return Receipt(external_id=biz_id, confirmed=True, detail=detail)


TENCENT_HOST = "sms.tencentcloudapi.com"
TENCENT_VERSION = "2021-01-11"
TENCENT_THROTTLED = ("LimitExceeded", "RequestLimitExceeded")
TENCENT_BLOCKING = {
    "FailedOperation.InsufficientBalanceInSmsPackage": "短信套餐包余量不足，已暂停该短信渠道，请管理员充值后恢复"
}


@register("sms_tencent")
class TencentSms(Adapter):
    """Tencent Cloud `SendSms` (2021-01-11, TC3-HMAC-SHA256): ``PhoneNumberSet`` (E.164, ≤ 200),
    ``SmsSdkAppId``, ``SignName``, ``TemplateId``, ``TemplateParamSet`` (in the template's order) and
    ``SessionContext`` = the dispatch key, echoed in receipts. Receipts by number with
    ``PullSmsSendStatusByPhoneNumber`` (``ReportStatus`` SUCCESS / FAIL, matched on ``SessionContext``)."""

    confirms = "on_receipt"
    PARAMS = ("org", "title", "url")

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        values = template_params(item)
        return {
            "SmsSdkAppId": target.config.get("sdk_app_id", ""),
            "SignName": target.config.get("sign", ""),
            "TemplateId": target.config.get("template", ""),
            "TemplateParamSet": [values[name] for name in TencentSms.PARAMS]
            # a fourth parameter {4} only when the approved template has it (config `unsubscribe_param`)
            + ([values["unsub"]] if target.config.get("unsubscribe_param") and "unsub" in values else []),
        }

    def _call(self, action: str, body: dict) -> dict:
        import time as _time

        base = (self.target.config.get("endpoint") or f"https://{TENCENT_HOST}").rstrip("/")
        host = base.split("://", 1)[1]
        payload = json.dumps(body, ensure_ascii=False).encode()
        timestamp = int(_time.time())
        content_type = "application/json; charset=utf-8"
        headers = {
            "Authorization": tc3_authorization(
                secret_id=self.target.secrets.get("secret_id", ""),
                secret_key=self.target.secrets.get("secret_key", ""),
                service="sms",
                host=host,
                timestamp=timestamp,
                payload=payload,
                content_type=content_type,
            ),
            "Content-Type": content_type,
            "X-TC-Action": action,
            "X-TC-Version": TENCENT_VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.target.config.get("region", "ap-guangzhou"),
        }
        response = request("POST", f"{base}/", timeout=self.timeout, headers=headers, content=payload)
        if response.status_code >= 500:
            raise DeliveryError(f"腾讯云短信接口暂时不可用（HTTP {response.status_code}）")
        try:
            answer = response.json()["Response"]
        except (ValueError, KeyError):
            raise DeliveryError(f"腾讯云短信答复无法解析（HTTP {response.status_code}）") from None
        error = answer.get("Error")
        if error:
            code, message = (
                error.get("Code", ""),
                f"腾讯云短信：{error.get('Message', '')}（{error.get('Code', '')}）",
            )
            if code in TENCENT_BLOCKING:
                raise DeliveryError(TENCENT_BLOCKING[code], blocks_target=True)
            if code.startswith(TENCENT_THROTTLED):
                raise DeliveryError(message, retry_after=60)
            if code.startswith(
                ("AuthFailure", "FailedOperation", "InvalidParameter", "UnauthorizedOperation")
            ):
                raise DeliveryError(message, permanent=True)
            raise DeliveryError(message)
        return answer

    def _numbers(self) -> list[str]:
        numbers = list(self.target.recipients or self.target.secrets.get("mobiles") or [])
        if not numbers:
            raise DeliveryError("该短信渠道没有接收号码", permanent=True)
        return [n if n.startswith("+") else f"+86{n}" for n in numbers[:200]]

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        numbers = self._numbers()
        answer = self._call("SendSms", {**payload, "PhoneNumberSet": numbers, "SessionContext": key})
        statuses = answer.get("SendStatusSet") or []
        accepted = [s for s in statuses if s.get("Code") == "Ok"]
        if not accepted:
            first = statuses[0] if statuses else {}
            raise DeliveryError(
                f"腾讯云短信未受理：{first.get('Message', '')}（{first.get('Code', '')}）", permanent=True
            )
        serials = [s.get("SerialNo", "") for s in accepted]
        refused = {s.get("PhoneNumber", ""): s.get("Code", "") for s in statuses if s.get("Code") != "Ok"}
        return Receipt(
            external_id=serials[0], detail={"serials": serials, "refused": refused, "count": len(accepted)}
        )

    def check(self, payload: dict[str, Any], key: str, receipt: Receipt | None) -> Receipt | None:
        import time as _time

        begin = int(_time.time()) - 2 * 86400
        reports = []
        for number in self._numbers():
            answer = self._call(
                "PullSmsSendStatusByPhoneNumber",
                {
                    "BeginTime": begin,
                    "Offset": 0,
                    "Limit": 100,
                    "PhoneNumber": number,
                    "SmsSdkAppId": payload["SmsSdkAppId"],
                },
            )
            reports += [r for r in answer.get("PullSmsSendStatusSet") or [] if r.get("SessionContext") == key]
        previous = receipt.detail if receipt else {}
        if not reports:
            if previous.get("serials"):
                return Receipt(external_id=receipt.external_id, detail=previous)  # accepted, no receipt yet
            return None  # nothing was sent under this key
        delivered = sum(1 for r in reports if r.get("ReportStatus") == "SUCCESS")
        detail = {**previous, "delivered": delivered, "failed": len(reports) - delivered}
        if len(reports) < previous.get("count", len(reports)):
            return Receipt(external_id=previous.get("serials", [""])[0], detail=detail)  # some still waiting
        if not delivered:
            raise DeliveryError(f"短信全部发送失败（{len(reports)} 个号码）", permanent=True)
        return Receipt(external_id=reports[0].get("SerialNo", ""), confirmed=True, detail=detail)
