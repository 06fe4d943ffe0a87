"""Account rules: password age, two-factor enrolment, and writes to users."""

import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts.context import home_organisation
from gongkai.audit.services import audit_record, snapshot
from gongkai.audit.writes import save_audited
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.services import full_clean_or_raise


def password_expired(user, *, now: datetime.datetime | None = None) -> bool:
    max_age = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0)
    if not max_age:
        return False
    changed = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - changed > datetime.timedelta(days=max_age)


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_two_factor_setup(user) -> bool:
    return settings.REQUIRE_TWO_FACTOR and not has_confirmed_device(user)


def validate_new_password(password: str, user=None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password") from None


def user_create(*, actor, username: str, display_name: str, password: str, email: str = "", phone: str = ""):
    """Create a staff account (roles are granted separately). Writes `accounts.user_create`."""
    from gongkai.accounts.models import User

    if not actor.is_superuser and not actor.memberships.filter(role="admin").exists():
        raise DomainError("只有管理员可以创建用户")
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名“{username}”已存在", field="username")
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        phone=phone,
        is_active=True,
        must_change_password=True,  # the administrator knows this password; the owner must replace it
    )
    validate_new_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        full_clean_or_raise(user, exclude=["password"])
        user.save()
        audit_record(actor=actor, action="accounts.user_create", obj=user, after=snapshot(user))
    return user


def user_set_active(*, actor, user, active: bool):
    user.is_active = active
    return save_audited(
        actor=actor, obj=user, action="accounts.user_activate" if active else "accounts.user_deactivate"
    )


def sessions_end(*, user) -> int:
    """Delete every session of the user (database sessions, decoded: the table has no user column)."""
    from django.contrib.sessions.models import Session

    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def user_disable(*, actor, user, reason: str = "", ip_address: str | None = None) -> int:
    """Disable an account and end all its sessions at once (GB/T 22239-2019 8.1.4.2 c)). Requires
    `can_manage_user(actor, user)`; writes `accounts.user_disable` with the number of sessions ended."""
    from gongkai.accounts.permissions import can_manage_user

    if actor is not None and not can_manage_user(actor, user):
        raise PermissionDenied("您没有权限停用该用户")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = sessions_end(user=user)
        audit_record(
            actor=actor,
            action="accounts.user_disable",
            obj=user,
            organisation=home_organisation(user),
            before={"is_active": True},
            after={"is_active": False, "sessions_ended": ended, "reason": reason},
            ip_address=ip_address,
        )
    return ended


def user_enable(*, actor, user, ip_address: str | None = None) -> None:
    """Enable a disabled account again; writes `accounts.user_enable`. Last login is reset to now so that the
    inactivity job does not disable it again the next morning."""
    from gongkai.accounts.permissions import can_manage_user

    if not can_manage_user(actor, user):
        raise PermissionDenied("您没有权限启用该用户")
    with transaction.atomic():
        user.is_active = True
        user.last_login = timezone.now()
        user.save(update_fields=["is_active", "last_login"])
        audit_record(
            actor=actor,
            action="accounts.user_enable",
            obj=user,
            organisation=home_organisation(user),
            before={"is_active": False},
            after={"is_active": True},
            ip_address=ip_address,
        )


def inactive_users(*, days: int, now: datetime.datetime | None = None):
    """Active, non-superuser accounts without a login in the last `days` days (never logged in: since creation)."""
    from django.db.models import Q

    from gongkai.accounts.models import User

    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return User.objects.filter(is_active=True, is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def users_disable_inactive(*, days: int, now: datetime.datetime | None = None) -> list[str]:
    """The daily job: disable accounts inactive for `days` days (GB/T 22239-2019 8.1.4.2 c): 应及时删除或停用
    多余的、过期的账户). Each account is its own transaction and audit event; returns the usernames."""
    if days < 1:
        raise DomainError("天数必须是正整数")
    disabled = []
    for user in inactive_users(days=days, now=now).order_by("username"):
        user_disable(actor=None, user=user, reason=f"连续{days}天未登录，自动停用")
        disabled.append(user.username)
    return disabled


def password_change(*, user, new_password: str) -> None:
    validate_new_password(new_password, user)
    if user.check_password(new_password):
        raise DomainError("新密码不能与当前密码相同", field="password")
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        audit_record(actor=user, action="accounts.password_change", obj=user)


def totp_device_start(*, user) -> TOTPDevice:
    """An unconfirmed device whose secret the user scans; it counts only once a code confirms it."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


def totp_device_confirm(*, user, device: TOTPDevice, token: str) -> None:
    if device.user_id != user.pk:
        raise DomainError("设备不存在")
    if not device.verify_token((token or "").strip()):
        raise DomainError("验证码不正确或已过期，请重新输入", field="token")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(actor=user, action="accounts.two_factor_enable", obj=user)
