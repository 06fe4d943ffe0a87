"""Writing and verifying the audit log. Every service write calls `audit_record` inside its transaction."""

import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.audit.models import AuditAnchor, AuditEvent

GENESIS_HASH = "0" * 64
MINIMUM_RETENTION_DAYS = 180
PG_CHAIN_LOCK = 7_061_001  # advisory-lock key: one writer extends the chain at a time


def json_safe(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return value


def snapshot(obj, fields=None) -> dict:
    """The audited fields of a model instance as JSON-safe values."""
    names = fields or getattr(obj, "AUDIT_FIELDS", None) or [f.attname for f in obj._meta.concrete_fields]
    return {name: json_safe(getattr(obj, name)) for name in names}


def changed_only(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    if not before or not after:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def actor_label(actor) -> str:
    if actor is None:
        return "系统"
    name = getattr(actor, "display_name", "") or ""
    return f"{name}（{actor.get_username()}）" if name else actor.get_username()


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_CHAIN_LOCK])
    # SQLite: transactions are IMMEDIATE, so the write lock is already held.


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    organisation=None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_repr: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Runs in the caller's transaction (or its own)."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
        if last is None:
            anchor = AuditAnchor.objects.first()
            last = anchor.last_purged_hash if anchor and anchor.last_purged_hash else GENESIS_HASH
        user = actor if getattr(actor, "is_authenticated", False) else None
        # The hash must cover the address as the database will store it (IPv6 is normalised on save).
        ip_address = (
            AuditEvent._meta.get_field("ip_address").get_prep_value(ip_address) if ip_address else None
        )
        if organisation is None and obj is not None:
            organisation = _organisation_of(obj)
        event = AuditEvent(
            at=timezone.now(),
            actor=user,
            actor_label=actor_label(user)
            if user
            else (actor if isinstance(actor, str) else ("系统" if actor is None else "匿名")),
            organisation=organisation,
            org_path=getattr(organisation, "path", "") or "",
            action=action,
            object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
            before=json_safe(before),
            after=json_safe(after),
            ip_address=ip_address,
            prev_hash=last,
        )
        event.row_hash = event.compute_hash()
        event.save()
        return event


def _organisation_of(obj):
    from gongkai.orgs.models import Organisation

    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


@dataclass
class VerifyProblem:
    event_id: int
    message: str


def audit_verify() -> tuple[int, list[VerifyProblem]]:
    """Recompute the chain. Returns (rows checked, problems)."""
    anchor = AuditAnchor.objects.first()
    expected_prev = anchor.last_purged_hash if anchor and anchor.last_purged_hash else GENESIS_HASH
    problems: list[VerifyProblem] = []
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != expected_prev:
            problems.append(VerifyProblem(event.id, "上一条记录的哈希不符：其前面的记录被删除或修改"))
        if event.compute_hash() != event.row_hash:
            problems.append(VerifyProblem(event.id, "记录内容与其哈希不符：该记录被修改"))
        expected_prev = event.row_hash
    return checked, problems


def audit_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS (≥ 180); the chain restarts from an anchor."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=max(settings.AUDIT_RETENTION_DAYS, MINIMUM_RETENTION_DAYS))
    with transaction.atomic():
        _lock_chain()
        last_old = AuditEvent.objects.filter(at__lt=cutoff).aggregate(m=Max("id"))["m"]
        if last_old is None:
            return 0
        last_hash = AuditEvent.objects.get(id=last_old).row_hash
        anchor = AuditAnchor.objects.first() or AuditAnchor()
        anchor.last_purged_id = last_old
        anchor.last_purged_hash = last_hash
        anchor.purged_at = now
        anchor.save()
        count = AuditEvent.objects.purge_up_to(last_old)
        audit_record(
            actor=None,
            action="audit.purge",
            object_type="audit.auditevent",
            object_repr=f"清理 {count} 条",
            after={"up_to_id": last_old, "cutoff": cutoff},
        )
        return count
