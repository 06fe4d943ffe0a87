"""Writing and verifying the audit log. Every service write calls `audit_record` inside its transaction.

Each row is chained to the one before and signed with the audit key (keys.py): row_hash = HMAC-SHA256(key,
prev_hash + canonical row). Signed checkpoints kept outside the database (checkpoints.py) pin the chain's length,
head and tail, so `audit_verify` also finds what a chain alone cannot: a deleted tail or head, an emptied table,
a log recomputed by someone without the key.
"""

import datetime
import decimal
import hmac
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.audit.checkpoints import Checkpoint, append_checkpoint, read_checkpoints, send_to_syslog
from gongkai.audit.keys import signing_key
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
    key = signing_key()  # before any write: no key, no unsigned row
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
            key_id=key.key_id,
        )
        event.row_hash = key.sign(event.prev_hash + event.content_for_hash())
        event.save()
        return event


def _organisation_of(obj):
    if obj is not None and obj._meta.label_lower == "orgs.organisation":  # the audit log sits below orgs
        return obj
    return getattr(obj, "organisation", None)


@dataclass
class VerifyProblem:
    event_id: int | None  # None: a problem of the log as a whole (an emptied table, a checkpoint file line)
    message: str


@dataclass
class ChainScan:
    """What one pass over the rows saw."""

    checked: int = 0
    first_id: int | None = None
    first_prev_hash: str = ""
    last_id: int = 0
    last_hash: str = ""
    legacy_until: int = 0  # the last unkeyed (version-1) row
    last_purge: AuditEvent | None = None
    hashes_at: dict[int, str] = field(default_factory=dict)  # row_hash of the rows checkpoints name


def _scan(
    rows, *, expected_prev: str, watch: set[int], problems: list[VerifyProblem], scan=None
) -> ChainScan:
    scan = scan or ChainScan()
    for event in rows:
        scan.checked += 1
        if scan.first_id is None:
            scan.first_id, scan.first_prev_hash = event.id, event.prev_hash
        if event.prev_hash != expected_prev:
            problems.append(VerifyProblem(event.id, "上一条记录的哈希不符：其前面的记录被删除或修改"))
        if not event.is_keyed:
            if scan.legacy_until < scan.last_id:
                problems.append(
                    VerifyProblem(event.id, "未签名（版本1）的记录出现在签名记录之后：日志被无密钥地重写")
                )
            scan.legacy_until = event.id
        computed = event.compute_hash()
        if computed is None:
            problems.append(
                VerifyProblem(
                    event.id, f"签名密钥 {event.key_id} 未配置（GONGKAI_AUDIT_KEYS 缺少旧密钥），无法校验"
                )
            )
        elif not hmac.compare_digest(computed, event.row_hash):
            problems.append(VerifyProblem(event.id, "记录内容与其哈希不符：该记录被修改"))
        if event.action == "audit.purge":
            scan.last_purge = event
        if event.id in watch:
            scan.hashes_at[event.id] = event.row_hash
        scan.last_id, scan.last_hash = event.id, event.row_hash
        expected_prev = event.row_hash
    return scan


def _head_problems(scan: ChainScan, anchor: AuditAnchor | None) -> list[VerifyProblem]:
    """A chain that does not start at the genesis hash must start where a (signed) purge event says it does."""
    if scan.first_id is None or scan.first_prev_hash == GENESIS_HASH:
        return []
    purge = scan.last_purge
    attested = (
        anchor is not None
        and purge is not None
        and purge.id > anchor.last_purged_id
        and (purge.after or {}).get("up_to_id") == anchor.last_purged_id
        # A keyed purge event also names the hash; a version-1 one (before keying) only the id.
        and (not purge.is_keyed or (purge.after or {}).get("last_hash") == anchor.last_purged_hash)
    )
    if attested:
        return []
    return [VerifyProblem(scan.first_id, "第一条记录之前的记录被删除，且没有清理记录证明：日志头部被删除")]


def _checkpoint_problems(
    checkpoint: Checkpoint, scan: ChainScan, anchor_id: int, *, latest: bool
) -> list[VerifyProblem]:
    where = f"检查点（{checkpoint.at}，共 {checkpoint.count} 条，最后 #{checkpoint.last_id}）"
    problems = []
    if scan.legacy_until > checkpoint.legacy_until:
        problems.append(
            VerifyProblem(
                scan.legacy_until, f"{where}之后出现未签名（版本1）的记录：日志被没有密钥的人重新计算"
            )
        )
    if checkpoint.last_id == 0 or checkpoint.last_id <= anchor_id:
        return problems  # an empty log then, or rows since purged under the retention rule
    purge = scan.last_purge
    if (
        scan.first_id is not None
        and scan.first_id != checkpoint.first_id
        and not (purge is not None and purge.is_keyed and purge.id > checkpoint.last_id)
    ):
        # The head moved since the checkpoint, and no signed purge since then says why (a version-1 purge event
        # from before the upgrade vouches for the anchor's id only, not its hash).
        problems.append(
            VerifyProblem(
                scan.first_id, f"{where}时第一条是 #{checkpoint.first_id}，之后没有清理记录：日志头部被删除"
            )
        )
    found = scan.hashes_at.get(checkpoint.last_id)
    if found is None:
        if scan.checked == 0:
            problems.append(VerifyProblem(None, f"审计日志为空，但{where}：整表被清空（TRUNCATE 或删除）"))
        elif scan.last_id < checkpoint.last_id:
            problems.append(
                VerifyProblem(
                    None, f"{where}的最后一条已不存在，现在最后一条是 #{scan.last_id}：日志尾部被删除"
                )
            )
        else:
            problems.append(VerifyProblem(checkpoint.last_id, f"{where}的最后一条已不存在：该记录被删除"))
    elif not hmac.compare_digest(found, checkpoint.last_hash):
        problems.append(VerifyProblem(checkpoint.last_id, f"记录的哈希与{where}不符：日志被改写或重新计算"))
    if latest and found is not None and scan.first_id == checkpoint.first_id:
        now = AuditEvent.objects.filter(id__lte=checkpoint.last_id).count()
        if now != checkpoint.count:
            problems.append(VerifyProblem(None, f"{where}，现在同一范围内有 {now} 条：有记录被删除"))
    return problems


@dataclass
class VerifyResult:
    checked: int
    problems: list[VerifyProblem]
    checkpoints: int  # how many valid checkpoints the log was compared with
    scan: ChainScan
    warnings: list[str] = field(default_factory=list)


def audit_verify_full(*, checkpoints: list[Checkpoint] | None = None) -> VerifyResult:
    """Recompute the chain and compare it with the checkpoints (by default those of the checkpoint file)."""
    problems: list[VerifyProblem] = []
    warnings: list[str] = []
    if checkpoints is None:
        from_file = read_checkpoints()
        checkpoints = from_file.checkpoints
        problems += [VerifyProblem(None, message) for message in from_file.problems]
        warnings += from_file.unverifiable
    anchor = AuditAnchor.objects.first()
    anchor_id = anchor.last_purged_id if anchor else 0
    expected_prev = anchor.last_purged_hash if anchor and anchor.last_purged_hash else GENESIS_HASH
    scan = _scan(
        AuditEvent.objects.order_by("id").iterator(chunk_size=2000),
        expected_prev=expected_prev,
        watch={c.last_id for c in checkpoints},
        problems=problems,
    )
    problems += _head_problems(scan, anchor)
    latest = max(checkpoints, key=lambda c: c.last_id, default=None)
    for checkpoint in checkpoints:
        problems += _checkpoint_problems(checkpoint, scan, anchor_id, latest=checkpoint is latest)
    return VerifyResult(scan.checked, problems, len(checkpoints), scan, warnings)


def audit_verify(*, checkpoints: list[Checkpoint] | None = None) -> tuple[int, list[VerifyProblem]]:
    """Recompute the chain and compare it with the checkpoints. Returns (rows checked, problems)."""
    result = audit_verify_full(checkpoints=checkpoints)
    return result.checked, result.problems


class CheckpointRefused(Exception):
    def __init__(self, problems: list[VerifyProblem]):
        super().__init__(f"审计日志校验未通过（{len(problems)} 处问题），不写检查点")
        self.problems = problems


def audit_state_checkpoint() -> Checkpoint:
    """A signed checkpoint of the log as it is now. Call under the chain lock for an exact state."""
    first = AuditEvent.objects.order_by("id").values("id", "prev_hash").first()
    last = AuditEvent.objects.order_by("-id").values("id", "row_hash").first()
    legacy = AuditEvent.objects.filter(key_id__isnull=True).aggregate(m=Max("id"))["m"] or 0
    anchor = AuditAnchor.objects.first()
    start = anchor.last_purged_hash if anchor and anchor.last_purged_hash else GENESIS_HASH
    return Checkpoint(
        at=timezone.now().isoformat(),
        count=AuditEvent.objects.count(),
        first_id=first["id"] if first else 0,
        first_prev_hash=first["prev_hash"] if first else start,
        last_id=last["id"] if last else 0,
        last_hash=last["row_hash"] if last else start,
        legacy_until=legacy,
    ).sign()


def audit_checkpoint(*, syslog_address: str | None = None) -> Checkpoint:
    """Verify the log, then append a signed checkpoint of it to the checkpoint file (and syslog).

    Refuses (CheckpointRefused) when verification finds a problem: a checkpoint must never bless a tampered log.
    The full pass runs without the lock; the rows appended meanwhile are verified under it.
    """
    result = audit_verify_full()
    if result.problems:
        raise CheckpointRefused(result.problems)
    with transaction.atomic():
        _lock_chain()
        problems: list[VerifyProblem] = []
        scan = result.scan
        if scan.checked:
            rows = AuditEvent.objects.filter(id__gt=scan.last_id).order_by("id")
            _scan(rows, expected_prev=scan.last_hash, watch=set(), problems=problems, scan=scan)
        if problems:
            raise CheckpointRefused(problems)
        checkpoint = audit_state_checkpoint()
        append_checkpoint(checkpoint)
    address = settings.AUDIT_SYSLOG_ADDRESS if syslog_address is None else syslog_address
    if address:
        send_to_syslog(checkpoint.to_line(), address)
    return checkpoint


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
            after={"up_to_id": last_old, "last_hash": last_hash, "cutoff": cutoff},
        )
        return count
