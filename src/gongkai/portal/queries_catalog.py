"""Reads for the public catalog pages: listing with keyset pagination, the item, 年报, feed and export."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from gongkai.catalog.queries import Kind, Validity, catalog_areas, interpretation_ids, public_disclosures
from gongkai.core import pagecache
from gongkai.reports.queries import report_disclosure_ids
from gongkai.search.queries import cursor_for, listing_documents, listing_years

PER_PAGE = 20
COUNT_CAP = 1_000  # "超过 1000 条" rather than counting a million rows on every page view


KIND_LABELS = dict(Kind.choices)
# What a list shows of an item, read with .values() in one query (no model instances, no body, no 公示 table).
LISTED_FIELDS = (
    "pk",
    "title",
    "kind",
    "published_on",
    "posting_ends_on",
    "index_no",
    "organisation__name",
    "organisation__short_name",
    "catalog_entry_id",
    "catalog_entry__level1",
    "catalog_entry__level2",
    "catalog_entry__area__name",
)


@dataclass(slots=True)
class ListedName:
    name: str
    short_name: str = ""

    @property
    def display_name(self) -> str:  # as orgs.Organisation.display_name
        return self.short_name or self.name

    def __str__(self):
        return self.name


@dataclass(slots=True)
class ListedEntry:
    level1: str
    level2: str
    area: ListedName | None

    def __str__(self):  # as catalog.CatalogEntry.__str__
        return f"{self.level1} / {self.level2}" if self.level2 else self.level1


_ITEM_URL_PARTS: dict[str, tuple[str, str]] = {}  # script prefix → the item URL around its id


def item_url(pk: int) -> str:
    """reverse("portal_catalog:item", args=[pk]) for a list: reversed once per process (and script prefix), then
    joined around the id: reverse() costs ~70 µs here, and a list has 20–30 links (docs/performance.md)."""
    prefix = get_script_prefix()
    parts = _ITEM_URL_PARTS.get(prefix)
    if parts is None:
        head, _, tail = reverse("portal_catalog:item", args=[987654321]).partition("987654321")
        parts = _ITEM_URL_PARTS[prefix] = (head, tail)
    return f"{parts[0]}{pk}{parts[1]}"


@dataclass(slots=True)
class ListedItem:
    """One row of a public list, with the attributes the list templates read of a catalog.Disclosure."""

    pk: int
    title: str
    kind: str
    published_on: dt.date | None
    posting_ends_on: dt.date | None
    index_no: str
    organisation: ListedName
    catalog_entry: ListedEntry | None

    def get_kind_display(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def url(self) -> str:
        return item_url(self.pk)


def _listed(row: dict) -> ListedItem:
    entry = None
    if row["catalog_entry_id"] is not None:
        area = row["catalog_entry__area__name"]
        entry = ListedEntry(
            row["catalog_entry__level1"], row["catalog_entry__level2"], ListedName(area) if area else None
        )
    return ListedItem(
        pk=row["pk"],
        title=row["title"],
        kind=row["kind"],
        published_on=row["published_on"],
        posting_ends_on=row["posting_ends_on"],
        index_no=row["index_no"],
        organisation=ListedName(row["organisation__name"], row["organisation__short_name"]),
        catalog_entry=entry,
    )


def listed_items(ids: list[int], *, now=None) -> list[ListedItem]:
    """The public items of `ids`, in that order, as list rows (one query)."""
    if not ids:
        return []
    rows = public_disclosures(now=now).filter(pk__in=ids).order_by().values(*LISTED_FIELDS)
    found = {row["pk"]: row for row in rows}
    return [_listed(found[i]) for i in ids if i in found]


@dataclass
class CatalogPage:
    items: list[ListedItem]
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool
    total: int
    total_capped: bool


def current_postings_filter(rows, *, today: dt.date):
    """Keep only 公示 whose 公示期 has not ended (the stored end, catalog.posting). Ended ones stay findable by
    索引号 and search."""
    return rows.filter(kind=Kind.POSTING, posting_ends_on__gte=today)


def catalog_page(
    rows,
    *,
    after: int | None = None,
    before: int | None = None,
    per_page: int = PER_PAGE,
    now=None,
    total_key: tuple | None = None,
):
    """One page of SearchDocument `rows` (newest first) by keyset: strictly after or before a sort key.
    `total_key` names the filters of `rows`: their (capped) count, the same on every page of them, is then kept for
    the page cache's generation (pagecache.remember), so "下一页" does not count again."""
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
    items = listed_items([disclosure_id for _key, disclosure_id in chunk], now=now)

    def count() -> int:
        return rows.order_by()[: COUNT_CAP + 1].count()

    total = pagecache.remember(("catalog_total", *total_key), count) if total_key else count()
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
        rows = current_postings_filter(rows, today=timezone.localdate(now))
    return rows


def year_range(organisation) -> list[int]:
    """Years that have public items in the subtree, newest first."""
    return pagecache.remember(("year_range", organisation.pk), lambda: listing_years(organisation))


def areas() -> list:
    """The standard catalog's areas (目录领域), for the catalog's filter."""
    return pagecache.remember(("catalog_areas",), lambda: list(catalog_areas()))


def public_item(pk: int, now=None):
    """The public item `pk`, or None. By primary key, so `.get()`: unlike `.first()` it compiles no ORDER BY
    (Disclosure's default ordering), which was about a third of the item page's ORM time (docs/performance.md)."""
    found = (
        public_disclosures(now=now)
        # One join for what the page and its footer read: the organ answering for a village (its parent) and
        # whether the item is an annual report (reports.AnnualReport, the 年报 section).
        .select_related(
            "organisation__parent",
            "organisation__disclosure_office",
            "subject__parent",
            "catalog_entry__area",
            "annual_report",
        )
        .filter(pk=pk)
    )
    try:
        return found.get()
    except ObjectDoesNotExist:
        return None


def public_interpretations_of(disclosure, now=None) -> list:
    ids = interpretation_ids(disclosure)
    if not ids:
        return []
    rows = public_disclosures(now=now).filter(pk__in=ids).order_by()
    return sorted(rows, key=lambda d: (d.published_on, d.pk), reverse=True)


def public_interpreted(disclosure, now=None):
    if not disclosure.interprets_id:
        return None
    try:
        return public_disclosures(now=now).get(pk=disclosure.interprets_id)
    except ObjectDoesNotExist:
        return None


def annual_reports(organisation, now=None):
    return (
        public_disclosures(now=now)
        .filter(organisation__path__startswith=organisation.path, pk__in=report_disclosure_ids(organisation))
        .select_related("organisation")
        .order_by("-published_on", "-id")
    )


def latest_items(organisation, *, limit: int = 30, now=None) -> list:
    ids = list(
        listing_documents(organisation=organisation, now=now).values_list("disclosure_id", flat=True)[:limit]
    )
    found = public_disclosures(now=now).select_related("organisation").in_bulk(ids)
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
        public_disclosures(now=now)
        .filter(organisation__path__startswith=organisation.path)
        .order_by("-published_on", "-id")
        .values("pk", *[name for name, _label in EXPORT_FIELDS])
    )
    for row in rows.iterator(chunk_size=2000):
        row["kind"] = kinds.get(row["kind"], row["kind"])
        row["validity"] = validities.get(row["validity"], row["validity"])
        yield row
