"""Reads for the public catalog pages: listing with keyset pagination, the item, 年报, feed and export."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from gongkai.catalog.models import Disclosure, Kind, Validity
from gongkai.search.models import EPOCH, KEY_SCALE, SearchDocument, sort_key_for
from gongkai.search.queries import listing_documents, public_disclosures, subtree_filter
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.queries import calendar_for

PER_PAGE = 20
COUNT_CAP = 1_000  # "超过 1000 条" rather than counting a million rows on every page view
ANNUAL_REPORT_TITLE = "政府信息公开工作年度报告"  # no report kind yet: 年报 are found by their title
_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{1,18})$")


def parse_cursor(value: str | None) -> int | None:
    """`2024-05-06_123` (发布日期_id) → sort key; None when absent or malformed."""
    m = _CURSOR.match(value or "")
    if not m:
        return None
    try:
        day = dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None
    return sort_key_for(day, int(m.group(2)))


def cursor_for(sort_key: int) -> str:
    days, disclosure_id = divmod(sort_key, KEY_SCALE)
    return f"{(EPOCH + dt.timedelta(days=days)).isoformat()}_{disclosure_id}"


@dataclass
class CatalogPage:
    items: list[Disclosure]
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool
    total: int
    total_capped: bool


def posting_period(disclosure: Disclosure, calendar: WorkCalendar) -> tuple[dt.date, dt.date] | None:
    """公示期: from the first working day on or after 发布日期, `posting_days` working days in all."""
    if not disclosure.posting_days or not disclosure.published_on:
        return None
    start = calendar.next_workday(disclosure.published_on)
    return start, calendar.add_workdays(start, disclosure.posting_days - 1)


def _earliest_current_start(days: int, today: dt.date, calendar: WorkCalendar) -> dt.date:
    """The earliest 发布日期 whose `days`-working-day 公示期 has not ended by `today` (end is monotone)."""
    start = today
    while True:
        earlier = start - dt.timedelta(days=1)
        first = calendar.next_workday(earlier)
        if calendar.add_workdays(first, days - 1) < today:
            return start
        start = earlier


def current_postings_filter(rows, *, organisation, today: dt.date):
    """Keep only 公示 whose period has not ended. Ended ones stay findable by 索引号 and search."""
    calendar = calendar_for(organisation)
    recent = rows.filter(kind=Kind.POSTING, published_on__gte=today - dt.timedelta(days=400))
    lengths = set(
        recent.exclude(posting_days=None).order_by().values_list("posting_days", flat=True).distinct()
    )
    condition = Q(pk__in=[])
    for days in sorted(lengths):
        start = _earliest_current_start(days, today, calendar)
        condition |= Q(posting_days=days, sort_key__gte=sort_key_for(start, 0))
    return rows.filter(kind=Kind.POSTING).filter(condition)


def catalog_page(
    rows, *, after: int | None = None, before: int | None = None, per_page: int = PER_PAGE, now=None
):
    """One page of SearchDocument `rows` (newest first) by keyset: strictly after or before a sort key."""
    now = now or timezone.now()
    if before is not None and after is None:
        chunk = list(
            rows.filter(sort_key__gt=before)
            .order_by("sort_key")
            .values_list("sort_key", "disclosure_id")[: per_page + 1]
        )
        has_more_newer = len(chunk) > per_page
        chunk = list(reversed(chunk[:per_page]))
        has_more_older = True
    else:
        page_rows = rows.filter(sort_key__lt=after) if after is not None else rows
        chunk = list(page_rows.values_list("sort_key", "disclosure_id")[: per_page + 1])
        has_more_older = len(chunk) > per_page
        chunk = chunk[:per_page]
        has_more_newer = after is not None and rows.filter(sort_key__gte=after).exists()
    found = (
        public_disclosures(now)
        .select_related("organisation", "catalog_entry__area")
        .in_bulk([disclosure_id for _key, disclosure_id in chunk])
    )
    items = [found[d] for _k, d in chunk if d in found]
    total = rows.order_by()[: COUNT_CAP + 1].count()
    return CatalogPage(
        items=items,
        next_cursor=cursor_for(chunk[-1][0]) if chunk and has_more_older else None,
        previous_cursor=cursor_for(chunk[0][0]) if chunk and has_more_newer else None,
        is_first=not has_more_newer,
        total=min(total, COUNT_CAP),
        total_capped=total > COUNT_CAP,
    )


def catalog_rows(
    *, organisation, include_children=True, kind=None, area_id=None, year=None, current=False, now=None
):
    now = now or timezone.now()
    rows = listing_documents(
        organisation=organisation,
        include_children=include_children,
        kind=kind,
        area_id=area_id,
        year=year,
        now=now,
    )
    if current:
        rows = current_postings_filter(rows, organisation=organisation, today=timezone.localdate(now))
    return rows


def year_range(organisation) -> list[int]:
    """Years that have public items in the subtree, newest first (two index lookups)."""
    rows = SearchDocument.objects.filter(subtree_filter(organisation))
    newest = rows.order_by("-sort_key").values_list("year", flat=True).first()
    oldest = rows.order_by("sort_key").values_list("year", flat=True).first()
    if newest is None:
        return []
    return list(range(newest, oldest - 1, -1))


def public_item(pk: int, now=None) -> Disclosure | None:
    return (
        public_disclosures(now)
        .select_related("organisation", "subject__parent", "catalog_entry__area", "interprets")
        .filter(pk=pk)
        .first()
    )


def public_interpretations_of(disclosure: Disclosure, now=None) -> list[Disclosure]:
    # Ids first, through the interprets_id index alone: with the other conditions in the same query, SQLite's
    # statistics (interprets_id is NULL almost everywhere) make it scan the whole table instead.
    ids = list(Disclosure.objects.filter(interprets_id=disclosure.pk).order_by().values_list("pk", flat=True))
    if not ids:
        return []
    rows = public_disclosures(now).filter(pk__in=ids).order_by()
    return sorted(rows, key=lambda d: (d.published_on, d.pk), reverse=True)


def public_interpreted(disclosure: Disclosure, now=None) -> Disclosure | None:
    if not disclosure.interprets_id:
        return None
    return public_disclosures(now).filter(pk=disclosure.interprets_id).first()


def annual_reports(organisation, now=None):
    return (
        public_disclosures(now)
        .filter(organisation__path__startswith=organisation.path, title__contains=ANNUAL_REPORT_TITLE)
        .select_related("organisation")
        .order_by("-published_on", "-id")
    )


def latest_items(organisation, *, limit: int = 30, now=None) -> list[Disclosure]:
    ids = list(
        listing_documents(organisation=organisation, now=now).values_list("disclosure_id", flat=True)[:limit]
    )
    found = public_disclosures(now).select_related("organisation").in_bulk(ids)
    return [found[i] for i in ids if i in found]


EXPORT_FIELDS = [
    ("index_no", "索引号"),
    ("title", "名称"),
    ("organisation__name", "发布机构"),
    ("kind", "类别"),
    ("doc_no", "文号"),
    ("written_on", "成文日期"),
    ("published_on", "发布日期"),
    ("subject__name", "主题分类"),
    ("catalog_entry__area__name", "目录领域"),
    ("validity", "有效性"),
    ("summary", "内容概述"),
]


def export_rows(organisation, now=None):
    """Metadata of every public item in the subtree, newest first, as dicts (iterate; do not list())."""
    kinds = dict(Kind.choices)
    validities = dict(Validity.choices)
    rows = (
        public_disclosures(now)
        .filter(organisation__path__startswith=organisation.path)
        .order_by("-published_on", "-id")
        .values("pk", *[name for name, _label in EXPORT_FIELDS])
    )
    for row in rows.iterator(chunk_size=2000):
        row["kind"] = kinds.get(row["kind"], row["kind"])
        row["validity"] = validities.get(row["validity"], row["validity"])
        yield row
