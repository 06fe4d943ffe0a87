"""Abuse control of the public application form, shared by every worker and every server.

* Limits are counted in the shared cache (settings.CACHES: the database cache on the embedded default, Redis
  when GONGKAI_REDIS_URL is set), never in one worker's memory.
* The client address is the real one behind TRUSTED_PROXY_COUNT reverse proxies (core.clientaddr): with N trusted
  proxies the Nth address from the right of X-Forwarded-For (each proxy appends the address it saw); with 0,
  or when the header has fewer entries than proxies, REMOTE_ADDR. Addresses further left are written by the
  client and never trusted.
* Only stored applications count toward the limits; a refused submission (bad input, too fast, wrong
  captcha) does not.
* Once an address has made GONGKAI_APPLY_LIMITS["per_address"] applications in the window, the form asks
  for a self-hosted captcha (django-simple-captcha, images served by this site); beyond `per_address_hard`
  it refuses. One identity (ID number or credit code) may make `per_identity` applications a day.
* A minimum fill time: the form carries a signed timestamp; a submission sooner than
  GONGKAI_APPLY_MIN_FILL_SECONDS after the form was served is refused with a Chinese message and not stored.
  Each form token is accepted for one stored application only (a resubmission is refused, not duplicated).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache

from gongkai.applications.forms import PublicApplicationForm
from gongkai.core.clientaddr import client_address

logger = logging.getLogger("gongkai.applications.formguard")

DEFAULT_LIMITS = {
    "per_address": 5,  # then a captcha
    "per_address_hard": 20,  # then refused
    "address_window": 60 * 60,
    "per_identity": 3,
    "identity_window": 24 * 60 * 60,
    "track_per_address": 30,
    "track_window": 60 * 60,
}
DEFAULT_MIN_FILL_SECONDS = 3
TOKEN_MAX_AGE = 24 * 60 * 60
TOKEN_SALT = "gongkai.applications.apply-form"

TOO_FAST = "提交过快：请核对填写的内容后再提交"
STALE = "页面已过期或不完整，请核对内容后重新提交"
REUSED = "该申请已经提交过，请勿重复提交；如需再次申请，请重新打开申请页面"
CAPTCHA_WRONG = "验证码不正确，请重新输入"


class Busy(Exception):
    """The database or the disk could not take the application (lock timeout, full disk): nothing was stored,
    and the applicant is told to try again (HTTP 503 "系统繁忙，请稍后再试")."""


def limits() -> dict:
    return {**DEFAULT_LIMITS, **(getattr(settings, "GONGKAI_APPLY_LIMITS", None) or {})}


def min_fill_seconds() -> float:
    return float(getattr(settings, "GONGKAI_APPLY_MIN_FILL_SECONDS", DEFAULT_MIN_FILL_SECONDS))


# ---- the client address -------------------------------------------------------------------------------------


def client_ip(request) -> str | None:
    """The real client address behind the trusted proxies: one rule for the form, the login and the audit."""
    return client_address(request)


# ---- counting in the shared cache ---------------------------------------------------------------------------


def _key(kind: str, value: str) -> str:
    return f"gongkai:apply:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception:  # a cache that is down must not take the form down with it
        logger.exception("could not read a limit from the cache")
        return 0


def _add(key: str, window: int) -> None:
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)


def captcha_required(ip: str | None) -> bool:
    return bool(ip) and _count(_key("ip", ip)) >= limits()["per_address"]


def refusal(ip: str | None, identity_hash: str) -> str | None:
    """Why a submission must be refused outright (hard limits), in Chinese; None when it may go on."""
    config = limits()
    if ip and _count(_key("ip", ip)) >= config["per_address_hard"]:
        return "同一网络地址提交申请过于频繁，请一小时后再试，或通过信函、当面等方式提交"
    if identity_hash and _count(_key("id", identity_hash)) >= config["per_identity"]:
        return "同一申请人今日提交的申请过多，请明日再试"
    return None


def count_stored(ip: str | None, identity_hash: str) -> None:
    """Count one stored application. Runs after the commit; a cache failure is logged, never shown to the
    applicant whose application is already stored."""
    config = limits()
    try:
        if ip:
            _add(_key("ip", ip), config["address_window"])
        if identity_hash:
            _add(_key("id", identity_hash), config["identity_window"])
    except Exception:  # the application is stored: never turn this into an error page
        logger.exception("could not count a stored application in the cache")


def track_allowed(ip: str | None) -> bool:
    """Count one tracking attempt of the address; False once over the limit (every attempt counts here: a
    wrong code is exactly what the limit is for)."""
    if not ip:
        return True
    config = limits()
    key = _key("track", ip)
    _add(key, config["track_window"])
    return _count(key) <= config["track_per_address"]


# ---- the form: signed start time, single use, captcha ---------------------------------------------------------


def issue_token(now: float | None = None) -> str:
    return signing.dumps(
        {"at": now if now is not None else time.time(), "n": secrets.token_hex(8)}, salt=TOKEN_SALT
    )


def _read_token(token: str) -> dict | None:
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and "at" in data and "n" in data else None


def claim_token(token: str) -> bool:
    """Mark the form token as used; False when it already was (a resubmission)."""
    data = _read_token(token)
    if not data:
        return False
    key = f"gongkai:apply:token:{data['n']}"
    if cache.add(key, 1, TOKEN_MAX_AGE):
        return True
    if cache.get(key) is None:  # the database cache swallows write errors: it was not there, it is not now
        raise Busy("the form token could not be recorded")
    return False


def release_token(token: str) -> None:
    """The submission was not stored after all: the same form may be submitted again."""
    data = _read_token(token)
    if data:
        try:
            cache.delete(f"gongkai:apply:token:{data['n']}")
        except Exception:
            logger.exception("could not release a form token")


def check_token(token: str) -> None:
    """Refuse (ValidationError, in Chinese) a form token that is missing, forged, expired or too fresh. Shared
    with the other public forms (participation.guard)."""
    data = _read_token(token)
    if data is None:
        raise forms.ValidationError(STALE, code="stale")
    if time.time() - float(data["at"]) < min_fill_seconds():
        raise forms.ValidationError(TOO_FAST, code="too_fast")


class GuardedApplicationForm(PublicApplicationForm):
    """The public form with its started-at token and, when the address reached its limit, a captcha."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fresh_token = issue_token()
        if captcha:
            from captcha.fields import CaptchaField

            self.fields["captcha"] = CaptchaField(
                label="验证码（请输入图中字符）", error_messages={"invalid": CAPTCHA_WRONG}
            )

    def clean(self):
        cleaned = super().clean()
        check_token(cleaned.get("form_token", ""))
        return cleaned

    def render_token(self) -> str:
        """The token the page carries: a new one each time the form is shown (the timer starts again only
        when the form is first served or after an error)."""
        return self.fresh_token


# ---- one submission ---------------------------------------------------------------------------------------------


def submit_once(form: GuardedApplicationForm, store):
    """Run `store()` (which writes the application in one transaction) once for this form token.

    A token already used is refused (DomainError). When `store` fails — a refusal of the rules or a database
    or disk failure — the token is released so that the same form can be sent again, and a database or disk
    failure becomes `Busy`: the transaction was rolled back, so no application exists that the applicant was
    not told about."""
    from django.db import DatabaseError

    from gongkai.core.errors import DomainError

    token = form.cleaned_data.get("form_token", "")
    try:
        claimed = claim_token(token)
    except Busy:
        logger.error("public application not stored: the form token could not be recorded")
        raise
    except DatabaseError as exc:  # the database cache is the database
        logger.error("public application not stored: %s: %s", type(exc).__name__, exc)
        raise Busy from exc
    if not claimed:
        raise DomainError(REUSED)
    try:
        return store()
    except DomainError:
        release_token(token)
        raise
    except (DatabaseError, OSError) as exc:
        logger.error("public application not stored: %s: %s", type(exc).__name__, exc)
        release_token(token)
        raise Busy from exc
