"""Reads of the 政府信息公开专栏 (the column home, its sub-columns and what the office warns about).

The column follows the conventions the inspection indicators check (《政府网站与政务新媒体检查指标》,
《政府网站发展指引》; reference/catalog.md): 政府信息公开指南, 政府信息公开制度, 法定主动公开内容,
政府信息公开年报, 依申请公开. A sub-column with nothing in it is not shown to the public; the office is told
instead (`column_warnings`). A village is not an organ (村民委员会组织法; reference/village-affairs.md): its
column is 村务公开 and has no guide, no applications and no annual report.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from gongkai.catalog.queries import Kind, catalog_areas
from gongkai.core import pagecache
from gongkai.orgs import queries as org_queries
from gongkai.orgs.queries import villages_of
from gongkai.portal import queries_catalog

LATEST = 10  # 最新信息 on the column home
CURRENT_POSTINGS = 20  # 正在公示 on the column home (the catalog lists the rest)

# The sub-columns that can be empty, with the key the navigation uses.
RULES, CATALOG, REPORTS = "rules", "catalog", "reports"
SECTION_LABELS = {RULES: "政府信息公开制度", CATALOG: "法定主动公开内容", REPORTS: "政府信息公开年报"}

# 村民委员会组织法 Art. 30: general matters at least once a quarter (the longest gap the township tolerates).
VILLAGE_QUARTER_DAYS = 92


@dataclass
class AreaCount:
    pk: int
    number: int
    name: str
    count: int


@dataclass
class ColumnHome:
    latest: list = field(default_factory=list)  # queries_catalog.ListedItem, newest first
    postings: list = field(default_factory=list)  # current 公示, the soonest-ending first
    areas: list[AreaCount] = field(default_factory=list)  # 目录 areas that have items
    present: set[str] = field(default_factory=set)  # the sub-columns with content


def _disclosures(ids: list[int], now) -> list[queries_catalog.ListedItem]:
    return queries_catalog.listed_items(ids, now=now)


def column_organisation(code: str):
    """The organisation whose column `code` names, or None; kept for the page cache's generation (organisation
    edits bump it), since every page of a column reads it first. Shared between requests: read it, never change
    it."""
    return pagecache.remember(("column_organisation", code), lambda: org_queries.public_organisation(code))


def present_sections(organisation, *, now=None) -> set[str]:
    """Which of the sub-columns that can be empty have something the public may see (one small query each;
    the public pages' answer is kept for the page cache's generation, the office's is always read)."""
    if now is None:
        return pagecache.remember(
            ("present_sections", organisation.pk),
            lambda: _present_sections(organisation, now=timezone.now()),
        )
    return _present_sections(organisation, now=now)


def _present_sections(organisation, *, now) -> set[str]:
    present = set()
    if queries_catalog.catalog_rows(organisation=organisation, now=now).exists():
        present.add(CATALOG)
    if organisation.is_village:
        return present  # a village has no 制度 column and no annual report
    own_rules = queries_catalog.catalog_rows(
        organisation=organisation, include_children=False, kind=Kind.DISCLOSURE_RULES, now=now
    )
    if own_rules.exists():  # an organ's own rules (disclosure_rules), not those of the organs below it
        present.add(RULES)
    if queries_catalog.annual_reports(organisation, now=now).exists():
        present.add(REPORTS)
    return present


def area_counts(organisation, *, now=None) -> list[AreaCount]:
    """The standard catalog's areas (目录) that have public items in the subtree, with their counts."""
    rows = (
        queries_catalog.catalog_rows(organisation=organisation, now=now)
        .exclude(area__isnull=True)
        .order_by()
        .values("area_id")
        .annotate(n=Count("id"))
    )
    counts = {row["area_id"]: row["n"] for row in rows}
    return [
        AreaCount(pk=area.pk, number=area.number, name=area.name, count=counts[area.pk])
        for area in catalog_areas().filter(pk__in=list(counts))
    ]


def current_postings(organisation, *, include_children=True, limit=CURRENT_POSTINGS, now=None) -> list:
    """公示 whose 公示期 has not ended (catalog.posting stores the end), the soonest-ending first."""
    now = now or timezone.now()
    rows = queries_catalog.catalog_rows(
        organisation=organisation, include_children=include_children, current=True, now=now
    )
    ids = list(rows.order_by("posting_ends_on", "-sort_key").values_list("disclosure_id", flat=True)[:limit])
    return _disclosures(ids, now)


def latest(organisation, *, include_children=True, kind=None, limit=LATEST, now=None) -> list:
    now = now or timezone.now()
    rows = queries_catalog.catalog_rows(
        organisation=organisation, include_children=include_children, kind=kind, now=now
    )
    return _disclosures(list(rows.values_list("disclosure_id", flat=True)[:limit]), now)


def column_home(organisation, *, now=None) -> ColumnHome:
    """What the column home shows: 最新信息, 正在公示 (with end dates), 目录 areas with counts."""
    now = now or timezone.now()
    return ColumnHome(
        latest=latest(organisation, now=now),
        postings=current_postings(organisation, now=now),
        areas=area_counts(organisation, now=now),
        present=present_sections(organisation, now=now),
    )


def disclosure_rules(organisation, *, limit=100, now=None) -> list:
    """政府信息公开制度: the organisation's items of that kind (its own, not those of the organs below it)."""
    return latest(organisation, include_children=False, kind=Kind.DISCLOSURE_RULES, limit=limit, now=now)


def village_regularity_warning(village, *, today: dt.date, now=None) -> str | None:
    """村民委员会组织法 Art. 30: general matters are made public at least once a quarter."""
    newest = latest(village, include_children=False, limit=1, now=now)
    if newest and (today - newest[0].published_on).days <= VILLAGE_QUARTER_DAYS:
        return None
    since = f"最近一次公开为{newest[0].published_on:%Y年%m月%d日}" if newest else "尚无公开的信息"
    return (
        f"{village.display_name}村务公开：{since}，一般事项至少每季度公开一次（村民委员会组织法第三十条）。"
    )


def column_warnings(organisation, *, today: dt.date | None = None, now=None) -> list[str]:
    """For the office: the sub-columns the public does not see because they are empty, and villages whose
    村务公开 has fallen behind. The public pages hide an empty sub-column; the office must fill it."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if organisation.is_village:
        warning = village_regularity_warning(organisation, today=today, now=now)
        return [warning] if warning else []
    present = present_sections(organisation, now=now)
    warnings = [
        f"政府信息公开专栏的“{label}”栏目没有可公开的内容，公众页面已隐藏该栏目，请及时发布。"
        for key, label in SECTION_LABELS.items()
        if key not in present
    ]
    for village in villages_of(organisation):
        warning = village_regularity_warning(village, today=today, now=now)
        if warning:
            warnings.append(warning)
    return warnings
