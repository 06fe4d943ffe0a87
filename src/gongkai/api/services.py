"""Writes of the API app: tokens (create, revoke, use). Each write is one transaction with one audit row."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from gongkai.api.models import ApiToken, Scope
from gongkai.api.permissions import can_manage_tokens
from gongkai.audit.services import audit_record, snapshot
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.orgs.permissions import can_view

TOKEN_PREFIX = "gk_"
MAX_LIFETIME_DAYS = 366
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # a token used every second writes its last use once a minute


class TokenError(DomainError):
    pass


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, organisation, actor, holder, name: str, scopes: list[str], expires_on: dt.date, today=None
) -> tuple[ApiToken, str]:
    """An organisation's 管理员 gives `holder` (who must hold a role there) a token with `scopes` until the end of
    `expires_on` (at most a year ahead). Returns (token, the secret), the secret shown this once only. Writes
    `api.token_create`."""
    if not can_manage_tokens(actor, organisation):
        raise PermissionDenied("只有该机构的管理员可以创建接口令牌")
    name = (name or "").strip()
    if not name:
        raise TokenError("请填写令牌用途", field="name")
    scopes = [s for s in Scope.values if s in set(scopes or [])]
    if not scopes:
        raise TokenError("请至少选择一项权限范围", field="scopes")
    if holder is None or not holder.is_active or not can_view(holder, organisation):
        raise TokenError("持有人须在该机构（或其上级）有角色", field="holder")
    today = today or timezone.localdate()
    if not isinstance(expires_on, dt.date) or expires_on < today:
        raise TokenError("有效期不能早于今天", field="expires_on")
    if expires_on > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise TokenError(f"有效期最长{MAX_LIFETIME_DAYS}天", field="expires_on")
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time()))
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=organisation,
            holder=holder,
            name=name[:100],
            prefix=prefix,
            secret_hash=_hash(secret),
            scopes=scopes,
            expires_at=expires_at,
            created_by=actor,
        )
        audit_record(actor=actor, action="api.token_create", obj=token, after=snapshot(token))
    return token, secret


def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke at once (refused from the next request on). Writes `api.token_revoke`."""
    if not can_manage_tokens(actor, token.organisation):
        raise PermissionDenied("只有该机构的管理员可以吊销接口令牌")
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            raise TokenError("该令牌已被吊销")
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="api.token_revoke", obj=current, after={"revoked_at": current.revoked_at}
        )
    return current


def token_authenticate(secret: str, *, now=None) -> ApiToken | None:
    """The active token whose secret this is, its last use recorded; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or secret.count("_") < 2:
        return None
    prefix = secret[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = (
        ApiToken.objects.select_related("organisation", "holder").filter(prefix=prefix).first()
        if prefix
        else None
    )
    now = now or timezone.now()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if not token.is_active(now) or not token.holder.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
