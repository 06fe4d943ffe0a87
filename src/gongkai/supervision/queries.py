"""The self-check's findings and the county board's figures. One definition per figure: the count on the board
and the list behind its link come from the same function (`figure_records`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gongkai.applications import permissions as application_permissions
from gongkai.applications import queries as application_queries
from gongkai.catalog import permissions as catalog_permissions
from gongkai.catalog import queries as catalog_queries
from gongkai.channels import permissions as channel_permissions
from gongkai.channels import queries as channel_queries
from gongkai.orgs import queries as org_queries
from gongkai.orgs.models import OrgKind
from gongkai.participation import permissions as participation_permissions
from gongkai.participation import queries as participation_queries
from gongkai.reports import queries as report_queries
from gongkai.supervision import facts, rules

BOARD_KINDS = {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT, OrgKind.DEPARTMENT}
COLUMN_RULES = {"home_stale", "column_stale", "column_empty", "village_stale", "village_finance_stale"}
FIGURES = {
    "overdue_applications": "超期未答复的依申请公开",
    "late_items": "未按时限公开的信息",
    "stale_columns": "不更新或空白的栏目",
    "overdue_questions": "逾期未答复的留言",
    "key_work_gaps": "重点工作缺项",
}


def self_check(organisation, *, today: dt.date) -> list[rules.Finding]:
    """The findings of one organisation (itself, not the organisations below it)."""
    return rules.check(facts.read(organisation, today=today), today)


def self_check_subtree(organisation, *, today: dt.date) -> list[tuple[object, list[rules.Finding]]]:
    """(organisation, findings) for the organisation and each organisation below it, in tree order."""
    return [(org, self_check(org, today=today)) for org in org_queries.subtree(organisation).order_by("path")]


def _overdue_applications(organisation, today):
    return application_queries.queue(organisation=organisation, today=today, state="overdue")


def figure_records(organisation, figure: str, *, today: dt.date, checks=None) -> list[dict]:
    """The records behind one figure of the board for `organisation`'s subtree: the board counts these rows.
    `checks`: the subtree's self-check when the caller has it already."""
    if figure == "overdue_applications":
        return [
            {
                "label": r.application.case_number,
                "organisation": r.application.organisation,
                "date": r.clock.due_on,
                "type": "application",
                "pk": r.application.pk,
                "note": "答复期限",
            }
            for r in _overdue_applications(organisation, today)
        ]
    if figure == "late_items":
        qs = catalog_queries.in_subtree(organisation).filter(catalog_queries.late_items_filter(today))
        return [
            {
                "label": d.title,
                "organisation": d.organisation,
                "date": d.due_on,
                "type": "disclosure",
                "pk": d.pk,
                "note": f"公开时限；发布于{d.published_on:%Y-%m-%d}"
                if d.published_on
                else "公开时限；尚未发布",
            }
            for d in qs.select_related("organisation").order_by("due_on", "id")
        ]
    if figure == "stale_columns":
        return [
            {
                "label": f"{f.label}：{f.subject}",
                "organisation": org,
                "date": f.fails_on,
                "type": "column",
                "pk": org.pk,
                "note": "未通过日期",
            }
            for org, findings in (
                checks if checks is not None else self_check_subtree(organisation, today=today)
            )
            for f in findings
            if f.rule in COLUMN_RULES and f.level == rules.FAILING
        ]
    if figure == "key_work_gaps":
        return [
            {
                "label": f.subject,
                "organisation": org,
                "date": f.fails_on,
                "type": "keywork",
                "pk": f.object_id,
                "note": "应公开日期",
            }
            for org, findings in (
                checks if checks is not None else self_check_subtree(organisation, today=today)
            )
            for f in findings
            if f.rule == "key_work_gap"
        ]
    if figure == "overdue_questions":
        qs = participation_queries.questions_in(organisation).filter(
            participation_queries.overdue_questions_filter(today)
        )
        return [
            {
                "label": q.subject,
                "organisation": q.organisation,
                "date": q.due_on,
                "type": "question",
                "pk": q.pk,
                "note": "答复期限",
            }
            for q in qs.order_by("due_on", "id")
        ]
    raise KeyError(figure)


@dataclass
class ReportStatus:
    year: int
    state_label: str
    published_on: dt.date | None
    late: bool


@dataclass
class BoardRow:
    organisation: object
    figures: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    report: ReportStatus | None = None
    duties_separated: bool = True


def report_status(organisation, *, today: dt.date) -> ReportStatus | None:
    """Last year's report: its state, the day it was published, late when published (or still not) after 31 Jan."""
    if organisation.parent is None or facts.is_internal_office(organisation):
        return None
    year = today.year - 1
    deadline = report_queries.publication_deadline(year)
    for row in report_queries.rollup(organisation.parent, year, today=today):
        if row["organisation"].pk != organisation.pk:
            continue
        published_at = row["published_at"]
        published_on = published_at.date() if published_at else None
        late = (published_on or today) > deadline
        return ReportStatus(year, row["state_label"], published_on, late)
    return None  # not a reporting organisation


def board_organisations(organisation) -> list:
    """The townships, 街道 and departments under `organisation` (itself included), less the internal offices of
    a township (their records count in the township's row)."""
    orgs = (
        org_queries.subtree(organisation)
        .filter(kind__in=BOARD_KINDS)
        .select_related("parent")
        .order_by("path")
    )
    return [org for org in orgs if not facts.is_internal_office(org)]


def board(organisation, *, today: dt.date) -> list[BoardRow]:
    """One row per township, 街道 and department under `organisation` (itself included when it is one)."""
    rows = []
    for org in board_organisations(organisation):
        row = BoardRow(organisation=org, duties_separated=org.separate_review_duties)
        checks = self_check_subtree(org, today=today)
        for figure in FIGURES:
            row.figures[figure] = len(figure_records(org, figure, today=today, checks=checks))
        row.warnings = sum(1 for _org, findings in checks for f in findings if f.level == rules.WARNING)
        row.report = report_status(org, today=today)
        rows.append(row)
    return rows


def todo(user, organisation, *, today: dt.date) -> dict[str, list]:
    """我的待办 in `organisation`'s subtree: drafts sent back to the user, items waiting for their review, the
    applications due soon or overdue that are theirs (or nobody's), 留言 to answer, comments to moderate and
    采纳情况 due, and channel sends that failed for good (失败待处理). Each list is empty when the user's role does not do that work."""
    orgs = org_queries.subtree(organisation)
    review = [
        d
        for d in catalog_queries.review_queue(user, orgs)
        if catalog_permissions.can_review(user, d.organisation)
    ]
    applications = []
    if application_permissions.can_handle(user, organisation):
        applications = [
            row
            for row in application_queries.queue(organisation=organisation, today=today)
            if row.state in ("due_soon", "overdue", "awaiting_confirmation")  # Art. 31(3): 确认收到 waits
            and row.application.assignee_id in (None, user.pk)
        ]
    can_handle = participation_permissions.can_handle(user, organisation)
    can_moderate = participation_permissions.can_moderate(user, organisation)
    return {
        "returned": list(catalog_queries.returned_drafts(user).filter(organisation__in=orgs)),
        "review": review,
        "applications": applications,
        "questions": list(
            participation_queries.questions_in(organisation)
            .filter(participation_queries.open_questions_filter())
            .order_by("due_on", "id")
        )
        if can_handle
        else [],
        "comments": list(participation_queries.pending_comments(orgs)) if can_moderate else [],
        "feedback": list(
            participation_queries.consultations_in(organisation)
            .filter(state="closed")
            .order_by("feedback_due_on")
        )
        if can_moderate
        else [],
        "dead_sends": list(channel_queries.dispatches(organisation, status="dead")[:50])
        if channel_permissions.can_send(user, organisation)
        else [],
    }


def summary(organisation, *, today: dt.date) -> dict[str, int]:
    """How many of the organisation's own findings fail and how many warn (the office dashboard's line)."""
    findings = self_check(organisation, today=today)
    failing = sum(1 for f in findings if f.level == rules.FAILING)
    return {"failing": failing, "warning": len(findings) - failing}
