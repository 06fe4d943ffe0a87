import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gongkai.accounts.context import LOGIN_AT_KEY, client_address, home_organisation
from gongkai.audit.services import audit_record


def _user_named(username: str):
    from gongkai.accounts.models import User

    return User.objects.filter(username=username).first() if username else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(time.time())  # the absolute session lifetime counts from here
    audit_record(
        actor=user,
        action="auth.login",
        obj=user,
        organisation=home_organisation(user),
        ip_address=client_address(request),
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            actor=user,
            action="auth.logout",
            obj=user,
            organisation=home_organisation(user),
            ip_address=client_address(request),
        )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    audit_record(
        actor=f"未登录：{username}"[:150],
        action="auth.login_failed",
        object_type="accounts.user",
        object_repr=username[:200],
        organisation=home_organisation(_user_named(username)),
        ip_address=client_address(request),
    )


@receiver(user_locked_out)
def audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    from gongkai.accounts.lockout import ACCOUNT, lockout_alert

    user = _user_named(username)
    scope = getattr(request, "gongkai_lockout_scope", ACCOUNT)
    audit_record(
        actor=f"未登录：{username}"[:150],
        action="auth.locked_out",
        object_type="accounts.user",
        object_repr=(username or "")[:200],
        organisation=home_organisation(user),
        after={"scope": scope},
        ip_address=ip_address,
    )
    lockout_alert(username=username or "", ip_address=ip_address, scope=scope, user=user)
