"""Writes to annual reports: narrative edits, checking, publishing; and the yearly external figures."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gongkai.audit.services import audit_record
from gongkai.core.errors import DomainError
from gongkai.core.services import save_audited
from gongkai.orgs import permissions as org_permissions
from gongkai.reports import checks, permissions
from gongkai.reports.compile import FREE, CompiledReport, compile_report, from_snapshot
from gongkai.reports.findings import HARD, Finding, is_consistent
from gongkai.reports.models import TRANSITIONS, AnnualReport, ExternalFigures, ReportState

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


def _transition(report: AnnualReport, to: str) -> None:
    if to not in TRANSITIONS[report.state] and to != report.state:
        raise ReportError(f"年度报告不能从“{report.get_state_display()}”变为“{ReportState(to).label}”")


def report_save_narrative(
    *, actor, report: AnnualReport, texts: dict[str, str], include_children: bool | None = None
) -> AnnualReport:
    """Save the clerk's text for the editable sections; the report goes back to 草稿 until checked again."""
    if not permissions.can_edit_report(actor, report.organisation):
        raise ReportError("您没有权限编辑该机构的年度报告")
    if report.state == ReportState.PUBLISHED:
        raise ReportError("年度报告已发布，不能再修改")
    unknown = set(texts) - EDITABLE_KEYS
    if unknown:
        raise ReportError(f"未知的报告部分：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        narrative = dict(report.narrative or {})
        for key, text in texts.items():
            narrative[key] = text.replace("\r\n", "\n").strip()
        report.narrative = narrative
        if include_children is not None:
            report.include_children = include_children
        report.state = ReportState.DRAFT
        report.findings = []
        return save_audited(actor=actor, obj=report, action="reports.narrative_save")


def report_check(*, actor, report: AnnualReport) -> list[Finding]:
    """Run every check; a report with no hard finding becomes 已校验 (ready to publish)."""
    if not permissions.can_edit_report(actor, report.organisation):
        raise ReportError("您没有权限校验该机构的年度报告")
    if report.state == ReportState.PUBLISHED:
        raise ReportError("年度报告已发布")
    findings = report_findings(report_compile(report))
    with transaction.atomic():
        report.findings = [f.to_dict() for f in findings]
        report.checked_at = timezone.now()
        report.state = ReportState.CHECKED if is_consistent(findings) else ReportState.DRAFT
        save_audited(actor=actor, obj=report, action="reports.check")
    return findings


def report_publish(*, actor, report: AnnualReport) -> AnnualReport:
    """Publish a checked report as an item of the 政府信息公开年报 column, with a 索引号. Refused on any hard finding."""
    from gongkai.reports import publishing

    if not permissions.can_publish_report(actor, report.organisation):
        raise ReportError("只有审核人或管理员可以发布年度报告")
    if report.state != ReportState.CHECKED:
        raise ReportError("请先校验报告，校验通过后才能发布")
    compiled = report_compile(report)
    findings = report_findings(compiled)
    hard = [f for f in findings if f.severity == HARD]
    if hard:
        raise ReportError("报告未通过校验，不能发布：" + "；".join(f.message for f in hard[:5]))
    _transition(report, ReportState.PUBLISHED)
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.state != ReportState.CHECKED:
            raise ReportError("报告状态已变化，请刷新后重试")
        disclosure = publishing.publish_as_disclosure(actor=actor, compiled=compiled)
        from gongkai.reports.render import to_dict

        report.snapshot = to_dict(compiled)
        report.disclosure = disclosure
        report.state = ReportState.PUBLISHED
        report.published_at = timezone.now()
        save_audited(actor=actor, obj=report, action="reports.publish")
    return report


def report_create(*, actor, organisation, year: int) -> AnnualReport:
    if not permissions.can_edit_report(actor, organisation):
        raise ReportError("您没有权限编辑该机构的年度报告")
    if year < 2008 or year > timezone.localdate().year:
        raise ReportError(f"年度应在2008年至{timezone.localdate().year}年之间")
    with transaction.atomic():
        existing = AnnualReport.objects.filter(organisation=organisation, year=year).first()
        if existing:
            return existing
        report = AnnualReport(organisation=organisation, year=year)
        return save_audited(actor=actor, obj=report, action="reports.create")


def external_figures_save(*, actor, figures: ExternalFigures) -> ExternalFigures:
    if not org_permissions.can_edit_records(actor, figures.organisation):
        raise ReportError("您没有权限维护该机构的业务数据")
    if not figures.source_note.strip():
        raise ReportError("请填写数据来源说明（例如：县行政审批服务局业务系统导出）", field="source_note")
    return save_audited(actor=actor, obj=figures, action="reports.external_figures_save")


def report_state_for(organisation, year: int) -> str:
    report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    return report.state if report else "not_started"


def audit_export(*, actor, report: AnnualReport, output_format: str) -> None:
    audit_record(actor=actor, action="reports.export", obj=report, after={"format": output_format})
