"""The guard of the public 留言 and 意见 forms: the application form's guard (applications.formguard) reused —
its signed start time and minimum fill time, single-use token, honeypot, self-hosted captcha and shared-cache
counting behind the trusted proxies — with limits of its own (GONGKAI_PARTICIPATION_LIMITS, per address and hour),
so that asking questions never uses up an address's application allowance or the reverse.
"""

from __future__ import annotations

from django import forms
from django.conf import settings

from gongkai.applications import formguard

DEFAULT_LIMITS = {"per_address": 5, "per_address_hard": 20, "address_window": 60 * 60}
HONEYPOT_FILLED = "提交失败，请刷新页面后重新填写"
TOO_MANY = "同一网络地址提交过于频繁，请一小时后再试"

Busy = formguard.Busy
client_ip = formguard.client_ip
submit_once = formguard.submit_once


def limits() -> dict:
    return {**DEFAULT_LIMITS, **(getattr(settings, "GONGKAI_PARTICIPATION_LIMITS", None) or {})}


def _ip_key(ip: str) -> str:
    return formguard._key("participation-ip", ip)


def captcha_required(ip: str | None) -> bool:
    return bool(ip) and formguard._count(_ip_key(ip)) >= limits()["per_address"]


def refusal(ip: str | None) -> str | None:
    if ip and formguard._count(_ip_key(ip)) >= limits()["per_address_hard"]:
        return TOO_MANY
    return None


def count_stored(ip: str | None) -> None:
    """Count one stored 留言 or 意见 of the address (after the commit; a cache failure is logged only)."""
    if not ip:
        return
    try:
        formguard._add(_ip_key(ip), limits()["address_window"])
    except Exception:  # stored already: never an error page for it
        formguard.logger.exception("could not count a stored public submission in the cache")


class GuardedPublicForm(forms.Form):
    """A public form with the token, the honeypot and, past the address's limit, the captcha."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def __init__(self, *args, captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fresh_token = formguard.issue_token()
        if captcha:
            from captcha.fields import CaptchaField

            self.fields["captcha"] = CaptchaField(
                label="验证码（请输入图中字符）", error_messages={"invalid": formguard.CAPTCHA_WRONG}
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(HONEYPOT_FILLED, code="honeypot")
        # The application form's own token rule: signed, fresh, not too fast.
        formguard.check_token(cleaned.get("form_token", ""))
        return cleaned

    def render_token(self) -> str:
        return self.fresh_token
