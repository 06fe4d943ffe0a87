"""The SMS verification code of the portal's self-subscription, through the organisation's own SMS channel.

Template SMS only, as for notices: the target's `code_template` (an approved 验证码 template; Aliyun
``SMS_…`` code, Tencent TemplateId, the gateway's template number) with one variable, the code (Aliyun and the
gateway: ``${code}``; Tencent: ``{1}``). The payload is then sent by the target's own adapter (`send`), to one
number, with its own key (OutId / SessionContext / Idempotency-Key)."""

from __future__ import annotations

from typing import Any

from gongkai.channels.adapters.base import Target

CODE_KINDS = ("sms_aliyun", "sms_tencent", "sms_gateway")


def code_template(target: Target) -> str:
    return str(target.config.get("code_template") or "")


def render_code(target: Target, code: str) -> dict[str, Any]:
    """The payload of one verification SMS (pure), for the target's adapter to send."""
    if target.kind == "sms_aliyun":
        import json

        return {
            "SignName": target.config.get("sign", ""),
            "TemplateCode": code_template(target),
            "TemplateParam": json.dumps({"code": code}),
        }
    if target.kind == "sms_tencent":
        return {
            "SmsSdkAppId": target.config.get("sdk_app_id", ""),
            "SignName": target.config.get("sign", ""),
            "TemplateId": code_template(target),
            "TemplateParamSet": [code],
        }
    if target.kind == "sms_gateway":
        return {
            "sign": target.config.get("sign", ""),
            "template": code_template(target),
            "params": {"code": code},
        }
    raise LookupError(f"no verification SMS for channel kind {target.kind!r}")
