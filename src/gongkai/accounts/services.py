"""Account rules: password age, two-factor enrolment, and writes to users."""

import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.audit.services import audit_record, snapshot
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise, save_audited


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
    user = User(username=username, display_name=display_name, email=email, phone=phone, is_active=True)
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


def password_change(*, user, new_password: str) -> None:
    validate_new_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "password_changed_at"])
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
