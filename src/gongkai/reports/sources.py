"""Where each figure of the annual report comes from: aggregate queries over an organisation subtree and a year.

Each function names its records so that `records_behind` can list them for traceability.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from gongkai.applications import queries as application_queries
from gongkai.catalog import queries as catalog_queries
from gongkai.catalog.models import Disclosure, DocumentClass, Kind, Status
from gongkai.channels import queries as channel_queries
from gongkai.channels.models import Channel
from gongkai.orgs import queries as org_queries
from gongkai.orgs.models import Organisation, OrgKind, TrainingSession
from gongkai.oversight import queries as oversight_queries
from gongkai.reports.models import ExternalFigures, PastReport
from gongkai.reports.tables import TABLE_A, TABLE_B, TABLE_C, ReportFormat, Table

BOARD_CHANNELS = channel_queries.BOARDS_AND_HALL


def village_count(organisation: Organisation) -> int:
    return organisation.children.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).count()


def scope(organisation: Organisation, include_children: bool) -> QuerySet[Organisation]:
    return org_queries.subtree(organisation, include_children=include_children)


def items_in_year(organisation, year, include_children) -> QuerySet[Disclosure]:
    return catalog_queries.published_in_year(organisation, year, include_children=include_children)


def _channel_items(organisation, year, include_children, channels) -> QuerySet[Disclosure]:
    """Distinct items that went out through any of `channels` in the year."""
    records = channel_queries.publications(
        organisation, year, channels=channels, include_children=include_children
    )
    return Disclosure.objects.filter(pk__in=records.values("disclosure_id"))


def documents_issued(organisation, year, include_children) -> QuerySet[Disclosure]:
    """制发各类文件: the organs' own documents (公文 not forwarded from a superior) published in the year."""
    return items_in_year(organisation, year, include_children).filter(kind=Kind.DOCUMENT, is_forwarded=False)


# Every traceable figure of the free-form style: key → (label, the records behind it).
def _figure_querysets(organisation, year, include_children) -> dict[str, tuple[str, QuerySet]]:
    website = _channel_items(organisation, year, include_children, [Channel.WEBSITE])
    querysets = {
        "items_distinct": items_in_year(organisation, year, include_children),
        "documents_issued": documents_issued(organisation, year, include_children),
        "website": website,
        "website_document": website.filter(kind=Kind.DOCUMENT),
        "website_notice": website.filter(kind=Kind.NOTICE),
        "website_news": website.filter(kind=Kind.NEWS),
        "website_other": website.exclude(kind__in=[Kind.DOCUMENT, Kind.NOTICE, Kind.NEWS]),
        "website_documents_issued": website.filter(
            pk__in=documents_issued(organisation, year, include_children).values("pk")
        ),
        "wechat": _channel_items(organisation, year, include_children, [Channel.WECHAT]),
        "boards": _channel_items(organisation, year, include_children, BOARD_CHANNELS),
    }
    return {key: (FIGURE_LABELS[key], queryset) for key, queryset in querysets.items()}


def common_figures(organisation, year, *, include_children=True) -> dict:
    figures: dict = {}
    for key, (_, queryset) in _figure_querysets(organisation, year, include_children).items():
        figures[key] = queryset.count()
    staff = org_queries.staff_counts(organisation, year, include_children=include_children)
    figures["staff_total"] = staff["total"]
    figures["staff_full_time"] = staff["full_time"]
    figures["staff_part_time"] = staff["part_time"]
    figures["funding_wan"] = org_queries.funding_total_wan(
        organisation, year, include_children=include_children
    )
    figures["trainings"] = TrainingSession.objects.filter(
        organisation__in=scope(organisation, include_children), held_on__year=year
    ).count()
    figures.update(_application_figures(organisation, year, include_children))
    return figures


def _application_figures(organisation, year, include_children) -> dict:
    """Applications count for the organ that handles them; with `include_children`, the subtree's too."""
    table_b = application_queries.table_b(organisation, year, include_children=include_children)
    return {
        "applications_received": table_b[("received", "total")],
        "applications_decided": table_b[("total", "total")],
        "fees_collected_yuan": application_queries.fees_collected(
            organisation, year, include_children=include_children
        ),
        "complaints": oversight_queries.complaint_count(
            organisation, year, include_children=include_children
        ),
    }


# ---- Table A -------------------------------------------------------------------------------------------------


def _documents(
    organisation, include_children, document_class, year: int, column: str
) -> QuerySet[Disclosure]:
    """The documents behind one Table A cell, counted as catalog.queries.table_a_documents counts them: issued
    and repealed in the year even if retracted since; in force on 31 December only if still published."""
    end = datetime.date(year, 12, 31)
    docs = Disclosure.objects.filter(
        organisation__in=scope(organisation, include_children), document_class=document_class
    )
    counted = docs.filter(status__in=catalog_queries.COUNTED_STATUSES)
    by_column = {
        "issued": counted.filter(published_on__year=year),
        "new_published": counted.filter(published_on__year=year),
        "repealed": counted.filter(repealed_on__year=year),
        "new_made": counted.filter(written_on__year=year),
    }
    if column in by_column:
        return by_column[column]
    return docs.filter(
        Q(status=Status.PUBLISHED, published_on__lte=end)
        & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=end))
    )


def table_a_document_counts(organisation, year, include_children, document_class) -> dict[str, int]:
    """The 2019 format's document counts; 本年新公开 and 对外公开总数量 as the 2021 format's issued and in force."""
    row = {DocumentClass.RULE: "rules", DocumentClass.NORMATIVE: "normative_docs"}[document_class]
    counts = dict(
        catalog_queries.table_a_documents(organisation, year, include_children=include_children)[row]
    )
    counts["new_made"] = _documents(organisation, include_children, document_class, year, "new_made").count()
    return counts


def _external(organisation, year, include_children) -> dict[str, int | Decimal]:
    rows = ExternalFigures.objects.filter(organisation__in=scope(organisation, include_children), year=year)
    names = [
        "licensing_decisions", "penalty_decisions", "compulsion_decisions", "admin_fees_wan", "licensing_items",
        "other_services_items", "other_services_decisions", "penalty_items", "compulsion_items", "admin_fee_items",
        "procurement_items", "procurement_amount_wan",
    ]  # fmt: skip
    totals = rows.aggregate(**{name: Sum(name) for name in names})
    return {
        name: (value if value is not None else (Decimal(0) if name.endswith("_wan") else 0))
        for name, value in totals.items()
    }


def _table_a_2021(spec, organisation, year, include_children) -> Table:
    table = Table.zeros(spec)
    documents = catalog_queries.table_a_documents(organisation, year, include_children=include_children)
    for row in ("rules", "normative_docs"):
        for column in ("issued", "repealed", "in_force"):
            table[(row, column)] = documents[row][column]
    external = _external(organisation, year, include_children)
    table[("licensing", "decisions")] = external["licensing_decisions"]
    table[("penalty", "decisions")] = external["penalty_decisions"]
    table[("compulsion", "decisions")] = external["compulsion_decisions"]
    table[("admin_fees", "fee_amount_wan")] = Decimal(external["admin_fees_wan"]).normalize()
    return table


def _table_a_2019(spec, organisation, year, include_children) -> Table:
    table = Table.zeros(spec)
    for row, document_class in (("rules", DocumentClass.RULE), ("normative_docs", DocumentClass.NORMATIVE)):
        counts = table_a_document_counts(organisation, year, include_children, document_class)
        table[(row, "new_made")] = counts["new_made"]
        table[(row, "new_published")] = counts["issued"]
        table[(row, "total_published")] = counts["in_force"]
    this_year = _external(organisation, year, include_children)
    last_year = last_year_items(organisation, year, include_children)
    for row, items, decisions in (
        ("licensing", "licensing_items", "licensing_decisions"),
        ("other_services", "other_services_items", "other_services_decisions"),
        ("penalty", "penalty_items", "penalty_decisions"),
        ("compulsion", "compulsion_items", "compulsion_decisions"),
    ):
        table[(row, "last_year_items")] = last_year[items]
        table[(row, "change")] = this_year[items] - last_year[items]
        table[(row, "decisions")] = this_year[decisions]
    table[("admin_fees", "last_year_items")] = last_year["admin_fee_items"]
    table[("admin_fees", "change")] = this_year["admin_fee_items"] - last_year["admin_fee_items"]
    table[("procurement", "procurement_items")] = this_year["procurement_items"]
    table[("procurement", "procurement_amount")] = Decimal(this_year["procurement_amount_wan"]).normalize()
    return table


def format_tables(fmt: ReportFormat, organisation, year, *, include_children=True) -> dict[str, Table]:
    table_a = (_table_a_2021 if fmt.code == "2021" else _table_a_2019)(
        fmt.table_a, organisation, year, include_children
    )
    table_b = Table.zeros(fmt.table_b)
    for (row, column), value in application_queries.table_b(
        organisation, year, include_children=include_children
    ).items():
        if (row, column) in table_b.values:
            table_b[(row, column)] = value
        elif fmt.code == "2019" and row.startswith("other_"):
            table_b[("other_handling", column)] = (table_b[("other_handling", column)] or 0) + value
    _carry_from_past_reports(table_b, organisation, year, include_children)
    table_c = Table.zeros(fmt.table_c)
    for key, value in oversight_queries.table_c(
        organisation, year, include_children=include_children
    ).items():
        table_c[key] = value
    return {TABLE_A: table_a, TABLE_B: table_b, TABLE_C: table_c}


def records_behind(organisation, year, key: str, *, include_children=True) -> tuple[str, list]:
    """The records behind one figure of the report: (label, rows) where each row is (title, detail, url or "")."""
    figure_sets = _figure_querysets(organisation, year, include_children)
    if key in figure_sets:
        label, queryset = figure_sets[key]
        rows = [
            (
                d.title,
                f"{d.index_no or ''} {d.published_on or ''} {d.get_kind_display()}",
                reverse("catalog_office:detail", args=[d.pk]),
            )
            for d in queryset.select_related("organisation").order_by("published_on", "pk")[:2000]
        ]
        return label, rows
    if key.startswith("A:"):
        _, row, column = key.split(":")
        document_class = {"rules": DocumentClass.RULE, "normative_docs": DocumentClass.NORMATIVE}.get(row)
        if document_class is None:
            return "外部业务数据（见数据来源说明）", [
                (str(f), f.source_note, "")
                for f in ExternalFigures.objects.filter(
                    organisation__in=scope(organisation, include_children), year__in=[year, year - 1]
                )
            ] + [
                (str(past), f"数据来源：导入的{past.year}年度报告（{past.file_name}）", "")
                for past in imported_item_counts(organisation, year, include_children)
            ]
        docs = _documents(organisation, include_children, document_class, year, column)
        return f"表二 {row} {column}", [
            (d.title, f"{d.index_no or ''} {d.doc_no}", reverse("catalog_office:detail", args=[d.pk]))
            for d in docs.order_by("published_on")
        ]
    if key.startswith(("B:", "C:")):
        return _application_records(organisation, year, key, include_children)
    raise KeyError(key)


FIGURE_LABELS = {
    "items_distinct": "主动公开政府信息（不同渠道公开相同信息计1条）",
    "documents_issued": "制发各类文件",
    "website": "政府网站公开信息",
    "website_document": "政府网站 公文",
    "website_notice": "政府网站 通知公告",
    "website_news": "政府网站 工作动态",
    "website_other": "政府网站 其他",
    "website_documents_issued": "政府网站公开的本年制发文件",
    "wechat": "微信公众号公开信息",
    "boards": "政务服务大厅、公开栏、村级公告栏公开信息",
}


def figure_labels() -> dict[str, str]:
    return dict(FIGURE_LABELS)


def _application_records(organisation, year, key: str, include_children: bool) -> tuple[str, list]:
    table, row, column = key.split(":")
    if table == "B":
        if row.startswith("other_handling"):  # the 2019 format's single （六） row
            rows = []
            for code in ("other_no_correction", "other_fee_unpaid", "other_misc"):
                rows += list(
                    application_queries.table_b_records(
                        organisation, year, code, column, include_children=include_children
                    )
                )
        else:
            rows = list(
                application_queries.table_b_records(
                    organisation, year, row, column, include_children=include_children
                )
            )
        return f"表三 {row} {column}", [
            (
                a.case_number,
                f"收到 {a.received_on} {a.get_decision_display() if a.decision else '未办结'}",
                reverse("applications_office:case", args=[a.pk]),
            )
            for a in rows
        ]
    records = oversight_queries.table_c_records(
        organisation, year, row, column, include_children=include_children
    )
    return f"表四 {row} {column}", [(str(r), f"{r.filed_on}", "") for r in records]


def _past_carried_out(organisation, year, include_children) -> dict[str, int]:
    """Table B 四、结转下年度 per column as published in imported past reports of `year` (summed over the scope)."""
    totals: dict[str, int] = {}
    for carried in PastReport.objects.filter(
        organisation__in=scope(organisation, include_children), year=year
    ).values_list("carried_out", flat=True):
        for column, value in carried.items():
            totals[column] = totals.get(column, 0) + int(value)
    return totals


def _carry_from_past_reports(table_b: Table, organisation, year, include_children) -> None:
    """Fill the carry-over rows from imported past reports while the case records give none.

    This year's 二、上年结转 equals last year's 四、结转下年度 (国办公开办函〔2021〕30号 表三; checker rule 6): when no
    case of the organisation is carried into `year`, the figure comes from last year's published report; the
    same for the imported year's own 四、结转下年度, so its report and the carry-over check agree.
    """
    for row, source_year in (("carried_in", year - 1), ("carried_out", year)):
        if table_b.known((row, "total")):
            continue  # the case records carry cases over: they are the source
        past = _past_carried_out(organisation, source_year, include_children)
        for column, value in past.items():
            if (row, column) in table_b.values:
                table_b[(row, column)] = value


ITEM_FIELDS = (
    "licensing_items",
    "other_services_items",
    "penalty_items",
    "compulsion_items",
    "admin_fee_items",
)


def imported_item_counts(organisation, year, include_children) -> list[PastReport]:
    """The imported reports of `year - 1` whose year-end item counts stand for that year's ExternalFigures: one per
    organisation of the scope that has no ExternalFigures for that year (hand-entered figures always win)."""
    organisations = scope(organisation, include_children)
    entered = ExternalFigures.objects.filter(organisation__in=organisations, year=year - 1).values(
        "organisation"
    )
    return list(
        PastReport.objects.filter(organisation__in=organisations, year=year - 1)
        .exclude(organisation__in=entered)
        .exclude(item_counts={})
        .select_related("organisation")
    )


def last_year_items(organisation, year, include_children) -> dict[str, int]:
    """The 2019 format's 上一年项目数量 (国办公开办函〔2019〕60号 表二): the item counts of `year - 1` entered in
    ExternalFigures, and — for an organisation that entered none for that year — the year-end counts of its
    imported `year - 1` report (上一年项目数量 + 本年增/减 as published). Shown with its source by
    `records_behind` (数据来源：导入的YYYY年度报告)."""
    totals = _external(organisation, year - 1, include_children)
    for past in imported_item_counts(organisation, year, include_children):
        for name in ITEM_FIELDS:
            totals[name] += int(past.item_counts.get(name, 0))
    return totals
