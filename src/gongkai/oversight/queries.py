"""Reads of oversight records shared by the office pages and the annual report: 举报投诉 and Table C
(annual-report-format.md §4, 行政复议 and 行政诉讼), counted with aggregate SQL over an organisation's subtree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from gongkai.orgs.queries import belongs_to
from gongkai.oversight.models import Complaint, Remedy, RemedyKind, RemedyResult

TABLE_C_ROWS: tuple[str, ...] = tuple(RemedyKind.values)  # admin_review, direct, after_review
TABLE_C_COLUMNS: tuple[str, ...] = (*RemedyResult.values, "total")  # upheld, corrected, other, pending, total


def complaints_in(organisation, year: int | None = None, *, include_children: bool = True):
    qs = Complaint.objects.filter(belongs_to(organisation, include_children=include_children)).select_related(
        "organisation"
    )
    if year:
        qs = qs.filter(received_on__year=year)
    return qs


def remedies_in(organisation, year: int | None = None):
    qs = Remedy.objects.filter(organisation__path__startswith=organisation.path).select_related(
        "organisation", "application"
    )
    if year:
        qs = qs.filter(filed_on__year=year)
    return qs


def complaint_count(organisation, year: int, *, include_children: bool = True) -> int:
    return complaints_in(organisation, year, include_children=include_children).count()


# ---- Table C ------------------------------------------------------------------------------------------------


def _filed_in(organisation, year: int, include_children: bool) -> QuerySet[Remedy]:
    return Remedy.objects.filter(
        belongs_to(organisation, include_children=include_children),
        filed_on__gte=dt.date(year, 1, 1),
        filed_on__lte=dt.date(year, 12, 31),
    )


def _result_at(year: int):
    """The result of a remedy as of 31 December of `year`: its result if decided by then, else pending."""
    return Case(
        When(decided_on__isnull=False, decided_on__lte=dt.date(year, 12, 31), then="result"),
        default=Value(RemedyResult.PENDING.value),
    )


def table_c(organisation, year: int, *, include_children: bool = True) -> dict[tuple[str, str], int]:
    """Table C of `organisation` (with its subtree when `include_children`) for `year`: {(row, column): count}, rows
    admin_review / direct / after_review, columns upheld / corrected / other / pending / total. A case counts in the
    year it was filed, with its result as of 31 December of that year (decided later: 尚未审结)."""
    counts = {(r, c): 0 for r in TABLE_C_ROWS for c in TABLE_C_COLUMNS}
    grouped = (
        _filed_in(organisation, year, include_children)
        .annotate(outcome=_result_at(year))
        .values("kind", "outcome")
        .annotate(n=Count("id", output_field=IntegerField()))
        .order_by()
    )
    for item in grouped:
        counts[(item["kind"], item["outcome"])] += item["n"]
    for row in TABLE_C_ROWS:
        counts[(row, "total")] = sum(counts[(row, c)] for c in TABLE_C_COLUMNS if c != "total")
    return counts


def table_c_records(
    organisation, year: int, row: str, column: str = "total", *, include_children: bool = True
) -> QuerySet[Remedy]:
    """The 行政复议/行政诉讼 records behind one Table C cell (traceability)."""
    qs = _filed_in(organisation, year, include_children).filter(kind=row)
    if column != "total":
        qs = qs.annotate(outcome=_result_at(year)).filter(outcome=column)
    return qs.select_related("organisation", "application").order_by("filed_on", "id")
