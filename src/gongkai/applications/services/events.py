"""The events of an application after its receipt (补正, 征求意见, 延期, 收费, 答复, 送达, 归档) and its assignment.

Every event goes through `_record`: the clock checks the new event against the history (`clock.check_event`), the
stage moves along `models.TRANSITIONS` with a compare-and-set on the application's version, and the event row and
its audit row are written in the same transaction. The names of the event kinds are those of `clock.EventKind`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from gongkai.applications import permissions as perms
from gongkai.applications import uploads
from gongkai.applications.clock import (
    FEE_PAUSES_CLOCK,
    MAX_EXTENSION_WORKDAYS,
    ClockError,
    EventKind,
    PauseReason,
    check_event,
    compute_clock,
)
from gongkai.applications.decisions import (
    ABANDONED_FEE_UNPAID,
    ABANDONED_NO_CORRECTION,
    DECISIONS,
    UNCLEAR_AFTER_CORRECTION,
)
from gongkai.applications.fees import FeeError, check_single_basis, fee_quote
from gongkai.applications.models import (
    TRANSITIONS,
    Application,
    ApplicationEvent,
    Delivery,
    FeeNotice,
    FilePurpose,
    Stage,
)
from gongkai.applications.queries import events_of
from gongkai.applications.services import files as attached
from gongkai.applications.services.common import ApplicationError, _require, _today, audit_view
from gongkai.applications.services.letter_numbers import letter_number_for_event
from gongkai.audit.services import audit_record, snapshot
from gongkai.workdays.queries import calendar_for

# Who may record an event: staff who handle the organisation's applications; an extension is approved by the head
# of the disclosure office (Art. 33 ¶2).
EVENT_PERMISSIONS = {EventKind.EXTENSION_APPROVED: perms.can_approve_extension}


def can_record(user, organisation, kind: EventKind) -> bool:
    """Whether `user` may record an event of `kind` for `organisation` (not whether the clock allows it now)."""
    return EVENT_PERMISSIONS.get(kind, perms.can_handle)(user, organisation)


def _record(
    *,
    application: Application,
    actor,
    kind: EventKind,
    date: dt.date,
    data: dict | None = None,
    note: str = "",
    updates: dict | None = None,
    today: dt.date | None = None,
    audit_actor: str = "",
) -> Application:
    """Record one event: the actor must be allowed to (`can_record`), the clock must accept it after the history
    (`clock.check_event`), the stage moves along `TRANSITIONS` with a compare-and-set on the version, and the
    event row and the audit row `applications.<kind>` are written in one transaction. `updates` are fields of the
    application changed with it. Raises `ApplicationError` with the clock's message."""
    today = today or _today()
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ApplicationError("请填写日期", field="date")
    if date > today:
        raise ApplicationError("日期不能晚于今天", field="date")
    data = dict(data or {})
    with transaction.atomic():
        current = Application.objects.select_related("organisation").get(pk=application.pk)
        _require(actor, can_record(actor, current.organisation, kind))
        if current.anonymised_at is not None:
            raise ApplicationError("该申请的个人信息已按保存期限清除，不能再办理")
        calendar = calendar_for(current.organisation)
        events = events_of(current)
        try:
            check_event(events, (kind, date, data), calendar, fee_pauses_clock=FEE_PAUSES_CLOCK)
        except ClockError as exc:
            raise ApplicationError(exc.message, field=exc.field) from None
        fields = dict(updates or {})
        if kind in (EventKind.DECIDED, EventKind.DEEMED_ABANDONED):
            status = compute_clock(
                [*events, (kind, date, data)], calendar, today=today, fee_pauses_clock=FEE_PAUSES_CLOCK
            )
            fields.setdefault("decision", status.decision or "")
            fields["decided_on"] = date
            new_stage = Stage.CLOSED
        elif kind == EventKind.DELIVERED:
            new_stage = Stage.DELIVERED
        elif kind == EventKind.ARCHIVED:
            new_stage = Stage.ARCHIVED
        else:
            new_stage = Stage.OPEN
        if new_stage not in TRANSITIONS[current.stage]:
            raise ApplicationError(f"申请处于“{Stage(current.stage).label}”阶段，不能记录“{kind.label}”")
        before = audit_view(current)
        changed = Application.objects.filter(
            pk=current.pk, version=current.version, stage=current.stage
        ).update(version=F("version") + 1, stage=new_stage, updated_at=timezone.now(), **fields)
        if changed != 1:
            raise ApplicationError("该申请刚被他人修改，请刷新页面后重试")
        event = ApplicationEvent.objects.create(
            application=current,
            kind=kind,
            date=date,
            data=data,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            note=(note or "").strip(),
        )
        letter_number_for_event(application=current, event=event)  # the 文号 of the letter it issues, if any
        current.refresh_from_db()
        after = audit_view(current)
        after["event"] = snapshot(event)
        audit_record(
            actor=actor or audit_actor or "系统",
            action=f"applications.{kind.value}",
            obj=current,
            before={k: v for k, v in before.items() if after.get(k) != v},
            after=after,
        )
    return current


def application_request_correction(
    *, application, actor, date: dt.date, deadline: dt.date, items: str, today=None
) -> Application:
    """告知补正 (Art. 30): once, within 7 working days of receipt, with what to correct and a reasonable
    deadline. The answer clock stops until the corrected request arrives. Event `correction_requested`."""
    items = (items or "").strip()
    if not items:
        raise ApplicationError("请写明需要补正的事项", field="items")
    if not isinstance(deadline, dt.date):
        raise ApplicationError("请填写补正期限", field="deadline")
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.CORRECTION_REQUESTED,
        date=date,
        data={"deadline": deadline.isoformat(), "items": items},
        today=today,
    )


def application_receive_correction(*, application, actor, date: dt.date, note: str = "", today=None):
    """收到补正 (Art. 30): the 20 working days restart from this date. Event `correction_received`."""
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.CORRECTION_RECEIVED,
        date=date,
        note=note,
        today=today,
    )


ONLINE_CORRECTION_MAX = 2000


def application_answer_correction_online(*, application, text: str, files=(), today=None) -> Application:
    """The applicant's own correction, sent from /track/ (the applicant is identified by the tracking code, not
    by an account): 收到补正 on the day it is sent (Art. 30: the 20 working days restart from the corrected
    request), with the applicant's text kept on the event for the staff and their files (PDF, JPG or PNG by
    content, 5 MB each, 3 at most; services/files.py) attached to it. A text or at least one file. Allowed only
    while a correction is awaited (the clock refuses it otherwise). Event `correction_received`, audited as the
    applicant's, and `applications.files_attach` for the files, in one transaction."""
    text = (text or "").strip()
    checked = attached.correction_files_check(files)
    if not text and not checked:
        raise ApplicationError("请写明补正的内容", field="text")
    if len(text) > ONLINE_CORRECTION_MAX:
        raise ApplicationError(f"补正内容请不超过{ONLINE_CORRECTION_MAX}字", field="text")
    today = today or _today()
    data = {"channel": "online"}
    if checked:
        data["files"] = len(checked)
    with uploads.files_discarded_on_failure() as written, transaction.atomic():
        current = _record(
            application=application,
            actor=None,
            audit_actor="申请人（网上补正）",
            kind=EventKind.CORRECTION_RECEIVED,
            date=today,
            data=data,
            note=text,
            today=today,
        )
        event = current.events.filter(kind=EventKind.CORRECTION_RECEIVED).latest("id")
        attached.store_correction_files(application=current, event=event, files=checked, written=written)
    return current


def application_deem_abandoned(*, application, actor, date: dt.date, note: str = "", today=None):
    """视为放弃申请: the correction or the fee deadline passed. Closes the case as （六）1 or （六）2.
    Event `deemed_abandoned`."""
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.DEEMED_ABANDONED,
        date=date,
        note=note,
        today=today,
    )


# party → (opening event, closing event); the parties are the clock's pause reasons.
CONSULTATION_EVENTS = {
    PauseReason.THIRD_PARTY.value: (
        EventKind.THIRD_PARTY_CONSULTATION_OPENED,
        EventKind.THIRD_PARTY_CONSULTATION_CLOSED,
    ),
    PauseReason.OTHER_ORGAN.value: (
        EventKind.OTHER_ORGAN_CONSULTATION_OPENED,
        EventKind.OTHER_ORGAN_CONSULTATION_CLOSED,
    ),
}


def application_open_consultation(
    *,
    application,
    actor,
    party: str,
    date: dt.date,
    consulted: str,
    letter_received_on: dt.date | None = None,
    note: str = "",
    today=None,
) -> Application:
    """征求意见 of a third party (Art. 32) or of other organs (Art. 34): the clock pauses for at most the 15
    working days the consulted party has to answer. Event `*_consultation_opened`."""
    if party not in CONSULTATION_EVENTS:
        raise ApplicationError("请选择征求意见的对象：第三方或其他机关", field="party")
    consulted = (consulted or "").strip()
    if not consulted:
        raise ApplicationError("请填写被征求意见的单位或个人", field="consulted")
    data = {"consulted": consulted}
    if letter_received_on is not None:
        data["letter_received_on"] = letter_received_on.isoformat()
    return _record(
        application=application,
        actor=actor,
        kind=CONSULTATION_EVENTS[party][0],
        date=date,
        data=data,
        note=note,
        today=today,
    )


def application_close_consultation(
    *, application, actor, party: str, date: dt.date, opinion: str = "", today=None
) -> Application:
    """The consulted party answered (or the consultation ended). Event `*_consultation_closed`."""
    if party not in CONSULTATION_EVENTS:
        raise ApplicationError("请选择征求意见的对象：第三方或其他机关", field="party")
    return _record(
        application=application,
        actor=actor,
        kind=CONSULTATION_EVENTS[party][1],
        date=date,
        data={"opinion": (opinion or "").strip()},
        today=today,
    )


def application_extend(
    *, application, actor, date: dt.date, workdays: int = MAX_EXTENSION_WORKDAYS, reason: str, today=None
) -> Application:
    """延期 (Art. 33 ¶2): approved by the head of the disclosure office (role admin or reviewer), at most 20
    working days, once, before the due date; the applicant is told by the 延期告知书. Event `extension_approved`."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明延期理由", field="reason")
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.EXTENSION_APPROVED,
        date=date,
        data={"workdays": workdays, "reason": reason},
        today=today,
    )


def application_send_fee_notice(
    *,
    application,
    actor,
    date: dt.date,
    basis: str,
    quantity: int | None = None,
    received_on: dt.date | None = None,
    today=None,
) -> FeeNotice:
    """收费通知 (国办函〔2020〕109号): quotes the fee on one basis — 按件 (`quantity` = the applicant's earlier
    requests this month) or 按量 (`quantity` = pages) — and stops the clock until payment. Event
    `fee_notice_sent`; a `FeeNotice` row."""
    received_on = received_on or date
    if basis == "per_request" and quantity is None:
        quantity = requests_earlier_in_month(application)
    try:
        if basis == "per_request":
            quote = fee_quote(basis=basis, previous_in_month=quantity)
        else:
            quote = fee_quote(basis=basis, pages=quantity)
        check_single_basis([*application.fee_notices.values_list("basis", flat=True), basis])
    except FeeError as exc:
        raise ApplicationError(exc.message, field="quantity" if exc.field != "basis" else "basis") from None
    if quote.is_free:
        raise ApplicationError(
            f"按此计算应收金额为0元，无需发出收费通知。{quote.explanation}", field="quantity"
        )
    with transaction.atomic():
        _record(
            application=application,
            actor=actor,
            kind=EventKind.FEE_NOTICE_SENT,
            date=date,
            data={"received_on": received_on.isoformat(), "basis": basis, "amount": str(quote.amount)},
            today=today,
        )
        notice = FeeNotice.objects.create(
            application=application,
            basis=basis,
            quantity=quantity,
            amount_quoted=quote.amount,
            explanation=quote.explanation,
            sent_on=date,
            received_on=received_on,
        )
        audit_record(
            actor=actor or "系统",
            action="applications.fee_notice",
            obj=notice,
            after=snapshot(notice),
            organisation=application.organisation,
        )
    return notice


def requests_earlier_in_month(application: Application) -> int:
    """按件计收 counts per applicant per calendar month: the same identity's earlier applications to the same
    organisation received in the same month."""
    if not application.identity_hash:
        return 0
    first = application.received_on.replace(day=1)
    return (
        Application.objects.filter(
            organisation=application.organisation,
            identity_hash=application.identity_hash,
            received_on__gte=first,
        )
        .filter(
            models.Q(received_on__lt=application.received_on)
            | models.Q(received_on=application.received_on, pk__lt=application.pk)
        )
        .count()
    )


def application_record_fee_payment(
    *, application, actor, date: dt.date, amount_collected: Decimal, today=None
) -> FeeNotice:
    """The applicant paid: the clock runs again. Event `fee_paid`; records the amount collected."""
    notice = application.fee_notices.order_by("-sent_on", "-id").first()
    if notice is None:
        raise ApplicationError("未发出收费通知，不能记录缴费")
    if amount_collected is None or Decimal(amount_collected) < 0:
        raise ApplicationError("请填写实收金额", field="amount_collected")
    with transaction.atomic():
        _record(
            application=application,
            actor=actor,
            kind=EventKind.FEE_PAID,
            date=date,
            data={"amount": str(amount_collected)},
            today=today,
        )
        before = snapshot(notice)
        FeeNotice.objects.filter(pk=notice.pk).update(amount_collected=amount_collected, paid_on=date)
        notice.refresh_from_db()
        audit_record(
            actor=actor or "系统",
            action="applications.fee_collected",
            obj=notice,
            before=before,
            after=snapshot(notice),
            organisation=application.organisation,
        )
    return notice


def application_decide(
    *,
    application,
    actor,
    date: dt.date,
    decision: str,
    reply_text: str,
    legal_basis: str = "",
    files=(),
    today=None,
) -> Application:
    """作出答复: one decision type of Table B (a partial disclosure is only `partly_granted`), the legal basis
    (defaults to the article of the decision type) and the reply text, with the released information as files
    (答复附件, checked by content: services/files.py) the applicant then downloads from /track/. Closes the clock.
    Event `decided` and, with files, `applications.files_attach`, in one transaction."""
    if decision not in DECISIONS:
        raise ApplicationError("请选择答复类型", field="decision")
    if decision in (ABANDONED_NO_CORRECTION, ABANDONED_FEE_UNPAID):
        raise ApplicationError(
            "逾期不补正或逾期未缴费的，请记录“视为放弃申请”，而不是作出答复", field="decision"
        )
    reply_text = (reply_text or "").strip()
    if not reply_text:
        raise ApplicationError("请填写答复内容", field="reply_text")
    if decision == UNCLEAR_AFTER_CORRECTION:
        _require_correction_done(events_of(application), date)
    article = DECISIONS[decision].article
    legal_basis = (legal_basis or "").strip() or (
        f"《中华人民共和国政府信息公开条例》{article}" if article else ""
    )
    checked = attached.released_files_check(files)
    with uploads.files_discarded_on_failure() as written, transaction.atomic():
        current = _record(
            application=application,
            actor=actor,
            kind=EventKind.DECIDED,
            date=date,
            data={"decision": decision, **({"files": len(checked)} if checked else {})},
            updates={"decision": decision, "legal_basis": legal_basis, "reply_text": reply_text},
            today=today,
        )
        if checked:
            event = current.events.filter(kind=EventKind.DECIDED).latest("id")
            stored = attached.store(
                current, event, FilePurpose.RELEASED, checked, actor=actor, written=written
            )
            attached.audit_files(actor, current, FilePurpose.RELEASED, stored)
    return current


def _require_correction_done(events, date: dt.date) -> None:
    """Art. 30: "补正后申请内容仍不明确" (row （四）3) presupposes that a correction was asked for once (一次性告知) and
    that the corrected request arrived, or the period given for it has passed. Otherwise the request was never
    corrected and this answer would skip the applicant's right to correct it. (Once the period has passed with no
    correction, the clock then asks for “视为放弃申请”, row （六）1, instead of an answer.)

    The history only grows, so a check made before `_record` locks the case cannot be undone by a concurrent event.
    """
    requested = next((e for e in events if e[0] == EventKind.CORRECTION_REQUESTED), None)
    if requested is None:
        raise ApplicationError(
            "“补正后申请内容仍不明确”只能在告知补正之后作出：本申请未告知补正。申请内容不明确的，应在收到申请之日起"
            "7个工作日内一次性告知申请人补正（第三十条）",
            field="decision",
        )
    received = any(e[0] == EventKind.CORRECTION_RECEIVED for e in events)
    deadline = (requested[2] or {}).get("deadline")
    deadline = dt.date.fromisoformat(deadline) if isinstance(deadline, str) else deadline
    if not received and (deadline is None or date <= deadline):
        until = f"补正期限至{deadline.year}年{deadline.month}月{deadline.day}日，" if deadline else ""
        raise ApplicationError(
            f"申请人尚未补正，{until}不能作出“补正后申请内容仍不明确”的答复：收到补正后内容仍不明确的，"
            "才能作出此答复（第三十条）",
            field="decision",
        )


def application_deliver(*, application, actor, date: dt.date, method: str, proof: str = "", today=None):
    """送达: how and when the answer reached the applicant, with a proof note (e.g. the 挂号 number). Event
    `delivered`."""
    if method not in Delivery.values:
        raise ApplicationError("请选择送达方式", field="method")
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.DELIVERED,
        date=date,
        data={"method": method},
        updates={
            "delivered_method": method,
            "delivered_on": date,
            "delivery_proof": (proof or "").strip()[:300],
        },
        today=today,
    )


def application_archive(*, application, actor, date: dt.date, today=None) -> Application:
    """归档 (Art. 45), the last stage. Event `archived`; starts the retention period of personal data."""
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.ARCHIVED,
        date=date,
        updates={"archived_on": date},
        today=today,
    )


def application_assign(*, application, actor, assignee) -> Application:
    """Make `assignee` (staff who may handle the organisation's applications) responsible for the case."""
    _require(actor, perms.can_handle(actor, application.organisation))
    if assignee is not None and not perms.can_handle(assignee, application.organisation):
        raise ApplicationError("承办人须为本机关的经办人、审核人或管理员", field="assignee")
    with transaction.atomic():
        before = {"assignee_id": application.assignee_id}
        Application.objects.filter(pk=application.pk).update(assignee=assignee, updated_at=timezone.now())
        application.refresh_from_db()
        audit_record(
            actor=actor or "系统",
            action="applications.assign",
            obj=application,
            before=before,
            after={"assignee_id": application.assignee_id},
        )
    return application
