"""Writes of 举报投诉 and 行政复议/行政诉讼 records. One transaction and one audit row each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongkai.applications import permissions as app_perms
from gongkai.audit.services import audit_record, changed_only, snapshot
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise
from gongkai.oversight.models import (
    REMEDY_TRANSITIONS,
    Complaint,
    ComplaintChannel,
    Remedy,
    RemedyKind,
    RemedyResult,
)


class OversightError(DomainError):
    pass


def _require(actor, organisation) -> None:
    if actor is not None:
        app_perms.require(app_perms.can_handle(actor, organisation), "您没有权限为该机构登记此类记录")


def _check_dates(first: dt.date | None, last: dt.date | None, first_label: str, last_label: str, field: str):
    if first and last and last < first:
        raise OversightError(f"{last_label}不能早于{first_label}", field=field)


def complaint_create(
    *,
    organisation,
    actor,
    received_on: dt.date,
    channel: str,
    subject: str,
    content: str,
    handling: str = "",
    result: str = "",
    closed_on: dt.date | None = None,
    is_demo: bool = False,
) -> Complaint:
    """Record a 举报投诉 about disclosure work; `closed_on` with a `result` when it is finished.
    Writes `oversight.complaint_create`."""
    _require(actor, organisation)
    if channel not in ComplaintChannel.values:
        raise OversightError("请选择投诉渠道", field="channel")
    _check_dates(received_on, closed_on, "收到日期", "办结日期", "closed_on")
    if closed_on and not (result or "").strip():
        raise OversightError("办结的投诉须填写处理结果", field="result")
    complaint = Complaint(
        organisation=organisation,
        received_on=received_on,
        channel=channel,
        subject=(subject or "").strip(),
        content=(content or "").strip(),
        handling=(handling or "").strip(),
        result=(result or "").strip(),
        closed_on=closed_on,
        is_demo=is_demo,
    )
    with transaction.atomic():
        full_clean_or_raise(complaint)
        complaint.save()
        audit_record(
            actor=actor or "系统",
            action="oversight.complaint_create",
            obj=complaint,
            after=snapshot(complaint),
        )
    return complaint


def complaint_close(
    *, complaint: Complaint, actor, handling: str, result: str, closed_on: dt.date
) -> Complaint:
    """Finish a complaint with its handling and result. Writes `oversight.complaint_close`."""
    _require(actor, complaint.organisation)
    if complaint.closed_on:
        raise OversightError("该投诉已办结")
    if not (result or "").strip():
        raise OversightError("请填写处理结果", field="result")
    _check_dates(complaint.received_on, closed_on, "收到日期", "办结日期", "closed_on")
    with transaction.atomic():
        before = snapshot(complaint)
        updated = Complaint.objects.filter(pk=complaint.pk, closed_on__isnull=True).update(
            handling=(handling or "").strip(), result=result.strip(), closed_on=closed_on
        )
        if updated != 1:
            raise OversightError("该投诉已办结")
        complaint.refresh_from_db()
        before, after = changed_only(before, snapshot(complaint))
        audit_record(
            actor=actor or "系统",
            action="oversight.complaint_close",
            obj=complaint,
            before=before,
            after=after,
        )
    return complaint


def remedy_create(
    *,
    organisation,
    actor,
    kind: str,
    filed_on: dt.date,
    application=None,
    body: str = "",
    reference: str = "",
    result: str = RemedyResult.PENDING,
    decided_on: dt.date | None = None,
    note: str = "",
    is_demo: bool = False,
) -> Remedy:
    """Record a 行政复议 or 行政诉讼 (Table C). A result other than 尚未审结 needs its decision date.
    Writes `oversight.remedy_create`."""
    _require(actor, organisation)
    if kind not in RemedyKind.values:
        raise OversightError("请选择类型：行政复议、未经复议直接起诉或复议后起诉", field="kind")
    if result not in RemedyResult.values:
        raise OversightError("请选择结果", field="result")
    if (result == RemedyResult.PENDING) != (decided_on is None):
        raise OversightError("已审结的须填写审结日期并选择结果；尚未审结的不填审结日期", field="decided_on")
    _check_dates(filed_on, decided_on, "立案日期", "审结日期", "decided_on")
    if application is not None:
        if not application.organisation.path.startswith(organisation.path):
            raise OversightError("所涉申请不属于该机构", field="application")
        if filed_on < application.received_on:
            raise OversightError("立案日期不能早于申请的收到日期", field="filed_on")
    remedy = Remedy(
        organisation=organisation,
        application=application,
        kind=kind,
        filed_on=filed_on,
        body=(body or "").strip(),
        reference=(reference or "").strip(),
        result=result,
        decided_on=decided_on,
        note=(note or "").strip(),
        is_demo=is_demo,
    )
    with transaction.atomic():
        full_clean_or_raise(remedy)
        remedy.save()
        audit_record(
            actor=actor or "系统", action="oversight.remedy_create", obj=remedy, after=snapshot(remedy)
        )
    return remedy


def remedy_decide(*, remedy: Remedy, actor, result: str, decided_on: dt.date) -> Remedy:
    """Record the result of a pending review or lawsuit (compare-and-set on 尚未审结).
    Writes `oversight.remedy_decide`."""
    _require(actor, remedy.organisation)
    if result not in REMEDY_TRANSITIONS[RemedyResult(remedy.result)]:
        raise OversightError("该案件已审结，或所选结果无效", field="result")
    _check_dates(remedy.filed_on, decided_on, "立案日期", "审结日期", "decided_on")
    with transaction.atomic():
        before = snapshot(remedy)
        updated = Remedy.objects.filter(pk=remedy.pk, result=remedy.result).update(
            result=result, decided_on=decided_on
        )
        if updated != 1:
            raise OversightError("该案件刚被他人修改，请刷新后重试")
        remedy.refresh_from_db()
        before, after = changed_only(before, snapshot(remedy))
        audit_record(
            actor=actor or "系统", action="oversight.remedy_decide", obj=remedy, before=before, after=after
        )
    return remedy
