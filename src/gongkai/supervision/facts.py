"""The facts the self-check rules need, read for one organisation through the other apps' queries."""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.db.models import Max

from gongkai.applications import queries as application_queries
from gongkai.catalog import queries as catalog_queries
from gongkai.channels import queries as channel_queries
from gongkai.keyworks import queries as keywork_queries
from gongkai.orgs.models import GRASSROOTS_KINDS, VILLAGE_KINDS, OrgKind
from gongkai.participation import queries as participation_queries
from gongkai.reports import queries as report_queries
from gongkai.supervision.models import BrokenLink
from gongkai.supervision.rules import POSTING_END_WARN_DAYS, Facts
from gongkai.workdays.queries import calendar_for

# Organisations with a column of their own on the site (a 站所 publishes through its township).
HOME_KINDS = {
    OrgKind.PROVINCE,
    OrgKind.CITY,
    OrgKind.COUNTY,
    OrgKind.TOWNSHIP,
    OrgKind.SUBDISTRICT,
    OrgKind.DEPARTMENT,
}
VILLAGE_FINANCE_WORD = "财务"  # 村级财务收支公开: how villages title their monthly finance posting
MAX_ATTACHMENTS_CHECKED = 200  # a bound on the file-system look-ups of one run


def is_internal_office(organisation) -> bool:
    """An office inside a 乡镇 (e.g. 党政综合办公室): not an organ of its own, so no column and no annual report of
    its own (its work is the township's) — unless marked as a disclosure organ (`is_disclosure_organ`), when it
    has a board row and is expected to file like any organ."""
    if organisation.is_disclosure_organ:
        return False
    parent = organisation.parent
    return organisation.kind == OrgKind.DEPARTMENT and parent is not None and parent.kind in GRASSROOTS_KINDS


def read(organisation, *, today: dt.date) -> Facts:
    last = catalog_queries.last_published(organisation)
    is_village = organisation.kind in VILLAGE_KINDS
    internal = is_internal_office(organisation)
    facts = Facts(
        organisation_id=organisation.pk,
        is_village=is_village,
        has_home=organisation.kind in HOME_KINDS and not internal,
        last_item_on=last.get(""),
        last_by_kind={kind: last.get(kind) for kind in ("news", "notice", "document")},
    )
    wechat = channel_queries.last_published_on(organisation, "wechat")
    facts.has_wechat, facts.last_wechat_on = wechat is not None, wechat
    if is_village:
        facts.last_village_finance_on = catalog_queries.last_published_titled(
            organisation, VILLAGE_FINANCE_WORD
        )
    facts.open_questions = list(
        participation_queries.questions_in(organisation, include_children=False)
        .filter(participation_queries.open_questions_filter())
        .values_list("pk", "subject", "received_on", "due_on")
    )
    facts.unpublished_items = list(
        catalog_queries.unpublished_with_due(organisation).values_list("pk", "title", "due_on")
    )
    facts.postings_ending = list(
        catalog_queries.postings_ending(
            organisation, today, today + dt.timedelta(days=POSTING_END_WARN_DAYS)
        ).values_list("pk", "title", "posting_ends_on")
    )
    facts.applications = [
        (row.application.pk, row.application.case_number, row.state, row.clock.due_on)
        for row in application_queries.queue(organisation=organisation, today=today)
        if row.application.organisation_id == organisation.pk
        and row.state in ("due_soon", "overdue")
        and row.clock.due_on
    ]
    if not internal and report_queries.dashboard_warning(organisation, today=today):
        facts.report_year = today.year - 1
    facts.broken_links = list(
        BrokenLink.objects.filter(organisation=organisation)
        .select_related("disclosure")
        .values_list("disclosure_id", "disclosure__title", "url")
    )
    facts.missing_files = [
        (a.disclosure_id, a.disclosure.title, a.original_name)
        for a in catalog_queries.published_attachments(organisation)[:MAX_ATTACHMENTS_CHECKED]
        if not default_storage.exists(a.file.name)
    ]
    facts.feedback_overdue = list(
        participation_queries.consultations_in(organisation, include_children=False)
        .filter(participation_queries.overdue_feedback_filter(today))
        .values_list("pk", "title", "feedback_due_on")
    )
    facts.key_work_gaps = [
        (timeline.work.pk, f"{timeline.work.title}：{row.stage.name}", row.expected.on or today)
        for timeline in keywork_queries.works_with_gaps(organisation, today, calendar_for(organisation))
        if timeline.work.organisation_id == organisation.pk
        for row in timeline.gaps
    ]
    return facts


def read_columns_as_of(organisation, *, as_of: dt.date) -> Facts:
    """The column facts only (home, 工作动态/通知公告/政策文件, a village's 村务公开 and finances) as they stood at
    the end of `as_of`: items published later do not count (考核 of a past period reads the period's end)."""
    end_of_day = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)
    public = catalog_queries.public_disclosures(now=end_of_day).filter(
        organisation=organisation, published_on__lte=as_of
    )
    last = {
        row["kind"]: row["last"]
        for row in public.values("kind").annotate(last=Max("published_on")).order_by()
    }
    is_village = organisation.kind in VILLAGE_KINDS
    return Facts(
        organisation_id=organisation.pk,
        is_village=is_village,
        has_home=organisation.kind in HOME_KINDS and not is_internal_office(organisation),
        last_item_on=max((d for d in last.values() if d), default=None),
        last_by_kind={kind: last.get(kind) for kind in ("news", "notice", "document")},
        last_village_finance_on=(
            public.filter(title__contains=VILLAGE_FINANCE_WORD).aggregate(last=Max("published_on"))["last"]
            if is_village
            else None
        ),
    )
