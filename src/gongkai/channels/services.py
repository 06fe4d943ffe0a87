"""Records of where an item went out. 政府网站 is recorded by catalog.services on publication; staff record the
others (微信公众号, 短信平台, 电子屏, 公开栏, 村级公告栏, QQ群, 政务服务大厅) with a date.

Channels sit below the catalog and know nothing of its rules: who may record for an item, and whether the item is
published, are checked by the catalog's services (catalog.services.disclosure_channel_record / _delete), which
call these.
"""

import dataclasses
import datetime
import hmac
import json
import logging
import random
import re
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from gongkai.audit.services import audit_record, snapshot
from gongkai.channels.adapters import DeliveryError, DeliveryUnknown, Item, Receipt, Target, adapter_for
from gongkai.channels.models import (
    CLAIMABLE,
    COUNTS_AS,
    TRANSITIONS,
    AttemptOutcome,
    Channel,
    ChannelTarget,
    ConsentSource,
    Dispatch,
    DispatchAttempt,
    DispatchStatus,
    Publication,
    Subscriber,
    TargetKind,
    Topic,
)
from gongkai.core import pagecache
from gongkai.core.crypto import keyed_hash
from gongkai.core.errors import DomainError
from gongkai.orgs.queries import belongs_to
from gongkai.privacy.mask import mask_mobile

logger = logging.getLogger("gongkai.channels")


class ChannelError(DomainError):
    pass


def publication_record(
    *, disclosure, channel: str, published_on: datetime.date, actor, note: str = ""
) -> Publication:
    """Record that a published item went out through `channel` on `published_on` (one record per channel).

    The caller has checked the actor's role and that the item is published. Writes `channels.publication_record`.
    """
    if channel not in Channel.values:
        raise ChannelError("无效的发布渠道", field="channel")
    if channel == Channel.WEBSITE:
        raise ChannelError("政府网站发布记录由系统在发布时自动登记", field="channel")
    if not isinstance(published_on, datetime.date):
        raise ChannelError("请填写发布日期", field="published_on")
    if published_on > timezone.localdate():
        raise ChannelError("发布日期不能晚于今天", field="published_on")
    if published_on < disclosure.written_on:
        raise ChannelError("发布日期不能早于成文日期", field="published_on")
    note = (note or "").strip()[:200]
    with transaction.atomic():
        if Publication.objects.filter(disclosure=disclosure, channel=channel).exists():
            raise ChannelError(f"该信息已登记过“{Channel(channel).label}”发布记录", field="channel")
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    disclosure=disclosure,
                    channel=channel,
                    published_on=published_on,
                    recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                    note=note,
                )
        except IntegrityError:
            raise ChannelError(f"该信息已登记过“{Channel(channel).label}”发布记录", field="channel") from None
        audit_record(
            actor=actor,
            action="channels.publication_record",
            obj=publication,
            organisation=disclosure.organisation,
            after=snapshot(publication),
        )
        return publication


def publication_delete(*, publication: Publication, actor) -> None:
    """Remove a wrongly recorded channel record (the automatic 政府网站 record stays). The caller has checked the
    actor's role."""
    disclosure = publication.disclosure
    if publication.channel == Channel.WEBSITE:
        raise ChannelError("政府网站发布记录不能删除；如需下线请撤回该信息")
    with transaction.atomic():
        before = snapshot(publication)
        publication.delete()
        audit_record(
            actor=actor,
            action="channels.publication_delete",
            organisation=disclosure.organisation,
            object_type="channels.publication",
            object_repr=f"{disclosure.title} · {Channel(before['channel']).label}",
            before=before,
        )


# ---- the dispatch outbox ----------------------------------------------------------------------------------------
# Writes of the outbox. The catalog's publish service calls `dispatches_create` inside its transaction with plain
# values; workers (`gongkai dispatch`, the Celery tasks in channels.tasks) call `dispatch_claim_due` and
# `dispatch_process`; staff call `dispatch_retry` and `dispatch_confirm` from the channel board.

SMS_KINDS = (TargetKind.SMS_ALIYUN, TargetKind.SMS_TENCENT, TargetKind.SMS_GATEWAY)
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600


def _lease() -> datetime.timedelta:
    """How long a claim holds: far longer than any adapter's timeout (settings.DISPATCH_LEASE_SECONDS)."""
    return datetime.timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)


RECEIPT_POLL = datetime.timedelta(minutes=2)  # how soon a submitted send's receipt is first asked for
MAX_RECEIPT_POLLS = 20  # then staff are asked to look (about seven hours of asking)


def backoff_seconds(attempts: int, rng: random.Random) -> float:
    """Exponential backoff with jitter: the n-th failure waits between half and all of base·2^(n-1), capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def target_value(target: ChannelTarget) -> Target:
    """The adapter's view of a target, with its credentials decrypted."""
    try:
        secrets = json.loads(target.secrets) if target.secrets else {}
    except (TypeError, ValueError):
        secrets = {}  # an undecryptable value reads as （无法解密）: the adapter then fails on missing credentials
    return Target(
        id=target.pk,
        kind=target.kind,
        name=target.name,
        organisation=target.organisation.name,
        config=dict(target.config or {}),
        secrets=secrets,
    )


class TargetStore:
    """State an adapter shares with every worker, held once in the target's row: the WeChat access token
    (encrypted, with its expiry) and values such as the cover's media id (config)."""

    def __init__(self, target_pk: int):
        self.pk = target_pk

    def token(self) -> tuple[str, datetime.datetime | None]:
        row = ChannelTarget.objects.filter(pk=self.pk).values_list("token", "token_expires_at").first()
        return (row[0] or "", row[1]) if row else ("", None)

    def save_token(self, token: str, expires_at: datetime.datetime) -> None:
        target = ChannelTarget(pk=self.pk, token=token, token_expires_at=expires_at)
        target.save(update_fields=["token", "token_expires_at"])

    def value(self, name: str) -> str:
        config = ChannelTarget.objects.filter(pk=self.pk).values_list("config", flat=True).first() or {}
        return str(config.get(name, ""))

    def save_value(self, name: str, value: str) -> None:
        with transaction.atomic():
            target = ChannelTarget.objects.select_for_update().get(pk=self.pk)
            target.config = {**(target.config or {}), name: value}
            target.save(update_fields=["config"])

    def now(self) -> datetime.datetime:
        return timezone.now()


def _website_target(organisation) -> ChannelTarget:
    target, _ = ChannelTarget.objects.get_or_create(
        organisation=organisation, kind=TargetKind.WEBSITE, name="本级门户网站"
    )
    return target


def dispatches_create(
    *,
    organisation,
    disclosure_id: int | None,
    item: Item,
    actor=None,
    target_ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> list[Dispatch]:
    """The outbox rows of one publication, in the caller's transaction: the website, confirmed at once (with its
    政府网站 Publication record), and one pending Dispatch per chosen target of the organisation and per village
    board below it (`target_ids`; None: every enabled target marked 发布时默认选中). Sending starts after commit (`_kick`). No audit event of its
    own: the publication's event covers it."""
    now = now or timezone.now()
    published_on = item.published_on or timezone.localdate(now)
    user = actor if getattr(actor, "is_authenticated", False) else None
    snapshot_json = item.to_json()
    # its own channels, and the village boards below it (a township's 公示 goes up on every village's board)
    targets = publish_targets(organisation)
    targets = (
        targets.filter(default_on=True) if target_ids is None else targets.filter(pk__in=list(target_ids))
    )
    rows = [
        Dispatch(
            organisation=organisation,
            disclosure_id=disclosure_id,
            target=_website_target(organisation),
            item=snapshot_json,
            key=uuid.uuid4().hex,
            status=DispatchStatus.CONFIRMED,
            confirmed_at=now,
            confirmed_by=user,
            external_id=item.url,
        )
    ]
    subscribed = None
    for target in targets:
        if target.kind in SMS_KINDS:
            if subscribed is None:  # who exactly is decided by the worker (decrypting numbers costs time)
                subscribed = Subscriber.objects.filter(
                    belongs_to(organisation), opted_out_at__isnull=True
                ).exists()
            if not subscribed and not target_value(target).secrets.get("mobiles"):
                continue  # nobody to text: no send (the board would only show a dead one)
        rows.append(
            Dispatch(
                organisation=organisation,
                disclosure_id=disclosure_id,
                target=target,
                item=snapshot_json,
                key=uuid.uuid4().hex,
                next_attempt_at=now,
            )
        )
    if disclosure_id is not None:
        done = set(Dispatch.objects.filter(disclosure_id=disclosure_id).values_list("target_id", flat=True))
        rows = [
            r for r in rows if r.target_id not in done
        ]  # publishing again (a retraction undone) adds none
        Publication.objects.get_or_create(
            disclosure_id=disclosure_id,
            channel=Channel.WEBSITE,
            defaults={"published_on": published_on, "recorded_by": user, "note": "发布时自动登记"},
        )
    created = Dispatch.objects.bulk_create(rows)
    pending = [d.pk for d in created if d.status == DispatchStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: _kick(pending))
    return created


def dispatch_enqueue(*, organisation, target: ChannelTarget, item: Item, key: str = "") -> Dispatch:
    """One pending send outside a publication (the API's webhooks, a test message). `key`: the caller's idempotency
    key (a second call with the same key returns the first row); default a new one."""
    with transaction.atomic():
        if key:
            existing = Dispatch.objects.filter(key=key).first()
            if existing:
                return existing
        dispatch = Dispatch.objects.create(
            organisation=organisation,
            target=target,
            item=item.to_json(),
            key=key or uuid.uuid4().hex,
            next_attempt_at=timezone.now(),
        )
        transaction.on_commit(lambda: _kick([dispatch.pk]))
    return dispatch


def _kick(dispatch_ids: list[int]) -> None:
    """After commit: hand the new sends to Celery when it is configured; else `gongkai dispatch` finds them."""
    if not getattr(settings, "CELERY_BROKER_URL", ""):
        return
    from gongkai.celery_app import app  # Celery is imported only where it is configured

    for pk in dispatch_ids:
        try:
            app.send_task("gongkai.channels.tasks.dispatch_send", args=[pk], retry=False)
        except Exception:  # a broker outage must not fail the request: the periodic sweep sends them
            logger.warning("could not enqueue dispatch %s; the sweep will send it", pk, exc_info=True)


def _due_filter(now: datetime.datetime) -> Q:
    return (
        Q(status__in=CLAIMABLE, next_attempt_at__lte=now)
        | Q(status=DispatchStatus.SENDING, lease_until__lt=now)  # the worker that held it died
        | Q(
            status=DispatchStatus.SUBMITTED, needs_check=True, next_attempt_at__lte=now
        )  # ask for the receipt
    )


def _claimable(now: datetime.datetime):
    return Dispatch.objects.filter(
        _due_filter(now), target__enabled=True, target__blocked_at__isnull=True, withdrawn_at__isnull=True
    )


def _claim_row(row: dict, *, worker: str, now: datetime.datetime) -> str | None:
    """Compare-and-set: the row moves to sending under a new claim token only if nobody changed it since it was
    read. Opens an attempt row; an attempt left open by a dead worker is closed as interrupted and the send is
    marked to be checked before any resend. Returns the claim token, or None when another worker won."""
    claim = uuid.uuid4().hex
    interrupted = row["status"] == DispatchStatus.SENDING
    with transaction.atomic():
        won = Dispatch.objects.filter(pk=row["pk"], status=row["status"], claim=row["claim"]).update(
            status=DispatchStatus.SENDING,
            claim=claim,
            lease_until=now + _lease(),
            attempts=F("attempts") + 1,
            needs_check=True if interrupted else F("needs_check"),
            updated_at=now,
        )
        if won != 1:
            return None
        if interrupted:
            DispatchAttempt.objects.filter(dispatch_id=row["pk"], outcome=AttemptOutcome.OPEN).update(
                outcome=AttemptOutcome.INTERRUPTED,
                finished_at=now,
                error="发送中断（工作进程退出），将先核实再决定是否重发",
            )
        number = (
            DispatchAttempt.objects.filter(dispatch_id=row["pk"]).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        DispatchAttempt.objects.create(
            dispatch_id=row["pk"], number=number, worker=worker[:80], started_at=now
        )
    return claim


def dispatch_claim_due(
    *, worker: str, limit: int = 20, now: datetime.datetime | None = None
) -> list[tuple[int, str]]:
    """Claim up to `limit` due sends for `worker`: (dispatch id, claim token) pairs. On PostgreSQL the candidates
    are locked with SELECT … FOR UPDATE SKIP LOCKED, so concurrent workers take different rows; on SQLite (one
    writer at a time) the compare-and-set alone decides."""
    now = now or timezone.now()
    claimed = []
    fields = ("pk", "status", "claim")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            rows = list(
                _claimable(now)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("next_attempt_at", "id")
                .values(*fields)[:limit]
            )
            for row in rows:
                claim = _claim_row(row, worker=worker, now=now)
                if claim:
                    claimed.append((row["pk"], claim))
        return claimed
    for row in _claimable(now).order_by("next_attempt_at", "id").values(*fields)[:limit]:
        claim = _claim_row(row, worker=worker, now=now)
        if claim:
            claimed.append((row["pk"], claim))
    return claimed


def dispatch_due_ids(*, limit: int = 200, now: datetime.datetime | None = None) -> list[int]:
    """The ids of the sends that are due (for the Celery sweep; each is then claimed by its own task)."""
    now = now or timezone.now()
    return list(_claimable(now).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])


def dispatch_claim(*, dispatch_id: int, worker: str, now: datetime.datetime | None = None) -> str | None:
    """Claim one send if it is due (the Celery task of one dispatch); None when it is not due or already taken."""
    now = now or timezone.now()
    row = _claimable(now).filter(pk=dispatch_id).values("pk", "status", "claim").first()
    return _claim_row(row, worker=worker, now=now) if row else None


def _finish(
    dispatch: Dispatch,
    claim: str,
    *,
    to: str,
    outcome: str,
    now: datetime.datetime,
    error: str = "",
    receipt: Receipt | None = None,
    **fields,
) -> bool:
    """Leave `sending` under our claim (compare-and-set) and close the open attempt. False when the claim was
    lost (it lapsed and another worker took the send over: that worker checks before resending)."""
    assert to in TRANSITIONS[DispatchStatus.SENDING], to
    if receipt is not None:
        fields.update(external_id=receipt.external_id[:200] or dispatch.external_id, receipt=receipt.detail)
    with transaction.atomic():
        moved = Dispatch.objects.filter(pk=dispatch.pk, status=DispatchStatus.SENDING, claim=claim).update(
            status=to, claim="", lease_until=None, last_error=error[:2000], updated_at=now, **fields
        )
        DispatchAttempt.objects.filter(dispatch_id=dispatch.pk, outcome=AttemptOutcome.OPEN).update(
            outcome=outcome,
            finished_at=now,
            error=error[:2000],
            external_id=(receipt.external_id[:200] if receipt else ""),
        )
        if moved and to == DispatchStatus.CONFIRMED:
            _record_delivery(dispatch, when=fields.get("confirmed_at") or now, actor=None)
    return bool(moved)


def _record_delivery(dispatch: Dispatch, *, when: datetime.datetime, actor) -> None:
    """A confirmed send of an item is the channel record the annual report counts (one per item and channel)."""
    channel = COUNTS_AS.get(dispatch.target.kind)
    if dispatch.disclosure_id is None or channel is None:
        return
    Publication.objects.get_or_create(
        disclosure_id=dispatch.disclosure_id,
        channel=channel,
        defaults={
            "published_on": timezone.localdate(when),
            "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
            "note": f"{dispatch.target.name}：送达确认"[:200],
        },
    )


def _block_target(target: ChannelTarget, reason: str, now: datetime.datetime) -> None:
    ChannelTarget.objects.filter(pk=target.pk, blocked_at__isnull=True).update(
        blocked_at=now, blocked_reason=reason[:300]
    )


def dispatch_process(*, dispatch_id: int, claim: str, rng: random.Random | None = None) -> str:
    """Send one claimed dispatch through its adapter (outside any transaction) and record the outcome; returns the
    new status. A send marked `needs_check` is first checked with the far side (adapter.check), resent only when
    it did not arrive (or the far side deduplicates by key), else stopped at dead as 结果不明 for staff.

    Moves: sending → confirmed (delivered) | submitted (accepted; a receipt or staff confirm it) | failed (retried
    after backoff with jitter) | dead (permanent error, MAX_ATTEMPTS tries, or an unknown result that cannot be
    checked)."""
    rng = rng or random.Random()  # noqa: S311  (jitter, not secrecy)
    dispatch = Dispatch.objects.select_related("target", "target__organisation").get(pk=dispatch_id)
    if dispatch.status != DispatchStatus.SENDING or dispatch.claim != claim:
        return dispatch.status
    target = target_value(dispatch.target)
    item = Item.from_json(dispatch.item)
    over_limit = 0
    if dispatch.target.kind in SMS_KINDS:
        numbers, over_limit = _recipients(dispatch, claim, item)
        if over_limit and not numbers:  # every subscriber has had today's texts: the next morning
            wait = (next_morning(timezone.now()) - timezone.now()).total_seconds()
            message = f"{_over_limit_note(over_limit, dispatch.target)}；已顺延至次日 08:00 发送"
            return _retry_later(
                dispatch,
                claim,
                DeliveryError(message, retry_after=wait),
                rng=rng,
                needs_check=False,
                counts=False,
            )
        target = dataclasses.replace(target, recipients=tuple(numbers))
    adapter = adapter_for(target, TargetStore(target.id))
    payload = adapter.render(item, target)
    previous = Receipt(external_id=dispatch.external_id, detail=dispatch.receipt or {})
    try:
        receipt = None
        if dispatch.needs_check:
            if adapter.can_check():
                receipt = adapter.check(payload, dispatch.key, previous)  # None: it did not arrive
            elif not adapter.deduplicates:
                now = timezone.now()
                _finish(
                    dispatch,
                    claim,
                    to=DispatchStatus.DEAD,
                    outcome=AttemptOutcome.UNKNOWN,
                    now=now,
                    error="结果不明：上次发送可能已经送达，该渠道无法查询。请核实后在渠道看板选择重试。",
                )
                return DispatchStatus.DEAD
        outcome = AttemptOutcome.FOUND if receipt else AttemptOutcome.SENT
        if receipt is None:
            wait = _rate_limited(dispatch, adapter)
            if wait:
                return _retry_later(
                    dispatch,
                    claim,
                    DeliveryError("发送频率已达上限，稍后发送", retry_after=wait),
                    rng=rng,
                    needs_check=False,
                    counts=False,
                )
            receipt = adapter.send(payload, dispatch.key)
    except DeliveryUnknown as exc:
        return _retry_later(dispatch, claim, exc, rng=rng, needs_check=True)
    except DeliveryError as exc:
        if exc.permanent:
            now = timezone.now()
            if exc.blocks_target:
                _block_target(dispatch.target, exc.message, now)
            _finish(
                dispatch,
                claim,
                to=DispatchStatus.DEAD,
                outcome=AttemptOutcome.PERMANENT,
                now=now,
                error=exc.message,
            )
            return DispatchStatus.DEAD
        return _retry_later(dispatch, claim, exc, rng=rng, needs_check=False)
    except Exception as exc:  # a bug or an unforeseen answer: kept on the row, retried like a transient error
        logger.exception("dispatch %s: unexpected error", dispatch.pk)
        error = DeliveryError(f"内部错误：{type(exc).__name__}: {exc}")
        return _retry_later(dispatch, claim, error, rng=rng, needs_check=dispatch.needs_check)
    now = timezone.now()
    limit_note = _over_limit_note(over_limit, dispatch.target)
    if over_limit:
        receipt = dataclasses.replace(receipt, detail={**(receipt.detail or {}), "over_limit": over_limit})
    if receipt.confirmed or (adapter.confirms == "on_send" and outcome == AttemptOutcome.SENT):
        _finish(
            dispatch,
            claim,
            to=DispatchStatus.CONFIRMED,
            outcome=outcome,
            now=now,
            receipt=receipt,
            error=limit_note,
            confirmed_at=now,
            needs_check=False,
        )
        return DispatchStatus.CONFIRMED
    by_receipt = adapter.confirms == "on_receipt"
    polls = Dispatch.objects.filter(pk=dispatch.pk).values_list("attempts", flat=True).first() or 1
    give_up = by_receipt and polls >= MAX_RECEIPT_POLLS
    _finish(
        dispatch,
        claim,
        to=DispatchStatus.SUBMITTED,
        outcome=outcome,
        now=now,
        receipt=receipt,
        error=f"{polls} 次查询仍未确认送达，已停止查询；请在平台核实" if give_up else limit_note,
        needs_check=by_receipt and not give_up,
        # asked again after 2, 4, 6 … minutes
        next_attempt_at=now + RECEIPT_POLL * polls if by_receipt else dispatch.next_attempt_at,
    )
    return DispatchStatus.SUBMITTED


def _rate_limited(dispatch: Dispatch, adapter) -> float:
    """Seconds to wait when the target has had its `per_minute` sends in the last minute (counted from the attempt
    rows, so every worker sees the same count); 0 when it may send now."""
    if not adapter.per_minute:
        return 0.0
    now = timezone.now()
    window = now - datetime.timedelta(minutes=1)
    recent = list(
        DispatchAttempt.objects.filter(
            dispatch__target_id=dispatch.target_id,
            started_at__gte=window,
            outcome__in=(
                AttemptOutcome.SENT,
                AttemptOutcome.OPEN,
                AttemptOutcome.RETRY,
                AttemptOutcome.UNKNOWN,
            ),
        )
        .exclude(dispatch_id=dispatch.pk, outcome=AttemptOutcome.OPEN)
        .order_by("started_at")
        .values_list("started_at", flat=True)
    )
    if len(recent) < adapter.per_minute:
        return 0.0
    return max(1.0, (recent[-adapter.per_minute] - window).total_seconds())


def _recipients(dispatch: Dispatch, claim: str, item: Item) -> tuple[list[str], int]:
    """The numbers of an SMS send: its subscribers, chosen on its first try and kept on the row, so a retry goes
    to the same people; and how many were left out by the per-number daily limit (sms_daily_reserve). When every
    subscriber is over the limit nothing is kept: the send is chosen again the next morning."""
    if dispatch.recipients:
        return json.loads(dispatch.recipients), int((dispatch.receipt or {}).get("over_limit", 0))
    numbers = subscriber_numbers(dispatch.organisation, topics=item.topics)
    over: list[str] = []
    if numbers:
        numbers, over = sms_daily_reserve(
            organisation=dispatch.organisation,
            numbers=numbers,
            limit=sms_daily_limit(dispatch.target),
            day=timezone.localdate(),
        )
        if not numbers:
            return [], len(over)
    fields = {"recipients": json.dumps(numbers)}  # encrypted
    if over:
        fields["receipt"] = {**(dispatch.receipt or {}), "over_limit": len(over)}
    Dispatch.objects.filter(pk=dispatch.pk, claim=claim).update(**fields)
    return numbers, len(over)


def _over_limit_note(over: int, target: ChannelTarget) -> str:
    if not over:
        return ""
    return f"{over} 个号码今日已收满 {sms_daily_limit(target)} 条短信（每号每日上限），未向其发送"


def _retry_later(
    dispatch: Dispatch, claim: str, exc: DeliveryError, *, rng, needs_check: bool, counts: bool = True
) -> str:
    now = timezone.now()
    attempts = Dispatch.objects.filter(pk=dispatch.pk).values_list("attempts", flat=True).first() or 1
    if not counts:  # waiting for the rate limit is not a failed try
        wait = exc.retry_after or 1.0
        _finish(
            dispatch,
            claim,
            to=DispatchStatus.FAILED,
            outcome=AttemptOutcome.THROTTLED,
            now=now,
            error=exc.message,
            needs_check=needs_check,
            next_attempt_at=now + datetime.timedelta(seconds=wait),
            attempts=attempts - 1,
        )
        return DispatchStatus.FAILED
    if attempts >= MAX_ATTEMPTS:
        _finish(
            dispatch,
            claim,
            to=DispatchStatus.DEAD,
            outcome=AttemptOutcome.RETRY,
            now=now,
            error=f"{exc.message}（已尝试 {attempts} 次）",
            needs_check=needs_check,
        )
        return DispatchStatus.DEAD
    wait = exc.retry_after if exc.retry_after is not None else backoff_seconds(attempts, rng)
    _finish(
        dispatch,
        claim,
        to=DispatchStatus.FAILED,
        outcome=AttemptOutcome.UNKNOWN if needs_check else AttemptOutcome.RETRY,
        now=now,
        error=exc.message,
        needs_check=needs_check,
        next_attempt_at=now + datetime.timedelta(seconds=wait),
    )
    return DispatchStatus.FAILED


def dispatch_run_once(*, worker: str, limit: int = 20) -> dict[str, int]:
    """One round of the embedded worker: claim what is due and send it. Returns counts by resulting status."""
    counts: dict[str, int] = {}
    for pk, claim in dispatch_claim_due(worker=worker, limit=limit):
        status = dispatch_process(dispatch_id=pk, claim=claim)
        counts[status] = counts.get(status, 0) + 1
    return counts


def _staff_move(*, dispatch: Dispatch, actor, to: str, action: str, **fields) -> Dispatch:
    frm = dispatch.status
    if to not in TRANSITIONS.get(frm, set()):
        raise ChannelError(f"“{DispatchStatus(frm).label}”的分发不能改为“{DispatchStatus(to).label}”")
    now = timezone.now()
    with transaction.atomic():
        moved = Dispatch.objects.filter(pk=dispatch.pk, status=frm).update(
            status=to, updated_at=now, **fields
        )
        if moved != 1:
            raise ChannelError("该分发的状态已被更改，请刷新页面后重试")
        dispatch.refresh_from_db()
        if to == DispatchStatus.CONFIRMED:
            _record_delivery(dispatch, when=dispatch.confirmed_at or now, actor=actor)
        audit_record(
            actor=actor,
            action=action,
            obj=dispatch,
            organisation=dispatch.organisation,
            before={"status": frm},
            after={"status": to, **{k: v for k, v in fields.items() if k in ("confirmation_note",)}},
        )
    return dispatch


def dispatches_withdraw(*, disclosure_id: int, now: datetime.datetime | None = None) -> int:
    """The item was retracted (called by the catalog in the retraction's transaction): every send not yet
    delivered stops — pending and failed ones are never sent, a notice or screen waiting for staff is taken off
    the board and the feed. A send in flight finishes (its request has left), but is never retried. Delivered
    sends stay: they are the record of what went out. Returns how many stopped."""
    now = now or timezone.now()
    return Dispatch.objects.filter(
        disclosure_id=disclosure_id,
        status__in=(
            DispatchStatus.PENDING,
            DispatchStatus.FAILED,
            DispatchStatus.SUBMITTED,
            DispatchStatus.DEAD,
        ),
        withdrawn_at__isnull=True,
    ).update(withdrawn_at=now, last_error="信息已撤回，不再发送", updated_at=now) + Dispatch.objects.filter(
        disclosure_id=disclosure_id, status=DispatchStatus.SENDING, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


def dispatch_retry(*, dispatch: Dispatch, actor) -> Dispatch:
    """失败待处理 → 待发送 from the channel board: a fresh budget of attempts, sent at once. When the send had an
    unknown result, staff retrying it say they verified it did not arrive. Writes `channels.dispatch_retry`."""
    if dispatch.withdrawn_at:
        raise ChannelError("该信息已撤回，不能再发送")
    dispatch = _staff_move(
        dispatch=dispatch,
        actor=actor,
        to=DispatchStatus.PENDING,
        action="channels.dispatch_retry",
        attempts=0,
        needs_check=False,
        next_attempt_at=timezone.now(),
        last_error="",
    )
    transaction.on_commit(lambda: _kick([dispatch.pk]))
    return dispatch


def dispatch_confirm(
    *, dispatch: Dispatch, actor, confirmed_on: datetime.date | None = None, note: str = "", photo=None
) -> Dispatch:
    """已提交 → 已送达 by staff (a notice put up, a screen showing it, a text pasted in a QQ group), with the date and
    an optional photo; the confirmation is the channel record the report counts. Writes `channels.dispatch_confirm`."""
    today = timezone.localdate()
    confirmed_on = confirmed_on or today
    if confirmed_on > today:
        raise ChannelError("确认日期不能晚于今天", field="confirmed_on")
    when = timezone.make_aware(datetime.datetime.combine(confirmed_on, datetime.time(12)))
    fields = {"confirmed_at": when, "confirmation_note": (note or "").strip()[:200], "needs_check": False}
    if getattr(actor, "is_authenticated", False):
        fields["confirmed_by"] = actor
    dispatch = _staff_move(
        dispatch=dispatch,
        actor=actor,
        to=DispatchStatus.CONFIRMED,
        action="channels.dispatch_confirm",
        **fields,
    )
    if photo is not None:
        dispatch.photo.save(photo.name, photo, save=False)
        Dispatch.objects.filter(pk=dispatch.pk).update(photo=dispatch.photo.name)
    return dispatch


# ---- channel targets (the office's 渠道设置) -------------------------------------------------------------------


def mask_secret(value: str) -> str:
    """A credential as shown back: its first and last two characters at most, never the whole."""
    value = str(value)
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:2]}{'*' * min(len(value) - 4, 12)}{value[-2:]}"


def masked_secrets(target: ChannelTarget) -> dict[str, str]:
    """The target's credentials for the settings page: names shown, values masked (lists by their count)."""
    secrets = target_value(target).secrets
    shown = {}
    for name, value in secrets.items():
        shown[name] = f"（{len(value)} 个）" if isinstance(value, list) else mask_secret(value)
    return shown


def target_save(
    *,
    organisation,
    actor,
    kind: str,
    name: str,
    config: dict,
    secrets: dict | None,
    enabled: bool = True,
    default_on: bool = True,
    target: ChannelTarget | None = None,
) -> ChannelTarget:
    """Create or change a channel target. `secrets`: the credentials to set, merged into the stored ones (None or
    an empty value keeps what is stored: the form never shows them back). Writes `channels.target_save` without
    the credentials' values."""
    if kind not in TargetKind.values or kind == TargetKind.WEBSITE:
        raise ChannelError("无效的渠道类型", field="kind")
    name = (name or "").strip()[:80]
    if not name:
        raise ChannelError("请填写渠道名称", field="name")
    if not isinstance(config, dict):
        raise ChannelError("设置须为 JSON 对象", field="config")
    with transaction.atomic():
        if target is None:
            target = ChannelTarget(organisation=organisation, kind=kind)
            before = None
        else:
            target = ChannelTarget.objects.select_for_update().get(pk=target.pk)
            before = snapshot(target)
        stored = target_value(target).secrets if target.pk else {}
        changed = {k: v for k, v in (secrets or {}).items() if v not in ("", None, [])}
        target.name, target.config, target.enabled, target.default_on = name, config, enabled, default_on
        target.secrets = json.dumps({**stored, **changed}, ensure_ascii=False)
        if (
            ChannelTarget.objects.filter(organisation=target.organisation, kind=kind, name=name)
            .exclude(pk=target.pk)
            .exists()
        ):
            raise ChannelError("同一类型下已有同名渠道", field="name")
        target.save()
        audit_record(
            actor=actor,
            action="channels.target_save",
            obj=target,
            organisation=target.organisation,
            before=before,
            after={**snapshot(target), "secrets_changed": sorted(changed)},
        )
        pagecache.changed()  # an SMS target opens or closes 订阅短信提醒 on the township's column
    return target


def target_unblock(*, target: ChannelTarget, actor) -> ChannelTarget:
    """An administrator resumes a channel stopped by a blocking error (45009, an invalid webhook …) once the cause
    is dealt with. Writes `channels.target_unblock`."""
    with transaction.atomic():
        moved = ChannelTarget.objects.filter(pk=target.pk, blocked_at__isnull=False).update(
            blocked_at=None, blocked_reason=""
        )
        if moved != 1:
            raise ChannelError("该渠道未被暂停")
        audit_record(
            actor=actor,
            action="channels.target_unblock",
            obj=target,
            organisation=target.organisation,
            before={"blocked_reason": target.blocked_reason},
        )
    target.refresh_from_db()
    return target


# ---- SMS subscribers ----------------------------------------------------------------------------------------------

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Which topic an item belongs to, from words of its title and catalog entry (the first that matches).
TOPIC_WORDS = (
    (Topic.ASSISTANCE, ("低保", "救助", "特困", "五保", "残疾人")),
    (Topic.SUBSIDY, ("补贴", "补助", "惠民", "惠农")),
    (Topic.PROJECT, ("工程", "项目", "招标", "建设")),
    (Topic.FINANCE, ("财务", "收支", "预算", "决算", "三资")),
)


def topics_for(*texts: str) -> tuple[str, ...]:
    """The subscription topic of an item from its title and catalog entry; 通知 when no other applies."""
    text = " ".join(texts)
    for topic, words in TOPIC_WORDS:
        if any(word in text for word in words):
            return (topic,)
    return (Topic.NOTICE,)


def _phone_hash(phone: str) -> str:
    return keyed_hash(phone, purpose="channels.subscriber_phone")


def subscriber_numbers(organisation, *, topics=()) -> list[str]:
    """The numbers an item of `organisation` is texted to: subscribers of it and of the villages below it, not
    opted out, subscribed to one of the item's topics (all, when they chose none)."""
    rows = Subscriber.objects.filter(belongs_to(organisation), opted_out_at__isnull=True).values_list(
        "phone", "topics"
    )
    wanted = set(topics)
    numbers = [phone for phone, chosen in rows if not wanted or not chosen or wanted & set(chosen)]
    return sorted({n for n in numbers if MOBILE.match(str(n))})


def subscriber_add(
    *,
    organisation,
    actor,
    name: str,
    phone: str,
    topics: Iterable[str] = (),
    consent_on: datetime.date,
    consent_source: str,
) -> Subscriber:
    """Register a villager's SMS subscription with their consent (date and how it was given). A number already
    subscribed in that village is refused; one that had opted out subscribes again. Writes
    `channels.subscriber_add` (the number masked)."""
    phone = re.sub(r"[\s-]", "", phone or "")
    if not MOBILE.match(phone):
        raise ChannelError("请填写11位手机号码", field="phone")
    name = (name or "").strip()[:40]
    if not name:
        raise ChannelError("请填写姓名", field="name")
    topics = [t for t in dict.fromkeys(topics) if t in Topic.values]
    if consent_source not in ConsentSource.values:
        raise ChannelError("请选择同意方式", field="consent_source")
    if consent_on > timezone.localdate():
        raise ChannelError("同意日期不能晚于今天", field="consent_on")
    digest = _phone_hash(phone)
    with transaction.atomic():
        existing = (
            Subscriber.objects.select_for_update()
            .filter(organisation=organisation, phone_hash=digest)
            .first()
        )
        if existing and existing.opted_out_at is None:
            raise ChannelError("该号码已订阅本村信息", field="phone")
        subscriber = existing or Subscriber(organisation=organisation, phone_hash=digest)
        subscriber.name, subscriber.phone, subscriber.topics = name, phone, topics
        subscriber.consent_on, subscriber.consent_source, subscriber.opted_out_at = (
            consent_on,
            consent_source,
            None,
        )
        subscriber.save()
        audit_record(
            actor=actor,
            action="channels.subscriber_add",
            obj=subscriber,
            organisation=organisation,
            after={**snapshot(subscriber), "phone": mask_mobile(phone)},
        )
    return subscriber


def subscriber_opt_out(*, organisation, phone: str, actor) -> int:
    """Opt a number out of `organisation`'s subtree (a reply keyword, the portal, or staff on request): every
    subscription of that number there stops at once. Returns how many. Writes `channels.subscriber_opt_out`."""
    phone = re.sub(r"[\s-]", "", phone or "")
    digest = _phone_hash(phone)
    with transaction.atomic():
        count = Subscriber.objects.filter(
            belongs_to(organisation), phone_hash=digest, opted_out_at__isnull=True
        ).update(opted_out_at=timezone.now())
        if count:
            audit_record(
                actor=actor,
                action="channels.subscriber_opt_out",
                object_type="channels.subscriber",
                object_repr=mask_mobile(phone),
                organisation=organisation,
                after={"count": count},
            )
    return count


# ---- SMS: replies, receipts by callback, per-number daily limits, XLSX import (issue 13) ------------------------
# The vendors push replies (上行短信) and delivery reports (状态报告) to channels.views_sms; these are the rules.

# Reply keywords that end a subscription (the operators' usual 退订 words), compared trimmed and case-insensitive
# after NFKC (full-width ＴＤ reads as TD).
OPT_OUT_KEYWORDS = frozenset({"TD", "T", "退订", "N", "0000"})
REPLY_PUNCTUATION = " \t\r\n。.，,！!？?;；'\"“”"


def is_opt_out_reply(text: str) -> bool:
    """True when a villager's reply is one of the opt-out keywords (nothing else around it but punctuation)."""
    import unicodedata

    word = unicodedata.normalize("NFKC", str(text or "")).strip(REPLY_PUNCTUATION).upper()
    return word in OPT_OUT_KEYWORDS


def mobile_from_vendor(number: str, nationcode: str = "") -> str:
    """A mainland number as the subscribers hold it (11 digits) from a vendor's +86 / 86 / nationcode form."""
    number = re.sub(r"[\s-]", "", str(number or ""))
    if nationcode and nationcode not in ("86", "+86"):
        return ""
    number = number.removeprefix("+")
    if len(number) == 13 and number.startswith("86"):
        number = number[2:]
    return number if MOBILE.match(number) else ""


def sms_reply_receive(*, target: ChannelTarget, phone: str, text: str) -> int:
    """A villager replied to an SMS of `target`: a keyword (OPT_OUT_KEYWORDS) ends every subscription of that number
    in the target's organisation and below (channels.services.subscriber_opt_out, which writes the audit event),
    recorded as 短信回复退订 with its date. Any other reply is ignored. Returns how many subscriptions ended."""
    from gongkai.channels.models import OptOutSource

    if not is_opt_out_reply(text) or not MOBILE.match(phone or ""):
        return 0
    organisation = target.organisation
    with transaction.atomic():
        active = list(
            Subscriber.objects.filter(
                belongs_to(organisation), phone_hash=_phone_hash(phone), opted_out_at__isnull=True
            ).values_list("pk", flat=True)
        )
        count = subscriber_opt_out(organisation=organisation, phone=phone, actor=None)
        Subscriber.objects.filter(pk__in=active, opted_out_at__isnull=False).update(
            opt_out_source=OptOutSource.REPLY
        )
    return count


@dataclasses.dataclass(frozen=True)
class SmsReport:
    """One number's delivery report as a vendor pushes it: Aliyun SmsReport (out_id = our key, biz_id) or Tencent
    状态回调 (sid = the SerialNo of SendSms; Tencent's report carries no SessionContext)."""

    phone: str
    delivered: bool
    code: str = ""
    message: str = ""
    key: str = ""
    external_id: str = ""


class CallbackBusy(Exception):
    """A report for a send a worker is handling right now: the vendor is asked to push it again (HTTP 503)."""


FINAL_REPORTED = (DispatchStatus.CONFIRMED, DispatchStatus.DEAD)


def _report_dispatch_ids(target: ChannelTarget, reports: list[SmsReport]) -> dict[int, list[SmsReport]]:
    """Which send of `target` each report belongs to: by our key (Aliyun's out_id), else by the vendor's id (the
    BizId / a Tencent SerialNo kept in the receipt). Unmatched reports are left out (another system's SMS)."""
    by_key = {r.key for r in reports if r.key}
    rows = {}
    if by_key:
        rows.update(
            {
                key: pk
                for pk, key in Dispatch.objects.filter(target=target, key__in=by_key).values_list("pk", "key")
            }
        )
    ids = {r.external_id for r in reports if r.external_id and r.key not in rows}
    serial_of: dict[str, int] = {}
    if ids:
        since = timezone.now() - datetime.timedelta(days=7)  # vendors report within 72 hours
        for pk, external_id, receipt in Dispatch.objects.filter(
            target=target, created_at__gte=since
        ).values_list("pk", "external_id", "receipt"):
            for serial in [external_id, *((receipt or {}).get("serials") or [])]:
                if serial in ids:
                    serial_of[serial] = pk
    matched: dict[int, list[SmsReport]] = {}
    for report in reports:
        pk = rows.get(report.key) or serial_of.get(report.external_id)
        if pk:
            matched.setdefault(pk, []).append(report)
    return matched


def _receipt_move(dispatch: Dispatch, *, to: str, now: datetime.datetime, note: str, **fields) -> None:
    """A delivery report moves a send (the caller holds the row's lock): compare-and-set on its status, and an
    attempt row saying the vendor's report did it (outcome 核实已送达 / 失败，不再重试)."""
    frm = dispatch.status
    assert to in TRANSITIONS[frm] or to == frm, (frm, to)
    Dispatch.objects.filter(pk=dispatch.pk, status=frm).update(status=to, updated_at=now, **fields)
    if to != frm:
        number = (DispatchAttempt.objects.filter(dispatch=dispatch).aggregate(n=Max("number"))["n"] or 0) + 1
        DispatchAttempt.objects.create(
            dispatch=dispatch,
            number=number,
            worker="vendor-callback",
            started_at=now,
            finished_at=now,
            outcome=AttemptOutcome.PERMANENT if to == DispatchStatus.DEAD else AttemptOutcome.FOUND,
            error=note[:2000],
            external_id=fields.get("external_id", dispatch.external_id)[:200],
        )
    if to == DispatchStatus.CONFIRMED and frm != to:
        dispatch.status = to
        _record_delivery(dispatch, when=now, actor=None)


def sms_receipts_receive(*, target: ChannelTarget, reports: list[SmsReport]) -> dict[str, int]:
    """Delivery reports pushed by the vendor (besides the polling of `check`). Each report is kept on its send,
    by number (keyed hash: the receipt is not encrypted); once every number of the send has reported, the send is
    已送达 (at least one delivered) or 失败待处理 with the vendor's error code. A report for a send that timed out
    (失败待重试, result unknown) shows it did go out: it moves on from there and is never resent.

    Idempotent: a report already kept changes nothing (vendors push again on any non-200, and do not promise to
    push once). Raises CallbackBusy when a worker holds one of the sends (the vendor pushes again later).
    Returns counts: matched, changed, unknown."""
    counts = {"matched": 0, "changed": 0, "unknown": 0}
    matched = _report_dispatch_ids(target, reports)
    counts["unknown"] = len(reports) - sum(len(v) for v in matched.values())
    now = timezone.now()
    for pk, own in matched.items():
        with transaction.atomic():
            dispatch = Dispatch.objects.select_for_update().select_related("target").get(pk=pk)
            counts["matched"] += len(own)
            if dispatch.status == DispatchStatus.SENDING:
                raise CallbackBusy(pk)
            if dispatch.status in FINAL_REPORTED or dispatch.status == DispatchStatus.PENDING:
                continue
            receipt = dict(dispatch.receipt or {})
            kept = dict(receipt.get("reports") or {})
            for report in own:
                kept[_phone_hash(report.phone)[:24]] = (
                    "DELIVERED" if report.delivered else (report.code or "FAIL")
                )
            if kept == (dispatch.receipt or {}).get("reports"):
                continue  # a repeated push
            counts["changed"] += 1
            delivered = sum(1 for v in kept.values() if v == "DELIVERED")
            failed = len(kept) - delivered
            expected = (
                len(json.loads(dispatch.recipients)) if dispatch.recipients else receipt.get("count", 0)
            )
            receipt.update(
                reports=kept, delivered=delivered, failed=failed, waiting=max(expected - len(kept), 0)
            )
            external_id = dispatch.external_id or next((r.external_id for r in own if r.external_id), "")
            fields = {"receipt": receipt, "external_id": external_id[:200]}
            if expected and len(kept) >= expected:
                if delivered:
                    _receipt_move(
                        dispatch,
                        to=DispatchStatus.CONFIRMED,
                        now=now,
                        note=f"状态报告：{delivered} 个号码已送达",
                        confirmed_at=now,
                        needs_check=False,
                        last_error="" if not failed else f"{failed} 个号码未送达",
                        **fields,
                    )
                else:
                    codes = sorted({v for v in kept.values()})
                    error = f"短信全部发送失败（{failed} 个号码，运营商状态：{'、'.join(codes)}）"
                    _receipt_move(
                        dispatch,
                        to=DispatchStatus.DEAD,
                        now=now,
                        note=error,
                        needs_check=False,
                        last_error=error,
                        **fields,
                    )
                continue
            # some numbers still to report: it went out (a timed-out send is never resent), the polling goes on
            _receipt_move(
                dispatch,
                to=DispatchStatus.SUBMITTED,
                now=now,
                note=f"状态报告：已收到 {len(kept)}/{expected or '?'} 个号码的回执",
                needs_check=True,
                next_attempt_at=max(dispatch.next_attempt_at, now + RECEIPT_POLL),
                last_error="",
                **fields,
            )
    return counts


def sms_callback_token(target: ChannelTarget) -> str:
    """The secret in a target's callback addresses (the vendors sign neither receipts nor replies, so the address
    is the credential): derived from the server's keys, the target and its `callback_salt` (change the salt to
    change the address)."""
    salt = str((target.config or {}).get("callback_salt", ""))
    return keyed_hash(f"{target.pk}:{target.kind}:{salt}", purpose="channels.sms_callback")[:32]


# Per-number daily limit: counted in SmsDailyCount by (organisation, number's hash, local day).


def sms_daily_limit(target: ChannelTarget) -> int:
    value = (target.config or {}).get("daily_limit_per_number")
    try:
        return max(int(value), 1) if value not in (None, "") else settings.SMS_DAILY_LIMIT_PER_NUMBER
    except (TypeError, ValueError):
        return settings.SMS_DAILY_LIMIT_PER_NUMBER


def sms_daily_reserve(
    *, organisation, numbers: list[str], limit: int, day: datetime.date
) -> tuple[list[str], list[str]]:
    """Take today's slot of each number: (numbers that may be texted, numbers already at `limit` today). Each
    count rises by a conditional UPDATE (count < limit), so two workers never both take a number's last slot; the
    slots taken are kept whether or not the vendor then delivers (the limit protects the villager)."""
    from gongkai.channels.models import SmsDailyCount

    allowed, over = [], []
    with transaction.atomic():
        for number in numbers:
            digest = _phone_hash(number)
            try:
                with transaction.atomic():
                    SmsDailyCount.objects.get_or_create(organisation=organisation, phone_hash=digest, day=day)
            except IntegrityError:
                pass  # another worker created it a moment ago
            took = SmsDailyCount.objects.filter(
                organisation=organisation, phone_hash=digest, day=day, count__lt=limit
            ).update(count=F("count") + 1)
            (allowed if took else over).append(number)
    return allowed, over


def next_morning(now: datetime.datetime) -> datetime.datetime:
    """08:00 local time the next day: when a send held back by the daily limit goes (no texts in the night)."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(8)))


# XLSX import of subscribers (channels.subscriber_import reads the sheet; these are its rules).


@dataclasses.dataclass
class ImportLine:
    """One row of the dry run: what it would do (新增 / 更新 / 不导入) and why not."""

    line: int
    name: str
    masked_phone: str
    village: str
    action: str  # "create" | "update" | "skip"
    problems: list[str]
    village_id: int | None = None
    phone: str = ""
    topics: tuple[str, ...] = ()
    consent_on: datetime.date | None = None
    consent_source: str = ""

    @property
    def action_label(self) -> str:
        return {"create": "新增", "update": "更新", "skip": "不导入"}[self.action]


@dataclasses.dataclass
class ImportPlan:
    lines: list[ImportLine]

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_skip(self) -> int:
        return self.count("skip")

    @property
    def problems(self) -> int:
        return sum(1 for line in self.lines if line.problems)


def _topics_from_text(text: str) -> tuple[tuple[str, ...], list[str]]:
    labels = {label: value for value, label in Topic.choices}
    labels.update({"低保": Topic.ASSISTANCE, "救助": Topic.ASSISTANCE, "全部": ""})
    chosen, unknown = [], []
    for part in re.split(r"[、,，;；\s]+", text or ""):
        if not part:
            continue
        value = labels.get(part, part if part in Topic.values else None)
        if value is None:
            unknown.append(part)
        elif value:
            chosen.append(value)
    return tuple(dict.fromkeys(chosen)), unknown


def subscribers_import_plan(*, organisation, rows) -> ImportPlan:
    """The dry run of an import into `organisation` and its villages: for every row its problems (bad phone,
    unknown village, a number twice in the file, no or a future consent date, an unknown topic or source, a
    number that opted out after the date of its consent) and otherwise whether it creates or updates a
    subscription. Writes nothing. A number that opted out is subscribed again only with a consent given after
    the opt-out (个人信息保护法 第十五条: consent withdrawn stays withdrawn)."""
    from gongkai.core.text import cell_date
    from gongkai.orgs.queries import subtree

    villages: dict[str, object] = {}
    for org in subtree(organisation):
        for name in {org.name, org.short_name}:
            if name:
                villages.setdefault(name, org)
    sources = {label: value for value, label in ConsentSource.choices if value != ConsentSource.PORTAL}
    today = timezone.localdate()
    seen: dict[tuple[int, str], int] = {}
    lines = []
    for row in rows:
        problems = []
        phone = row.phone
        if not row.name:
            problems.append("姓名为空")
        if not MOBILE.match(phone):
            problems.append(f"手机号“{mask_mobile(phone) if phone else '空'}”不是11位手机号码")
        village = villages.get(row.village)
        if village is None:
            problems.append(f"村“{row.village or '空'}”不在本机构或其下级中")
        topics, unknown = _topics_from_text(row.topics)
        if unknown:
            problems.append(f"订阅内容“{'、'.join(unknown)}”无法识别")
        consent_on = None
        if row.consent_on in (None, ""):
            problems.append("缺少同意日期")
        else:
            try:
                consent_on = cell_date(row.consent_on)
                if consent_on > today:
                    problems.append("同意日期晚于今天")
            except ValueError:
                problems.append(f"同意日期“{row.consent_on}”无法识别")
        source = sources.get(row.source, "") if row.source else ConsentSource.IMPORT
        if not source:
            problems.append(f"来源“{row.source}”无法识别（书面登记、现场登记、批量导入）")
        action = "skip"
        if village is not None and MOBILE.match(phone):
            first = seen.setdefault((village.pk, phone), row.line)
            if first != row.line:
                problems.append(f"与第 {first} 行重复（同一村同一号码）")
        if not problems:
            existing = Subscriber.objects.filter(organisation=village, phone_hash=_phone_hash(phone)).first()
            if existing is None:
                action = "create"
            elif existing.opted_out_at and consent_on <= timezone.localdate(existing.opted_out_at):
                problems.append(
                    f"该号码已于 {timezone.localdate(existing.opted_out_at):%Y-%m-%d} 退订，需退订后本人重新同意"
                )
            else:
                action = "update"
        lines.append(
            ImportLine(
                line=row.line,
                name=row.name[:40],
                masked_phone=mask_mobile(phone)
                if MOBILE.match(phone)
                else (phone[:3] + "…" if phone else ""),
                village=row.village,
                action=action,
                problems=problems,
                village_id=village.pk if village is not None else None,
                phone=phone,
                topics=topics,
                consent_on=consent_on,
                consent_source=source,
            )
        )
    return ImportPlan(lines=lines)


def subscribers_import_apply(*, organisation, actor, plan: ImportPlan) -> dict[str, int]:
    """确认导入: every row of the plan without problems is written, in one transaction with one audit event
    (`channels.subscribers_import`: counts and line numbers, no numbers). Rows with problems are left out; a plan
    whose every row has problems is refused."""
    from gongkai.orgs.queries import subtree

    todo = [line for line in plan.lines if line.action in ("create", "update")]
    if not todo:
        raise ChannelError("没有可导入的行：请先修正试导入列出的问题")
    allowed = set(subtree(organisation).values_list("pk", flat=True))
    created = updated = 0
    with transaction.atomic():
        for line in todo:
            if line.village_id not in allowed:
                raise ChannelError(f"第 {line.line} 行的村不在本机构或其下级中")
            digest = _phone_hash(line.phone)
            subscriber = (
                Subscriber.objects.select_for_update()
                .filter(organisation_id=line.village_id, phone_hash=digest)
                .first()
            )
            if subscriber is None:
                subscriber = Subscriber(organisation_id=line.village_id, phone_hash=digest)
                created += 1
            else:
                updated += 1
            subscriber.name, subscriber.phone, subscriber.topics = line.name, line.phone, list(line.topics)
            subscriber.consent_on, subscriber.consent_source = line.consent_on, line.consent_source
            subscriber.opted_out_at, subscriber.opt_out_source = None, ""
            subscriber.save()
        audit_record(
            actor=actor,
            action="channels.subscribers_import",
            object_type="channels.subscriber",
            object_repr=f"导入短信订阅 {len(todo)} 行",
            organisation=organisation,
            after={
                "created": created,
                "updated": updated,
                "skipped_lines": [line.line for line in plan.lines if line.action == "skip"],
            },
        )
    return {"created": created, "updated": updated, "skipped": len(plan.lines) - len(todo)}


# ---- villagers subscribe themselves on the portal (issue 13) ------------------------------------------------------
#
# A villager chooses their village and topics on the township's column and confirms the number with an SMS code
# sent through the township's own SMS channel (its `code_template`). 个人信息保护法 Art. 13(1)/14: the
# subscription rests on the villager's consent, given for the purpose stated in CONSENT_TEXT, and Art. 15: it may
# be withdrawn as easily (one confirmation on the portal). The code is kept only as a keyed hash.

CODE_DIGITS = 6
CODE_LIFETIME = datetime.timedelta(minutes=10)
CODE_MAX_TRIES = 5
CODE_RESEND_SECONDS = 60
CODES_PER_PHONE_HOUR = 5
CODES_PER_ADDRESS_HOUR = 10
CONSENT_TEXT = (
    "我同意{township}通过短信向上面填写的手机号码发送所选村的村务、政务公开信息提醒。"
    "号码加密保存，只用于发送这些提醒；我可以随时在本网站或按短信提示退订。"
)
UNSUBSCRIBE_SALT = "gongkai.channels.unsubscribe"


def subscription_township(organisation):
    """The township whose column takes subscriptions for `organisation` (a village's: the township above it)."""
    if organisation.is_village and organisation.parent_id:
        return organisation.parent
    return organisation


def subscription_target(township) -> ChannelTarget | None:
    """The township's SMS channel that sends verification codes: enabled, not blocked, with a `code_template`."""
    for target in ChannelTarget.objects.filter(
        organisation=township, kind__in=SMS_KINDS, enabled=True, blocked_at__isnull=True
    ).order_by("id"):
        if (target.config or {}).get("code_template"):  # settings, not secrets: nothing decrypted here
            return target
    return None


def subscription_open(organisation) -> bool:
    """Whether the column of `organisation` offers 订阅短信提醒 (portal nav): its township has an SMS channel."""
    return subscription_target(subscription_township(organisation)) is not None


def subscription_villages(township):
    from gongkai.orgs.models import Organisation

    return Organisation.objects.filter(parent=township, kind__in=("village", "community")).order_by(
        "sort_order", "id"
    )


def clean_mobile(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not MOBILE.match(phone):
        raise ChannelError("请填写正确的11位手机号码", field="phone")
    return phone


def _address_hash(address: str | None) -> str:
    return keyed_hash(address, purpose="channels.portal_address") if address else ""


def _code_hash(salt: str, code: str) -> str:
    return keyed_hash(f"{salt}:{code}", purpose="channels.phone_code")


def phone_check_send(
    *,
    township,
    purpose: str,
    phone: str,
    village=None,
    name: str = "",
    topics: Iterable[str] = (),
    address: str | None = None,
    now: datetime.datetime | None = None,
    rng=None,
):
    """Send a 6-digit code to `phone` through the township's SMS channel, for a subscription (`village`, `name`,
    `topics`) or an unsubscription. Refused in plain Chinese: a wrong number, a village not of this township, a
    number not subscribed (unsubscribing), a new code within 60 s of the last one, more than 5 codes to the
    number or 10 from the address in an hour, or no SMS channel. The caps count the codes already sent (rows of
    PhoneCheck), so they hold across every worker. Returns the PhoneCheck."""
    import secrets as _secrets

    from gongkai.channels.adapters.verify import render_code
    from gongkai.channels.models import PhoneCheck, PhoneCheckPurpose

    now = now or timezone.now()
    phone = clean_mobile(phone)
    digest = _phone_hash(phone)
    if purpose == PhoneCheckPurpose.SUBSCRIBE:
        if village is None or village.parent_id != township.pk or not village.is_village:
            raise ChannelError("请选择您所在的村（社区）", field="village")
        topics = [t for t in dict.fromkeys(topics) if t in Topic.values]
        if not topics:
            raise ChannelError("请至少选择一项订阅内容", field="topics")
    elif purpose == PhoneCheckPurpose.UNSUBSCRIBE:
        village, topics = None, []
        if not Subscriber.objects.filter(
            belongs_to(township), phone_hash=digest, opted_out_at__isnull=True
        ).exists():
            raise ChannelError("该号码没有订阅本乡镇的短信提醒，无需退订", field="phone")
    else:
        raise ValueError(purpose)
    target = subscription_target(township)
    if target is None:
        raise ChannelError("本乡镇暂未开通短信提醒")
    hour_ago = now - datetime.timedelta(hours=1)
    recent = PhoneCheck.objects.filter(sent_at__gt=hour_ago)
    last = recent.filter(phone_hash=digest).order_by("-sent_at").values_list("sent_at", flat=True).first()
    if last and (now - last).total_seconds() < CODE_RESEND_SECONDS:
        wait = CODE_RESEND_SECONDS - int((now - last).total_seconds())
        raise ChannelError(f"验证码已发送，请{wait}秒后再重新获取")
    if recent.filter(phone_hash=digest).count() >= CODES_PER_PHONE_HOUR:
        raise ChannelError("该号码获取验证码次数过多，请一小时后再试")
    address_hash = _address_hash(address)
    if address_hash and recent.filter(address_hash=address_hash).count() >= CODES_PER_ADDRESS_HOUR:
        raise ChannelError("同一网络地址获取验证码过于频繁，请一小时后再试")
    code = f"{(rng or _secrets.SystemRandom()).randrange(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = _secrets.token_hex(8)
    check = PhoneCheck.objects.create(
        organisation=township,
        village=village,
        purpose=purpose,
        phone=phone,
        phone_hash=digest,
        address_hash=address_hash,
        name=(name or "").strip()[:40],
        topics=list(topics),
        code_hash=_code_hash(salt, code),
        salt=salt,
        sent_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    value = dataclasses.replace(target_value(target), recipients=(phone,))
    try:
        adapter_for(value, TargetStore(target.pk)).send(render_code(value, code), f"code-{uuid.uuid4().hex}")
    except DeliveryError as exc:
        logger.warning("verification SMS not sent through target %s: %s", target.pk, exc.message)
        PhoneCheck.objects.filter(pk=check.pk).update(used_at=now)  # never usable, still counted
        raise ChannelError("短信发送失败，请稍后再试") from None
    return check


def phone_check_confirm(*, check_id: int, township, code: str, now: datetime.datetime | None = None):
    """Check the code of PhoneCheck `check_id` and, when right, subscribe (the village and topics chosen, consent
    today, source 门户自助订阅) or unsubscribe (every subscription of the number in the township) in the same
    transaction. A wrong code uses one of 5 tries; an expired or used code is refused. Returns the Subscriber
    (subscribe) or the number of subscriptions ended (unsubscribe)."""
    from gongkai.channels.models import PhoneCheck, PhoneCheckPurpose

    now = now or timezone.now()
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
        raise ChannelError("请填写短信中的6位数字验证码", field="code")
    with transaction.atomic():
        check = (
            PhoneCheck.objects.select_for_update(of=("self",))  # PostgreSQL locks no outer-joined village
            .filter(pk=check_id, organisation=township)
            .select_related("village")
            .first()
        )
        if check is None or check.used_at is not None:
            raise ChannelError("验证码已失效，请重新获取", field="code")
        if now >= check.expires_at:
            raise ChannelError("验证码已过期（10分钟内有效），请重新获取", field="code")
        if check.tries >= CODE_MAX_TRIES:
            raise ChannelError("验证码错误次数过多，请重新获取", field="code")
        if not hmac.compare_digest(check.code_hash, _code_hash(check.salt, code)):
            check.tries += 1
            check.save(update_fields=["tries"])
            left = CODE_MAX_TRIES - check.tries
            message = f"验证码不正确，还可以再试{left}次" if left else "验证码错误次数过多，请重新获取"
            _wrong = ChannelError(message, field="code")
        else:
            _wrong = None
            check.used_at = now
            check.save(update_fields=["used_at"])
            if check.purpose == PhoneCheckPurpose.SUBSCRIBE:
                result = _portal_subscribe(check, now)
            else:
                result = subscriber_opt_out(organisation=township, phone=check.phone, actor=None)
    if _wrong is not None:
        raise _wrong
    return result


def _portal_subscribe(check, now: datetime.datetime) -> Subscriber:
    """The villager's subscription from a confirmed PhoneCheck: new, renewed after an opt-out, or the same
    number choosing other topics (the newest consent counts). Writes `channels.subscriber_add`."""
    village, phone = check.village, check.phone
    existing = (
        Subscriber.objects.select_for_update()
        .filter(organisation=village, phone_hash=check.phone_hash)
        .first()
    )
    subscriber = existing or Subscriber(organisation=village, phone_hash=check.phone_hash)
    before = (
        {**snapshot(existing), "phone": mask_mobile(phone)}
        if existing and existing.opted_out_at is None
        else None
    )
    subscriber.name = check.name or (existing.name if existing else "")
    subscriber.phone, subscriber.topics = phone, list(check.topics)
    subscriber.consent_on = timezone.localdate(now)
    subscriber.consent_source = ConsentSource.PORTAL
    subscriber.opted_out_at = None
    subscriber.save()
    audit_record(
        actor=None,
        action="channels.subscriber_add",
        obj=subscriber,
        organisation=village,
        before=before,
        after={
            **snapshot(subscriber),
            "phone": mask_mobile(phone),
            "consent": CONSENT_TEXT.format(township=check.organisation.name),
        },
    )
    return subscriber


def unsubscribe_token(*, township, phone: str) -> str:
    """A signed link's token that ends the number's subscriptions in the township in one confirmation (shown
    to the villager when they subscribe; it names no number in clear)."""
    from django.core import signing

    return signing.dumps({"o": township.pk, "h": _phone_hash(clean_mobile(phone))}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_by_token(*, township, token: str, confirm: bool) -> tuple[str, int]:
    """(masked number, subscriptions ended) for a signed unsubscribe link of `township`; with `confirm` False only
    looks (the confirmation page). A forged or foreign token: ChannelError."""
    from django.core import signing

    try:
        data = signing.loads(token or "", salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ChannelError("退订链接无效，请用手机号码和验证码退订") from None
    if data.get("o") != township.pk:
        raise ChannelError("退订链接无效，请用手机号码和验证码退订")
    active = Subscriber.objects.filter(
        belongs_to(township), phone_hash=data.get("h"), opted_out_at__isnull=True
    )
    first = active.first()
    if first is None:
        return "", 0
    masked = mask_mobile(first.phone)
    if not confirm:
        return masked, active.count()
    return masked, subscriber_opt_out(organisation=township, phone=first.phone, actor=None)


# ---- choosing channels when publishing (issue 13) ----------------------------------------------------------------

# The 公开渠道和载体 of a catalog entry (catalog.models.CATALOG_CHANNELS, from the 基层政务公开标准目录) → the kinds
# of target that carry it. 政府网站 is always confirmed on publication; 两微一端 is the WeChat account; 公示栏（电子屏）
# the boards and screens; 精准推送 the pushes to people (SMS, work-group robots, QQ groups); 政务服务中心 and
# 便民服务站 the service hall. 公报, 发布会, 广播电视, 纸质媒体, 入户/现场 have no target kind here.
CATALOG_CHANNEL_KINDS: dict[str, tuple[str, ...]] = {
    "website": (TargetKind.WEBSITE,),
    "new_media": (TargetKind.WECHAT,),
    "notice_board": (TargetKind.NOTICE_BOARD, TargetKind.VILLAGE_BOARD, TargetKind.LED_SCREEN),
    "reading_point": (TargetKind.READING_POINT,),
    "service_centre": (TargetKind.SERVICE_HALL,),
    "service_station": (TargetKind.SERVICE_HALL,),
    "targeted_push": (*SMS_KINDS, TargetKind.WECOM_ROBOT, TargetKind.DINGTALK_ROBOT, TargetKind.QQ_GROUP),
}


def publish_targets(organisation):
    """The targets a publication of `organisation` may go to: its own enabled ones (not the website, which every
    publication reaches) and the village boards below it (a township's 公示 goes up on every village's board)."""
    return (
        ChannelTarget.objects.filter(
            Q(organisation=organisation)
            | Q(organisation__path__startswith=organisation.path, kind=TargetKind.VILLAGE_BOARD),
            enabled=True,
        )
        .exclude(kind=TargetKind.WEBSITE)
        .select_related("organisation")
    )


def default_target_ids(organisation, catalog_channels: Iterable[str] = ()) -> set[int]:
    """The targets ticked by default in the approval form (and used when nobody chose): those whose kind carries
    one of the catalog entry's 公开渠道和载体, plus those marked 发布时默认选中."""
    kinds = {kind for code in catalog_channels for kind in CATALOG_CHANNEL_KINDS.get(code, ())}
    return {
        target.pk for target in publish_targets(organisation) if target.default_on or target.kind in kinds
    }
