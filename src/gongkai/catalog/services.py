"""Writes of proactive disclosure: items (信息), attachments, the workflow, list publishing.

The standard catalog and the organisation's own entries are in catalog/standard.py, the bulk import of
existing items in catalog/importing.py.

Every function takes keyword arguments, runs in one transaction, raises a DomainError subclass with a
message fit to show, and writes an audit event (and a DisclosureEvent for each workflow step).
"""

import dataclasses
import datetime
import uuid
from collections.abc import Iterable
from pathlib import Path

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.audit.services import audit_record, changed_only, snapshot
from gongkai.audit.writes import delete_audited
from gongkai.catalog import duties, indexing, permissions
from gongkai.catalog.models import (
    TRANSITIONS,
    Attachment,
    Disclosure,
    DisclosureEvent,
    DocumentClass,
    IndexCounter,
    Kind,
    Status,
    Validity,
)
from gongkai.catalog.posting import posting_period
from gongkai.channels import services as channel_services
from gongkai.channels.adapters import Item as ChannelItem
from gongkai.channels.models import Publication
from gongkai.core import pagecache
from gongkai.core.counters import next_value
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise
from gongkai.core.text import body_text
from gongkai.orgs.models import Organisation, OrgKind
from gongkai.privacy.detect import scan_table, scan_text
from gongkai.privacy.extract import FILE_TYPES, Extracted, extract_text, extraction_note, sniff_type
from gongkai.privacy.mask import ColumnMasking, mask_cell
from gongkai.workdays.queries import calendar_for

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# The 索引号 pattern (catalog.md §3). Provinces that use another rule change this one line.
INDEX_PATTERN = "{code}/{year}-{serial:05d}"
PUBLICATION_LIMIT_WORKDAYS = 20  # Art. 26
RULE_MAKING_KINDS = {OrgKind.PROVINCE, OrgKind.CITY}
GRASSROOTS = {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT, OrgKind.VILLAGE, OrgKind.COMMUNITY}

EDITABLE_FIELDS = (
    "title",
    "summary",
    "body",
    "kind",
    "document_class",
    "doc_no",
    "written_on",
    "publish_at",
    "subject",
    "catalog_entry",
    "validity",
    "effective_on",
    "amended_on",
    "repealed_on",
    "mode",
    "audience",
    "interprets",
    "posting_days",
    "posting_table",
)


class CatalogError(DomainError):
    pass


class WorkflowError(DomainError):
    pass


class PrivacyBlocked(DomainError):
    """Personal data found in an item sent for review; `locations` says where."""

    def __init__(self, message: str, *, locations):
        super().__init__(message)
        self.locations = locations


# ---- items ---------------------------------------------------------------------------------------------------


def sanitize_body(body: str) -> str:
    return nh3.clean(body or "").strip()


def due_date(organisation: Organisation, written_on: datetime.date, *, calendar=None):
    """Art. 26: the 20th working day after 成文日期 on the organisation's calendar (a Deadline)."""
    return (calendar or calendar_for(organisation)).deadline(written_on, PUBLICATION_LIMIT_WORKDAYS)


def posting_fields(
    organisation: Organisation, published_on: datetime.date, posting_days: int, *, calendar=None
) -> dict:
    """The stored 公示期 of an item published on `published_on` (catalog.posting.posting_period)."""
    period = posting_period(published_on, posting_days, calendar or calendar_for(organisation))
    return {"posting_starts_on": period.start, "posting_ends_on": period.end}


def stored_deadlines_recompute(
    *, organisation: Organisation | None, first: datetime.date, last: datetime.date, actor
) -> int:
    """The calendar changed between `first` and `last` for `organisation`'s subtree (None: everywhere): recompute the
    dates stored on items that counted one of those days — the Art. 26 due date of items not yet published (and of
    published ones whose due date is still provisional), and the 公示期 end of postings still running. Runs in the
    caller's transaction (workdays.signals.calendar_changed); one `catalog.deadline_recompute` audit row per item
    whose dates moved or whose provisional flag changed. Returns how many items changed."""
    items = (
        Disclosure.objects.select_related("organisation")
        .filter(written_on__lt=last, due_on__gte=first)
        .exclude(status__in=[Status.PUBLISHED, Status.RETRACTED], due_provisional=False)
    )
    postings = Disclosure.objects.select_related("organisation").filter(
        kind=Kind.POSTING,
        status=Status.PUBLISHED,
        posting_days__isnull=False,
        published_on__lt=last,
        posting_ends_on__gte=first,
    )
    if organisation is not None:
        items = items.filter(organisation__path__startswith=organisation.path)
        postings = postings.filter(organisation__path__startswith=organisation.path)
    calendars: dict[int, object] = {}

    def calendar_of(org):
        if org.pk not in calendars:
            calendars[org.pk] = calendar_for(org)
        return calendars[org.pk]

    changes: dict[int, tuple[Disclosure, dict]] = {}
    for d in items:
        deadline = due_date(d.organisation, d.written_on, calendar=calendar_of(d.organisation))
        new = {"due_on": deadline.due, "due_provisional": deadline.provisional}
        if new != {"due_on": d.due_on, "due_provisional": d.due_provisional}:
            changes[d.pk] = (d, new)
    for d in postings:
        new = posting_fields(
            d.organisation, d.published_on, d.posting_days, calendar=calendar_of(d.organisation)
        )
        if new != {"posting_starts_on": d.posting_starts_on, "posting_ends_on": d.posting_ends_on}:
            changes.setdefault(d.pk, (d, {}))[1].update(new)
    for d, new in changes.values():
        before = {field: getattr(d, field) for field in new}
        Disclosure.objects.filter(pk=d.pk).update(**new)
        audit_record(
            actor=actor,
            action="catalog.deadline_recompute",
            obj=d,
            organisation=d.organisation,
            before={k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in before.items()},
            after={k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in new.items()},
        )
    return len(changes)


def on_calendar_changed(sender, *, organisation, first, last, actor, **kwargs) -> None:
    """Receiver of workdays.signals.calendar_changed (connected in CatalogConfig.ready)."""
    stored_deadlines_recompute(organisation=organisation, first=first, last=last, actor=actor)


def _validate(disclosure: Disclosure, *, calendar=None) -> None:
    d = disclosure
    d.title = (d.title or "").strip()
    if not d.title:
        raise CatalogError("请填写名称", field="title")
    if not d.written_on:
        raise CatalogError("请填写成文日期", field="written_on")
    if d.kind != Kind.DOCUMENT:
        d.document_class = DocumentClass.ORDINARY
    org = d.organisation
    if d.document_class == DocumentClass.RULE and org.kind not in RULE_MAKING_KINDS:
        if org.kind in GRASSROOTS:
            raise CatalogError("乡镇人民政府无规章制定权", field="document_class")
        raise CatalogError("本机关无规章制定权（规章由省级和设区的市级人民政府制定）", field="document_class")
    if d.kind == Kind.INTERPRETATION and d.interprets_id is None:
        raise CatalogError("政策解读须关联其所解读的文件", field="interprets")
    if d.interprets_id is not None:
        if d.pk and d.interprets_id == d.pk:
            raise CatalogError("政策解读不能关联自身", field="interprets")
        if d.kind != Kind.INTERPRETATION:
            d.interprets = None
    if d.kind == Kind.POSTING:
        if not d.posting_days:
            raise CatalogError("公示须填写公示期（工作日）", field="posting_days")
    else:
        d.posting_days = None
        d.posting_table = None
    if d.validity == Validity.REPEALED and not d.repealed_on:
        raise CatalogError("已废止的文件须填写废止日期", field="repealed_on")
    if d.validity == Validity.AMENDED and not d.amended_on:
        raise CatalogError("已修改的文件须填写修改日期", field="amended_on")
    if d.validity != Validity.REPEALED:
        d.repealed_on = None
    if d.catalog_entry_id is not None:
        entry_org = d.catalog_entry.organisation
        if entry_org is None or not org.path.startswith(entry_org.path):
            raise CatalogError("目录条目须属于本机构或其上级机构的公开目录", field="catalog_entry")
    if d.posting_table is not None:
        _check_posting_table_shape(d.posting_table)
    d.body = sanitize_body(d.body)
    deadline = due_date(org, d.written_on, calendar=calendar)
    d.due_on, d.due_provisional = deadline.due, deadline.provisional


def _check_posting_table_shape(table) -> None:
    if not isinstance(table, dict) or not isinstance(table.get("columns"), list):
        raise CatalogError("公示名单格式无效")
    width = len(table["columns"])
    if any(not isinstance(row, list) or len(row) != width for row in table.get("rows", [])):
        raise CatalogError("公示名单每行的列数须与表头一致")


def disclosure_create(*, organisation: Organisation, actor, title: str, written_on, **fields) -> Disclosure:
    """Create a draft (草稿) for `organisation`. Requires a drafting role there (a village clerk: their village).

    Sanitises the body with nh3, computes the Art. 26 due date. Writes `catalog.disclosure_create` and the
    first DisclosureEvent (→ 草稿).
    """
    permissions.require(permissions.can_draft(actor, organisation), "您没有权限为该机构起草信息")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise CatalogError(f"不能设置字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        disclosure = Disclosure(
            organisation=organisation, title=title, written_on=written_on, created_by=_user(actor), **fields
        )
        _validate(disclosure)
        full_clean_or_raise(disclosure, exclude=["index_no"])
        disclosure.save()
        _event(disclosure, "", Status.DRAFT, actor, "")
        audit_record(
            actor=actor, action="catalog.disclosure_create", obj=disclosure, after=snapshot(disclosure)
        )
        return disclosure


def disclosure_update(*, disclosure: Disclosure, actor, **fields) -> Disclosure:
    """Change a draft. Only 草稿 can change; a submitted item comes back to 草稿 by 退回."""
    permissions.require(permissions.can_draft(actor, disclosure.organisation), "您没有权限修改该信息")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise CatalogError(f"不能设置字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        current = Disclosure.objects.select_for_update().select_related("organisation").get(pk=disclosure.pk)
        if current.status != Status.DRAFT:
            raise WorkflowError("只有草稿可以修改；已提交的信息须退回后再修改")
        before = snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _validate(current)
        full_clean_or_raise(current, exclude=["index_no"])
        current.save()
        b, a = changed_only(before, snapshot(current))
        audit_record(actor=actor, action="catalog.disclosure_update", obj=current, before=b, after=a)
        return current


def disclosure_set_validity(
    *, disclosure: Disclosure, actor, validity: str, changed_on: datetime.date | None
) -> Disclosure:
    """Mark a published document 有效 / 已修改 / 已废止 with its date (the source of Table A 本年废止/现行有效)."""
    permissions.require(
        permissions.can_review(actor, disclosure.organisation), "只有审核人或管理员可以变更有效性"
    )
    if validity not in Validity.values:
        raise CatalogError("无效的有效性", field="validity")
    if validity != Validity.VALID and not changed_on:
        raise CatalogError("请填写修改或废止日期", field="changed_on")
    with transaction.atomic():
        current = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
        if current.status != Status.PUBLISHED:
            raise WorkflowError("只有已发布的信息可以变更有效性")
        if changed_on and changed_on < current.written_on:
            raise CatalogError("修改或废止日期不能早于成文日期", field="changed_on")
        before = snapshot(current)
        current.validity = validity
        if validity == Validity.REPEALED:
            current.repealed_on = changed_on
        elif validity == Validity.AMENDED:
            current.amended_on, current.repealed_on = changed_on, None
        else:
            current.repealed_on = None
        current.save(update_fields=["validity", "repealed_on", "amended_on", "updated_at"])
        b, a = changed_only(before, snapshot(current))
        audit_record(actor=actor, action="catalog.disclosure_validity", obj=current, before=b, after=a)
        pagecache.changed()
        return current


def disclosure_delete(*, disclosure: Disclosure, actor) -> None:
    """Delete a draft that was never submitted (anything submitted keeps its record)."""
    permissions.require(permissions.can_draft(actor, disclosure.organisation), "您没有权限删除该信息")
    if disclosure.status != Status.DRAFT or disclosure.events.exclude(to_status=Status.DRAFT).exists():
        raise WorkflowError("只有从未提交过的草稿可以删除")
    with transaction.atomic():
        for attachment in disclosure.attachments.all():
            attachment.file.delete(save=False)
        delete_audited(actor=actor, obj=disclosure, action="catalog.disclosure_delete")


# ---- attachments -----------------------------------------------------------------------------------------------


def attachment_add(
    *, disclosure: Disclosure, actor, name: str, data: bytes, extracted: Extracted | None = None
) -> Attachment:
    """Attach a file to a draft. The type is read from the content (pdf, doc, docx, xls, xlsx, ofd, jpg, png),
    the size is at most 20 MB; the file goes to Django's default storage and its text is extracted for the
    privacy guard and search (`extracted`: the caller extracted it already, outside its write transaction).
    Writes `catalog.attachment_add`."""
    permissions.require(permissions.can_draft(actor, disclosure.organisation), "您没有权限为该信息上传附件")
    if disclosure.status != Status.DRAFT:
        raise WorkflowError("只有草稿可以上传附件")
    if not data:
        raise CatalogError("文件为空", field="file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise CatalogError(f"文件超过{MAX_ATTACHMENT_BYTES // (1024 * 1024)}MB的上限", field="file")
    file_type = sniff_type(data)
    if file_type not in FILE_TYPES:
        raise CatalogError(extraction_note(None), field="file")
    if extracted is None:
        extracted = extract_text(data)
    original = Path(name or "附件").name[:200] or "附件"
    with transaction.atomic():
        attachment = Attachment(
            disclosure=disclosure,
            original_name=original,
            file_type=file_type,
            size=len(data),
            extracted_text=extracted.text,
        )
        # A generated name: the uploader's file name never reaches the file system.
        attachment.file.save(f"{uuid.uuid4().hex}.{file_type}", ContentFile(data), save=False)
        attachment.save()
        audit_record(
            actor=actor,
            action="catalog.attachment_add",
            obj=attachment,
            organisation=disclosure.organisation,
            after={"disclosure_id": disclosure.pk, "name": original, "type": file_type, "size": len(data)},
        )
        return attachment


def attachment_delete(*, attachment: Attachment, actor) -> None:
    disclosure = attachment.disclosure
    permissions.require(permissions.can_draft(actor, disclosure.organisation), "您没有权限删除该附件")
    if disclosure.status != Status.DRAFT:
        raise WorkflowError("只有草稿可以删除附件")
    with transaction.atomic():
        name = attachment.file.name
        attachment.delete()
        audit_record(
            actor=actor,
            action="catalog.attachment_delete",
            organisation=disclosure.organisation,
            object_type="catalog.attachment",
            object_repr=attachment.original_name,
            before={"disclosure_id": disclosure.pk, "name": attachment.original_name},
        )
        transaction.on_commit(lambda: attachment.file.storage.delete(name))


# ---- the privacy guard -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FindingLocation:
    where: str  # 名称 / 内容概述 / 正文 / 附件“…” / 公示名单
    position: str  # 第N字 / 第r行第c列
    label: str  # 公民身份号码 …
    masked: str  # the finding, masked: safe to show and to log

    def __str__(self):
        return f"{self.where}{self.position}处发现{self.label} {self.masked}"


def privacy_findings(disclosure: Disclosure) -> list[FindingLocation]:
    """Personal data in the title, summary, body text, attachments' text and the posting table."""
    out: list[FindingLocation] = []
    texts = [
        ("名称", disclosure.title),
        ("内容概述", disclosure.summary),
        ("正文", body_text(disclosure.body)),
    ]
    if disclosure.pk:
        texts += [(f"附件“{a.original_name}”", a.extracted_text) for a in disclosure.attachments.all()]
    for where, text in texts:
        for f in scan_text(text or ""):
            out.append(FindingLocation(where, f"第{f.start + 1}字", f.label, f.masked))
    table = disclosure.posting_table or {}
    if table.get("rows"):
        for tf in scan_table([table.get("columns", [])] + table["rows"]):
            out.append(
                FindingLocation(
                    "公示名单", f"第{tf.row}行第{tf.column + 1}列", tf.finding.label, tf.finding.masked
                )
            )
    return out


def _privacy_message(locations: list[FindingLocation]) -> str:
    shown = "；".join(str(loc) for loc in locations[:10])
    more = f"等{len(locations)}处" if len(locations) > 10 else ""
    return f"发现个人信息，请脱敏后再提交（或由审核人填写理由放行）：{shown}{more}"


# ---- the workflow -------------------------------------------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(disclosure, from_status, to_status, actor, comment) -> DisclosureEvent:
    return DisclosureEvent.objects.create(
        disclosure=disclosure,
        from_status=from_status,
        to_status=to_status,
        actor=_user(actor),
        at=timezone.now(),
        comment=comment or "",
    )


def _transition(*, disclosure: Disclosure, actor, to: str, comment: str = "", extra: dict | None = None):
    """Move the item along TRANSITIONS with compare-and-set; one DisclosureEvent and one audit row."""
    frm = disclosure.status
    if to not in TRANSITIONS[frm]:
        raise WorkflowError(f"“{Status(frm).label}”状态的信息不能转为“{Status(to).label}”")
    updates = {"status": to, "updated_at": timezone.now(), **(extra or {})}
    with transaction.atomic():
        if Disclosure.objects.filter(pk=disclosure.pk, status=frm).update(**updates) != 1:
            raise WorkflowError("该信息的状态已被他人更改，请刷新页面后重试")
        for name, value in updates.items():
            setattr(disclosure, name, value)
        _event(disclosure, frm, to, actor, comment)
        after = {"status": to, **{k: v for k, v in (extra or {}).items()}}
        if comment:
            after["comment"] = comment
        audit_record(
            actor=actor,
            action=f"catalog.disclosure_{to}",
            obj=disclosure,
            before={"status": frm},
            after=after,
        )
        if Status.PUBLISHED in (frm, to):
            indexing.index_disclosure(disclosure)  # published → indexed; retracted → removed
            pagecache.changed()  # every cached public page is rebuilt after commit
    return disclosure


def _fresh(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.select_related("organisation").get(pk=disclosure.pk)


def disclosure_submit(*, disclosure: Disclosure, actor, override_reason: str = "") -> Disclosure:
    """草稿 → 待审核 (保密审查). Runs the privacy guard over the title, summary, body text, attachments and the
    posting table: findings block the submission (PrivacyBlocked, listing where) unless a reviewer/admin gives
    an override reason, which is stored in privacy_override and audited (`catalog.privacy_override`)."""
    disclosure = _fresh(disclosure)
    permissions.require(permissions.can_draft(actor, disclosure.organisation), "您没有权限提交该信息")
    if disclosure.status != Status.DRAFT:
        raise WorkflowError("只有草稿可以提交审核")
    override_reason = (override_reason or "").strip()
    locations = privacy_findings(disclosure)
    extra = {}
    with transaction.atomic():
        if locations:
            if not override_reason:
                raise PrivacyBlocked(_privacy_message(locations), locations=locations)
            permissions.require(
                permissions.can_review(actor, disclosure.organisation), "只有审核人或管理员可以放行隐私检查"
            )
            extra["privacy_override"] = override_reason
            audit_record(
                actor=actor,
                action="catalog.privacy_override",
                obj=disclosure,
                after={"reason": override_reason, "findings": [str(loc) for loc in locations]},
            )
        return _transition(
            disclosure=disclosure, actor=actor, to=Status.SECRECY_REVIEW, comment=override_reason, extra=extra
        )


def _separate_duties(*, disclosure: Disclosure, actor, action: str, waiver: str) -> None:
    """Refuse `action` to the actor under the organisation's separation of duties (catalog.duties), unless the
    calling code gives a waiver reason, recorded as `catalog.duties_waived` in the caller's transaction."""
    reason = duties.conflict(actor, disclosure, action)
    if reason is None:
        return
    waiver = (waiver or "").strip()
    if not waiver:
        raise CatalogError(reason)
    audit_record(
        actor=actor,
        action="catalog.duties_waived",
        obj=disclosure,
        after={"step": action, "rule": reason, "reason": waiver},
    )


def disclosure_review_pass(
    *, disclosure: Disclosure, actor, comment: str = "", separation_waiver: str = ""
) -> Disclosure:
    """待审核 → 待审批: the 保密审查 (Art. 17) found nothing that may not be published.

    Under separation of duties (on by default) the creator and the submitter may not pass it: CatalogError.
    `separation_waiver` is for code that publishes on the records' authority (the annual report), never a view."""
    disclosure = _fresh(disclosure)
    permissions.require(
        permissions.can_review(actor, disclosure.organisation), "只有审核人或管理员可以进行保密审查"
    )
    with transaction.atomic():
        _separate_duties(
            disclosure=disclosure, actor=actor, action=duties.REVIEW_PASS, waiver=separation_waiver
        )
        return _transition(disclosure=disclosure, actor=actor, to=Status.APPROVAL, comment=comment)


def disclosure_send_back(*, disclosure: Disclosure, actor, comment: str) -> Disclosure:
    """待审核 / 待审批 → 草稿, with the reviewer's comment (required). A scheduled approval is cancelled."""
    disclosure = _fresh(disclosure)
    permissions.require(permissions.can_review(actor, disclosure.organisation), "只有审核人或管理员可以退回")
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError("退回须填写意见", field="comment")
    return _transition(
        disclosure=disclosure, actor=actor, to=Status.DRAFT, comment=comment, extra={"approved_at": None}
    )


def disclosure_approve(
    *,
    disclosure: Disclosure,
    actor,
    comment: str = "",
    publish_at=None,
    now=None,
    separation_waiver: str = "",
    channel_target_ids=None,
) -> Disclosure:
    """待审批 → 已发布, or, with `publish_at` in the future, approved and left 待审批 until
    `disclosures_publish_due` publishes it (an event 待审批 → 待审批 records the approval).

    `channel_target_ids`: the channel targets the approver chose (None: the default set of
    `channel_target_defaults`), kept on the item for a scheduled publication.

    Under separation of duties (on by default) whoever passed the 保密审查 may not approve: CatalogError."""
    disclosure = _fresh(disclosure)
    permissions.require(
        permissions.can_review(actor, disclosure.organisation), "只有审核人或管理员可以审批发布"
    )
    now = now or timezone.now()
    if disclosure.status != Status.APPROVAL:
        raise WorkflowError("只有待审批的信息可以审批发布")
    if disclosure.approved_at is not None:
        raise WorkflowError("该信息已审批，等待定时发布")
    with transaction.atomic():
        _separate_duties(disclosure=disclosure, actor=actor, action=duties.APPROVE, waiver=separation_waiver)
        return _approve(
            disclosure=disclosure,
            actor=actor,
            comment=comment,
            publish_at=publish_at,
            now=now,
            channel_target_ids=channel_target_ids,
        )


def _approve(
    *, disclosure: Disclosure, actor, comment: str, publish_at, now, channel_target_ids=None
) -> Disclosure:
    publish_at = publish_at or disclosure.publish_at
    if publish_at and publish_at > now:
        with transaction.atomic():
            chosen = None if channel_target_ids is None else sorted(int(pk) for pk in channel_target_ids)
            updated = Disclosure.objects.filter(
                pk=disclosure.pk, status=Status.APPROVAL, approved_at__isnull=True
            ).update(approved_at=now, publish_at=publish_at, updated_at=now, channel_targets=chosen)
            if updated != 1:
                raise WorkflowError("该信息的状态已被他人更改，请刷新页面后重试")
            disclosure.approved_at, disclosure.publish_at = now, publish_at
            when = timezone.localtime(publish_at).strftime("%Y-%m-%d %H:%M")
            _event(
                disclosure,
                Status.APPROVAL,
                Status.APPROVAL,
                actor,
                f"审批通过，定时于{when}发布。{comment}".strip(),
            )
            audit_record(
                actor=actor,
                action="catalog.disclosure_schedule",
                obj=disclosure,
                after={"publish_at": publish_at, "comment": comment, "channel_targets": chosen},
            )
        return disclosure
    return _publish(
        disclosure=disclosure,
        actor=actor,
        on_date=timezone.localdate(now),
        comment=comment,
        now=now,
        channel_target_ids=channel_target_ids,
    )


def _next_index_no(organisation: Organisation, year: int) -> str:
    """The next 索引号 for the organisation and year, under a row lock. Serials are never reused."""
    serial = next_value(IndexCounter, "last_serial", organisation=organisation, year=year)
    return format_index_no(organisation.credit_code or organisation.code, year, serial)


def format_index_no(code: str, year: int, serial: int) -> str:
    """索引号 from the organ's own code (catalog.md §3): 11640221MB1959741M/2024-00001."""
    if serial < 1:
        raise ValueError("serial numbers start at 1")
    return INDEX_PATTERN.format(code=code, year=year, serial=serial)


def _publish(
    *,
    disclosure: Disclosure,
    actor,
    on_date: datetime.date,
    comment: str = "",
    now=None,
    channel_target_ids=None,
) -> Disclosure:
    org = disclosure.organisation
    with transaction.atomic():
        deadline = due_date(org, disclosure.written_on)
        extra = {
            "index_no": _next_index_no(org, on_date.year),
            "published_on": on_date,
            "due_on": deadline.due,
            "due_provisional": deadline.provisional,
            "approved_at": disclosure.approved_at or now or timezone.now(),
        }
        if disclosure.kind == Kind.POSTING and disclosure.posting_days:
            extra.update(posting_fields(org, on_date, disclosure.posting_days))
        _transition(disclosure=disclosure, actor=actor, to=Status.PUBLISHED, comment=comment, extra=extra)
        # the outbox rows, in this transaction: the website confirmed, the other channels sent after commit
        channel_services.dispatches_create(
            organisation=org,
            disclosure_id=disclosure.pk,
            item=channel_item(disclosure),
            actor=actor,
            target_ids=(
                channel_target_defaults(disclosure) if channel_target_ids is None else channel_target_ids
            ),
            now=now,
        )
    return disclosure


def channel_target_defaults(disclosure: Disclosure) -> set[int]:
    """The channel targets an item goes to unless the approver chooses: those carrying its catalog entry's
    公开渠道和载体 (基层政务公开标准目录), plus the organisation's targets marked 发布时默认选中."""
    entry = disclosure.catalog_entry
    return channel_services.default_target_ids(disclosure.organisation, entry.channels if entry else ())


def channel_item(disclosure: Disclosure) -> ChannelItem:
    """The plain values the channels render (they know nothing of the catalog)."""
    entry = disclosure.catalog_entry
    return ChannelItem(
        id=disclosure.pk,
        title=disclosure.title,
        url=settings.PUBLIC_BASE_URL.rstrip("/") + reverse("portal_catalog:item", args=[disclosure.pk]),
        organisation=disclosure.organisation.name,
        organisation_code=disclosure.organisation.code,
        index_no=disclosure.index_no or "",
        body_text=body_text(disclosure.body or ""),
        body_html=disclosure.body or "",
        kind=disclosure.kind,
        category=(entry.level2 or entry.level1) if entry else "",
        topics=channel_services.topics_for(
            disclosure.title, (entry.level1 + (entry.level2 or "")) if entry else ""
        ),
        published_on=disclosure.published_on,
        posting_start=disclosure.posting_starts_on,
        posting_end=disclosure.posting_ends_on,
        supervision_phone=disclosure.organisation.phone or "",
        # every SMS about it carries the way out (the township's 退订 page; a village's is its township's)
        unsubscribe_url=settings.PUBLIC_BASE_URL.rstrip("/")
        + reverse(
            "channels_portal:unsubscribe",
            args=[channel_services.subscription_township(disclosure.organisation).code],
        ),
    )


def disclosures_publish_due(*, now=None) -> list[Disclosure]:
    """Publish every approved item whose publish_at has come (run by `gongkai publish_due` from cron/beat).
    Each item in its own transaction; the publication date is the local date of publish_at."""
    now = now or timezone.now()
    published = []
    due = Disclosure.objects.filter(
        status=Status.APPROVAL, approved_at__isnull=False, publish_at__lte=now
    ).select_related("organisation")
    for disclosure in due:
        try:
            published.append(
                _publish(
                    disclosure=disclosure,
                    actor=None,
                    on_date=timezone.localdate(disclosure.publish_at),
                    comment="定时发布",
                    now=now,
                    channel_target_ids=disclosure.channel_targets,  # as the approver chose them
                )
            )
        except WorkflowError:
            continue  # someone sent it back meanwhile
    return published


def disclosure_retract(*, disclosure: Disclosure, actor, comment: str) -> Disclosure:
    """已发布 → 已撤回 with a reason. The record and its 索引号 stay; the number is never given again."""
    disclosure = _fresh(disclosure)
    permissions.require(permissions.can_review(actor, disclosure.organisation), "只有审核人或管理员可以撤回")
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError("撤回须填写理由", field="comment")
    with transaction.atomic():
        retracted = _transition(disclosure=disclosure, actor=actor, to=Status.RETRACTED, comment=comment)
        channel_services.dispatches_withdraw(disclosure_id=disclosure.pk)  # nothing more goes out
    return retracted


# ---- channel records ----------------------------------------------------------------------------------------------


def disclosure_channel_record(
    *, disclosure: Disclosure, actor, channel: str, published_on: datetime.date, note: str = ""
) -> Publication:
    """Record that a published item went out through another channel (channels.services.publication_record).
    Requires a drafting role on the item's organisation."""
    permissions.require(
        permissions.can_draft(actor, disclosure.organisation), "您没有权限登记该信息的发布渠道"
    )
    if disclosure.status != Status.PUBLISHED:
        raise channel_services.ChannelError("只有已发布的信息才能登记发布渠道")
    return channel_services.publication_record(
        disclosure=disclosure, channel=channel, published_on=published_on, actor=actor, note=note
    )


def disclosure_channel_delete(*, publication: Publication, actor) -> None:
    """Remove a wrongly recorded channel record. Requires a drafting role on the item's organisation."""
    permissions.require(
        permissions.can_draft(actor, publication.disclosure.organisation), "您没有权限删除该发布记录"
    )
    channel_services.publication_delete(publication=publication, actor=actor)


# ---- list publishing (公示名单) -----------------------------------------------------------------------------------


def posting_table_build(
    *, headers: list, rows: Iterable[list], columns: list[int], maskings: dict[int, str]
) -> dict:
    """The 公示 table: only the chosen columns, each masked as chosen; dropped columns are left out entirely.
    Refuses a table in which personal data would still be visible (e.g. an ID column kept unmasked)."""
    chosen = [c for c in columns if ColumnMasking(maskings.get(c, ColumnMasking.KEEP)) != ColumnMasking.DROP]
    if not chosen:
        raise CatalogError("请至少选择一列公开")
    for c in chosen:
        if c < 0 or c >= len(headers):
            raise CatalogError("所选列不存在")
    out_rows = []
    for row in rows:
        cells = [
            mask_cell(row[c] if c < len(row) else "", maskings.get(c, ColumnMasking.KEEP)) for c in chosen
        ]
        if any(cells):
            out_rows.append(cells)
    table = {
        "columns": [str(headers[c]).strip() for c in chosen],
        "rows": out_rows,
        "maskings": [ColumnMasking(maskings.get(c, ColumnMasking.KEEP)).value for c in chosen],
    }
    found = scan_table(table["rows"])
    if found:
        first = found[0]
        raise CatalogError(
            f"公开列中仍有未脱敏的{first.finding.label}（第{first.row + 1}行“{table['columns'][first.column]}”列），"
            "请为该列选择脱敏方式或不公开该列"
        )
    return table


def posting_draft_create(
    *,
    organisation: Organisation,
    actor,
    title: str,
    written_on,
    posting_days: int,
    headers: list,
    rows: list[list],
    columns: list[int],
    maskings: dict[int, str],
    summary: str = "",
    catalog_entry=None,
) -> Disclosure:
    """A 公示 draft whose posting_table holds only the masked published columns (never the uploaded data)."""
    table = posting_table_build(headers=headers, rows=rows, columns=columns, maskings=maskings)
    return disclosure_create(
        organisation=organisation,
        actor=actor,
        title=title,
        written_on=written_on,
        kind=Kind.POSTING,
        posting_days=posting_days,
        posting_table=table,
        summary=summary,
        catalog_entry=catalog_entry,
    )
