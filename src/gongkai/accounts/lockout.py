"""Login lockout by (account, address), with a looser throttle per address, and the alert that goes with it.

Locking the account alone let anyone lock any staff account with five wrong passwords from anywhere (issue 10 #5).
Now failures count per (username, client address): the account stays usable from every other address. A second
count per address (any username) stops one address from guessing across many accounts; its limit is higher
because a township office shares one NAT address. Both counts forget failures after `AXES_COOLOFF_TIME`.

GB/T 22239-2019 8.1.4.1 b)（三级）：应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时
自动退出等相关措施. 8.1.3.5 / 8.1.4.3: security events are audited and alerted (安全审计).
"""

import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Sum

log = logging.getLogger(__name__)

ACCOUNT = "account"  # too many failures for this account from this address
ADDRESS = "address"  # too many failures from this address, whatever the accounts


def failure_score(*, account_failures: int, address_failures: int, account_limit: int, address_limit: int):
    """Map both counts onto the account limit that axes compares with: locked when either count reaches its limit.

    floor(n * a / b) >= a exactly when n >= b, so the address count is scaled without rounding errors.
    Returns (score, scope) where scope says which count decided.
    """
    scaled = address_failures * account_limit // max(address_limit, 1)
    if account_failures >= scaled:
        return account_failures, ACCOUNT
    return scaled, ADDRESS


class AccountAtAddressHandler(AxesDatabaseHandler):
    """axes' database handler, counting failures per (username, address) and per address with two limits."""

    def _counts(self, request, credentials) -> tuple[int, int]:
        username = get_client_username(request, credentials)
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        address = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        account = attempts.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
        return account, address

    def get_failures(self, request, credentials=None) -> int:
        account, address = self._counts(request, credentials)
        score, scope = failure_score(
            account_failures=account,
            address_failures=address,
            account_limit=settings.AXES_FAILURE_LIMIT,
            address_limit=settings.GONGKAI_ADDRESS_FAILURE_LIMIT,
        )
        request.gongkai_lockout_scope = scope
        return score

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A good login clears that account's failures at that address only, never the address's other
        failures: otherwise an attacker with one valid account could reset the address throttle at will."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


# ---- the alert ---------------------------------------------------------------------------------------------------


def security_admin_emails(user) -> list[str]:
    """Who hears of a lockout besides the owner: the security administrators (安全管理员) over the account's
    organisations, and the platform's GONGKAI_SECURITY_ALERT_EMAILS."""
    from gongkai.orgs.models import Membership, Role

    emails = list(settings.SECURITY_ALERT_EMAILS)
    if user is not None:
        paths = list(Membership.objects.filter(user=user).values_list("organisation__path", flat=True))
        admins = Membership.objects.filter(role=Role.SECURITY_ADMIN, user__is_active=True).select_related(
            "user", "organisation"
        )
        for membership in admins:
            if membership.user.email and any(p.startswith(membership.organisation.path) for p in paths):
                emails.append(membership.user.email)
    return sorted(set(emails))


def lockout_alert(*, username: str, ip_address: str | None, scope: str, user) -> int:
    """Send one alert per lockout (not one per refused attempt during it). Returns the number of messages sent.

    The owner is told when their account is locked at an address; the security administrators always.
    """
    key = f"gongkai:lockout-alert:{scope}:{ip_address}:{username if scope == ACCOUNT else ''}"
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds()) if settings.AXES_COOLOFF_TIME else 3600
    if not cache.add(key, 1, timeout=timeout):
        return 0
    minutes = timeout // 60
    sent = 0
    if scope == ACCOUNT:
        what = f"账户“{username}”在地址 {ip_address} 连续登录失败，已在该地址锁定{minutes}分钟。"
    else:
        what = f"地址 {ip_address} 登录失败次数过多（最后尝试的账户：“{username}”），该地址已暂停登录{minutes}分钟。"
    if scope == ACCOUNT and user is not None and user.email:
        sent += _send(
            subject="【政务公开平台】您的账户登录已被锁定",
            body=(
                f"{what}\n其他地址的登录不受影响。\n"
                "如果这不是您本人的操作，说明有人在尝试您的密码：请登录后修改密码，并告知安全管理员。"
            ),
            recipients=[user.email],
        )
    admins = security_admin_emails(user)
    if admins:
        sent += _send(
            subject="【政务公开平台】登录锁定告警",
            body=f"{what}\n详情见审计日志（auth.locked_out）。",
            recipients=admins,
        )
    return sent


def _send(*, subject: str, body: str, recipients: list[str]) -> int:
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # a mail server that is down must not turn the login page into a 500
        log.exception("lockout alert could not be sent to %s", recipients)
        return 0
