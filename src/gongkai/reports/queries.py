"""Reads about annual reports: the state of each organisation's report and the deadline warnings."""

import datetime

from gongkai.orgs.models import Organisation, OrgKind
from gongkai.reports.models import AnnualReport, ReportState

STATE_LABELS = {"not_started": "未开始", **dict(ReportState.choices)}
REPORTING_KINDS = [
    OrgKind.COUNTY,
    OrgKind.TOWNSHIP,
    OrgKind.SUBDISTRICT,
    OrgKind.DEPARTMENT,
    OrgKind.CITY,
    OrgKind.PROVINCE,
]


def publication_deadline(year: int) -> datetime.date:
    """Art. 49: the report for a year is published by 31 January of the next year."""
    return datetime.date(year + 1, 1, 31)


def rollup(parent: Organisation, year: int, *, today: datetime.date) -> list[dict]:
    """Each reporting child organisation of `parent` with its report's state; late after 31 January."""
    children = list(parent.children.filter(kind__in=REPORTING_KINDS).order_by("sort_order", "id"))
    reports = {
        r.organisation_id: r for r in AnnualReport.objects.filter(organisation__in=children, year=year)
    }
    deadline = publication_deadline(year)
    rows = []
    for child in children:
        report = reports.get(child.pk)
        state = report.state if report else "not_started"
        rows.append(
            {
                "organisation": child,
                "state": state,
                "state_label": STATE_LABELS[state],
                "report": report,
                "late": state != ReportState.PUBLISHED and today > deadline,
                "published_at": report.published_at if report else None,
            }
        )
    return rows


def dashboard_warning(organisation: Organisation, *, today: datetime.date) -> str | None:
    """From 1 January, until last year's report is published."""
    if organisation.kind not in REPORTING_KINDS:
        return None
    year = today.year - 1
    report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    if report and report.state == ReportState.PUBLISHED:
        return None
    deadline = publication_deadline(year)
    if today > deadline:
        return f"{year}年政府信息公开工作年度报告尚未发布，已超过法定期限（{deadline:%Y年%m月%d日}）。"
    return f"{year}年政府信息公开工作年度报告尚未发布，请于{deadline:%Y年%m月%d日}前发布。"


def report_disclosure_ids(organisation: Organisation):
    """Ids of the items (catalog.Disclosure) through which the subtree's annual reports were published, as a
    subquery: the portal's 年报 column lists those of them the public may see."""
    return AnnualReport.objects.filter(
        organisation__path__startswith=organisation.path, disclosure__isnull=False
    ).values("disclosure_id")
