"""Writes to annual reports: narrative edits, checking, publishing; and the yearly external figures."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gongkai.audit.services import audit_record, changed_only, snapshot
from gongkai.audit.writes import save_audited
from gongkai.catalog import duties
from gongkai.core.errors import DomainError
from gongkai.orgs import permissions as org_permissions
from gongkai.reports import checks, permissions, publishing, render
from gongkai.reports.compile import FREE, CompiledReport, compile_report, from_snapshot
from gongkai.reports.draft_checks import draft_findings, publication_date
from gongkai.reports.findings import HARD, Finding, is_consistent
from gongkai.reports.models import (
    TRANSITIONS,
    AnnualReport,
    ExternalFigures,
    PastReport,
    ReportAction,
    ReportEvent,
    ReportState,
)
from gongkai.reports.parsing import ReportReadError, read_report
from gongkai.reports.tables import B_APPLICANT_COLUMNS, TABLE_A, TABLE_B

EDITABLE_KEYS = {
    "preface",
    "overview",
    "proactive",
    "on_application",
    "response",
    "staffing",
    "problems",
    "other",
    "dated",
}


class ReportError(DomainError):
    pass


def report_get(*, organisation, year: int) -> AnnualReport:
    report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    return report or AnnualReport(organisation=organisation, year=year)


def report_compile(report: AnnualReport) -> CompiledReport:
    """The live compilation; a published report is always shown and exported as it was published."""
    if report.state == ReportState.PUBLISHED and report.snapshot:
        return from_snapshot(report.organisation, report.snapshot)
    previous = AnnualReport.objects.filter(organisation=report.organisation, year=report.year - 1).first()
    return compile_report(
        report.organisation,
        report.year,
        include_children=report.include_children,
        narrative=report.narrative,
        previous_narrative=previous.narrative if previous else None,
    )


def report_findings(compiled: CompiledReport) -> list[Finding]:
    """Every check that applies to a compiled report: the same rules the checker of published reports uses."""
    tables = compiled.tables
    return checks.check_report(
        tables=tables,
        text=compiled.text(),
        previous=compiled.previous_tables,
        township=compiled.organisation.is_grassroots,
        year=compiled.year,
        format_code=None if compiled.style == FREE else compiled.style,
    )


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _transition(
    *,
    report: AnnualReport,
    actor,
    to: str,
    action: str,
    changes: dict | Callable[[AnnualReport], dict] | None = None,
    comment: str = "",
) -> AnnualReport:
    """The one way a report's state changes (and every write to a report after its creation).

    Requires the move `report.state` → `to` to be in TRANSITIONS. In one short transaction: locks the row, refuses
    when its state is no longer the one `report` was read in, computes `changes` (a dict, or a function of the
    locked row), and writes them with the state by compare-and-set (`UPDATE … WHERE state=old`). Writes one
    ReportEvent and one audit row (`reports.<action>`). On return, `report` holds the row as stored.
    """
    frm = report.state
    if to not in TRANSITIONS[frm]:
        raise ReportError(f"年度报告不能从“{ReportState(frm).label}”变为“{ReportState(to).label}”")
    stale = "年度报告的状态已被他人更改，请刷新页面后重试"
    with transaction.atomic():
        current = AnnualReport.objects.select_for_update().filter(pk=report.pk).first()
        if current is None or current.state != frm:
            raise ReportError(stale)
        before = snapshot(current)
        now = timezone.now()
        updates = {
            **((changes(current) if callable(changes) else changes) or {}),
            "state": to,
            "updated_at": now,
        }
        if AnnualReport.objects.filter(pk=report.pk, state=frm).update(**updates) != 1:
            raise ReportError(stale)
        for name, value in updates.items():
            setattr(current, name, value)
        for field in AnnualReport._meta.concrete_fields:
            setattr(report, field.attname, getattr(current, field.attname))
        ReportEvent.objects.create(
            report=report,
            action=action,
            from_state=frm,
            to_state=to,
            actor=_user(actor),
            at=now,
            comment=comment,
        )
        b, a = changed_only(before, snapshot(current))
        audit_record(actor=actor, action=f"reports.{action}", obj=report, before=b, after=a)
    return report


def report_save_narrative(
    *, actor, report: AnnualReport, texts: dict[str, str], include_children: bool | None = None
) -> AnnualReport:
    """Save the clerk's text for the editable sections (merged into the stored text); the report goes back to 草稿
    until checked again. Writes the event `narrative_save` (草稿/已校验 → 草稿)."""
    if not permissions.can_edit_report(actor, report.organisation):
        raise ReportError("您没有权限编辑该机构的年度报告")
    if report.state == ReportState.PUBLISHED:
        raise ReportError("年度报告已发布，不能再修改")
    unknown = set(texts) - EDITABLE_KEYS
    if unknown:
        raise ReportError(f"未知的报告部分：{'、'.join(sorted(unknown))}")

    def changes(current: AnnualReport) -> dict:
        narrative = dict(current.narrative or {})
        for key, text in texts.items():
            narrative[key] = text.replace("\r\n", "\n").strip()
        out = {"narrative": narrative, "findings": []}
        if include_children is not None:
            out["include_children"] = include_children
        return out

    return _transition(
        report=report, actor=actor, to=ReportState.DRAFT, action=ReportAction.NARRATIVE_SAVE, changes=changes
    )


def report_check(*, actor, report: AnnualReport) -> list[Finding]:
    """Run every check (before the write); a report with no hard finding becomes 已校验 (ready to publish), one
    with a hard finding 草稿. Besides the table and text checks, warns (``draft_checks``) of an empty part, 0 staff or
    funding against the organisation's records, and a typed date line. Stores the findings; writes the event `check`."""
    if not permissions.can_edit_report(actor, report.organisation):
        raise ReportError("您没有权限校验该机构的年度报告")
    if report.state == ReportState.PUBLISHED:
        raise ReportError("年度报告已发布")
    compiled = report_compile(report)
    findings = report_findings(compiled) + draft_findings(
        compiled, today=timezone.localdate(), dated_entered=bool((report.narrative or {}).get("dated"))
    )
    consistent = is_consistent(findings)
    _transition(
        report=report,
        actor=actor,
        to=ReportState.CHECKED if consistent else ReportState.DRAFT,
        action=ReportAction.CHECK,
        changes={"findings": [f.to_dict() for f in findings], "checked_at": timezone.now()},
        comment="" if consistent else f"发现 {sum(f.severity == HARD for f in findings)} 处错误",
    )
    return findings


def report_publish(*, actor, report: AnnualReport) -> AnnualReport:
    """Publish a checked report as an item of the 政府信息公开年报 column, with a 索引号. Refused on any hard finding.

    The figures are compiled and checked again, and the PDF, DOCX and body rendered, before the write transaction
    (dated on the day of publication, whatever date line was typed: never back-dated); the transaction then
    re-checks the state (已校验 → 已发布 by compare-and-set), creates and publishes the item with the rendered
    files, and stores the snapshot. Writes the event `publish`.
    """
    if not permissions.can_publish_report(actor, report.organisation):
        raise ReportError("只有审核人或管理员可以发布年度报告")
    if report.state != ReportState.CHECKED:
        raise ReportError("请先校验报告，校验通过后才能发布")
    compilers = set(
        report.events.filter(action__in=(ReportAction.CREATE, ReportAction.NARRATIVE_SAVE))
        .exclude(actor=None)
        .values_list("actor_id", flat=True)
    )
    conflict = duties.report_conflict(actor, report.organisation, compilers)
    if conflict:
        raise ReportError(conflict)
    compiled = report_compile(report)
    hard = [f for f in report_findings(compiled) if f.severity == HARD]
    if hard:
        raise ReportError("报告未通过校验，不能发布：" + "；".join(f.message for f in hard[:5]))
    compiled.dated = publication_date(timezone.localdate())  # dated the day it is published, never back-dated
    rendered = publishing.render_for_publication(compiled)
    snapshot_data = render.to_dict(compiled)

    def changes(current: AnnualReport) -> dict:
        disclosure = publishing.publish_as_disclosure(actor=actor, rendered=rendered)
        return {"snapshot": snapshot_data, "disclosure": disclosure, "published_at": timezone.now()}

    return _transition(
        report=report, actor=actor, to=ReportState.PUBLISHED, action=ReportAction.PUBLISH, changes=changes
    )


def report_create(*, actor, organisation, year: int) -> AnnualReport:
    """A new 草稿 for the organisation and year, or the existing report. Writes the event `create` (→ 草稿)."""
    if not permissions.can_edit_report(actor, organisation):
        raise ReportError("您没有权限编辑该机构的年度报告")
    if year < 2008 or year > timezone.localdate().year:
        raise ReportError(f"年度应在2008年至{timezone.localdate().year}年之间")
    with transaction.atomic():
        existing = AnnualReport.objects.filter(organisation=organisation, year=year).first()
        if existing:
            return existing
        report = save_audited(
            actor=actor, obj=AnnualReport(organisation=organisation, year=year), action="reports.create"
        )
        ReportEvent.objects.create(
            report=report,
            action=ReportAction.CREATE,
            from_state="",
            to_state=report.state,
            actor=_user(actor),
            at=report.created_at,
        )
        return report


def external_figures_save(*, actor, figures: ExternalFigures) -> ExternalFigures:
    if not org_permissions.can_edit_records(actor, figures.organisation):
        raise ReportError("您没有权限维护该机构的业务数据")
    if not figures.source_note.strip():
        raise ReportError("请填写数据来源说明（例如：县行政审批服务局业务系统导出）", field="source_note")
    return save_audited(actor=actor, obj=figures, action="reports.external_figures_save")


def audit_export(*, actor, report: AnnualReport, output_format: str) -> None:
    audit_record(actor=actor, action="reports.export", obj=report, after={"format": output_format})


# ---- import of past reports (the figures the next year's report carries over) --------------------------------

PAST_REPORT_SUFFIXES = (".html", ".htm", ".docx", ".pdf", ".md", ".markdown", ".txt")
PAST_REPORT_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class PastReportReading:
    """What an uploaded past report gives: the carried-over figures, and the checker's findings on it."""

    year: int
    format_code: str
    carried_out: dict[str, int]
    findings: list[Finding]
    file_name: str
    item_counts: dict[str, int] = dataclasses.field(
        default_factory=dict
    )  # 2019 format: year-end 事项数量 (表二)


def _read_past_report(*, year: int, name: str, data: bytes) -> PastReportReading:
    suffix = Path(name).suffix.lower()
    if suffix not in PAST_REPORT_SUFFIXES:
        raise ReportError(
            f"不支持的文件类型“{suffix or name}”，请上传 HTML、DOCX、PDF、Markdown 或文本文件", field="file"
        )
    if len(data) > PAST_REPORT_MAX_BYTES:
        raise ReportError(f"文件超过 {PAST_REPORT_MAX_BYTES // (1024 * 1024)} MB", field="file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(data)
        try:
            parsed = read_report(path)
        except ReportReadError as exc:
            raise ReportError(f"无法读取该文件：{exc}", field="file") from exc
    if parsed.year is not None and parsed.year != year:
        raise ReportError(f"该文件是{parsed.year}年度的报告，不是{year}年度的", field="file")
    table_b = parsed.tables.get(TABLE_B)
    if table_b is None or parsed.format_code is None:
        raise ReportError("未能在该文件中找到表三（收到和处理政府信息公开申请情况）", field="file")
    if "carried_out" in table_b.unread_rows:
        raise ReportError("未能读出表三“四、结转下年度继续办理”一行", field="file")
    carried_out = {column: int(table_b.known(("carried_out", column))) for column in B_APPLICANT_COLUMNS}
    carried_out["total"] = int(table_b.known(("carried_out", "total")))
    findings = checks.check_report(
        tables=parsed.tables,
        text=parsed.text,
        township=parsed.township,
        year=year,
        format_code=parsed.format_code,
    )
    return PastReportReading(
        year,
        parsed.format_code,
        carried_out,
        findings,
        Path(name).name[:200],
        item_counts=year_end_item_counts(parsed.tables.get(TABLE_A), parsed.format_code),
    )


def past_report_import(
    *, actor, organisation, year: int, name: str, data: bytes, confirm: bool
) -> PastReportReading:
    """Read last year's published report; on `confirm`, keep its 结转下年度 figures for the next year's report.

    Without `confirm` nothing is written (the dry run). One transaction, one audit event
    (`reports.past_report_import`).
    """
    if not permissions.can_import_past_report(actor, organisation):
        raise ReportError("只有本机构的管理员可以导入往年年度报告")
    reading = _read_past_report(year=year, name=name, data=data)
    if not confirm:
        return reading
    with transaction.atomic():
        past = PastReport.objects.select_for_update().filter(organisation=organisation, year=year).first()
        past = past or PastReport(organisation=organisation, year=year)
        past.format_code = reading.format_code
        past.carried_out = reading.carried_out
        past.item_counts = reading.item_counts
        past.file_name = reading.file_name
        save_audited(actor=actor, obj=past, action="reports.past_report_import")
    return reading


# The 2019 trial format's Table A rows with an item count (国办公开办函〔2019〕60号 表二, 第二十条第（五）（六）（八）项) and
# the ExternalFigures field each stands for.
ITEM_COUNT_ROWS = {
    "licensing": "licensing_items",
    "other_services": "other_services_items",
    "penalty": "penalty_items",
    "compulsion": "compulsion_items",
    "admin_fees": "admin_fee_items",
}


def year_end_item_counts(table_a, format_code: str | None) -> dict[str, int]:
    """A 2019-format report's year-end item counts: 上一年项目数量 + 本年增/减 of each row read in full (a row left
    blank or unread gives nothing, never 0); empty for the 2021 format, which has no stock."""
    if table_a is None or format_code != "2019":
        return {}
    counts = {}
    for row, name in ITEM_COUNT_ROWS.items():
        if row in table_a.unread_rows:
            continue
        last, change = table_a.values.get((row, "last_year_items")), table_a.values.get((row, "change"))
        if last is None or change is None or last + change < 0:
            continue
        counts[name] = int(last + change)
    return counts
