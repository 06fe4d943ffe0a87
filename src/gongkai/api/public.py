"""Public endpoints of /api/v1/: no token, exactly what the portal shows (catalog.queries.public_disclosures is the
one definition of what the public may see; an item scheduled for later or retracted is 404 here too)."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Query, Router
from pydantic import Field

from gongkai.api import schemas
from gongkai.api.problems import responses
from gongkai.catalog import exchange
from gongkai.catalog.queries import Kind, Validity, public_disclosures
from gongkai.core.errors import DomainError
from gongkai.core.text import body_text
from gongkai.orgs.models import Organisation
from gongkai.reports.queries import report_disclosure_ids
from gongkai.search.queries import cursor_for, listing_documents, parse_cursor, search
from gongkai.workdays.queries import calendar_for

router = Router(tags=["公开"])
MAX_PAGE = 100
KINDS = dict(Kind.choices)
VALIDITIES = dict(Validity.choices)


def _organisation(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise Http404(f"没有代码为 {code} 的机构")
    return organisation


def item_out(d) -> dict:
    return {
        "id": d.pk,
        "index_no": d.index_no,
        "title": d.title,
        "kind": d.kind,
        "kind_label": KINDS.get(d.kind, d.kind),
        "organisation": d.organisation.code,
        "organisation_name": d.organisation.name,
        "doc_no": d.doc_no,
        "written_on": d.written_on,
        "published_on": d.published_on,
        "validity": VALIDITIES.get(d.validity, d.validity),
        "url": reverse("portal_catalog:item", args=[d.pk]),
    }


def _public_item(pk: int):
    found = (
        public_disclosures()
        .select_related("organisation", "subject__parent", "catalog_entry__area")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("该信息不存在或未公开")
    return found


@router.get("/organisations", response={200: list[schemas.OrganisationOut]}, summary="机构列表")
def organisations(request):
    rows = Organisation.objects.select_related("parent").order_by("path")
    return [
        {
            "code": o.code,
            "name": o.name,
            "short_name": o.short_name,
            "kind": o.kind,
            "parent": o.parent.code if o.parent_id else None,
        }
        for o in rows
    ]


@router.get(
    "/organisations/{code}", response={200: schemas.OrganisationOut, **responses(404)}, summary="机构"
)
def organisation(request, code: str):
    o = _organisation(code)
    return {
        "code": o.code,
        "name": o.name,
        "short_name": o.short_name,
        "kind": o.kind,
        "parent": o.parent.code if o.parent_id else None,
    }


class ItemFilters(schemas.Schema):
    org: str = Field(max_length=63, description="机构代码（含下级机构）")
    kind: schemas.KIND | None = None
    area: int | None = Field(None, ge=1, le=2**31 - 1, description="目录领域 id")
    year: int | None = Field(None, ge=1949, le=9999, description="发布年度")
    own_only: bool = Field(False, description="只看本机构，不含下级")
    cursor: str | None = Field(None, max_length=40, description="上一页给出的 next_cursor")
    limit: int = Field(20, ge=1, le=MAX_PAGE)


@router.get(
    "/items", response={200: schemas.ItemPage, **responses(404)}, summary="公开信息（按发布日期倒序）"
)
def items(request, filters: Query[ItemFilters]):
    """Keyset pages over the public listing (newest first): pass `next_cursor` back as `cursor`."""
    organisation = _organisation(filters.org)
    rows = listing_documents(
        organisation=organisation,
        include_children=not filters.own_only,
        kind=filters.kind,
        area_id=filters.area,
        year=filters.year,
    )
    after = parse_cursor(filters.cursor)
    if filters.cursor and after is None:
        raise Http404("游标无效")
    if after is not None:
        rows = rows.filter(sort_key__lt=after)
    chunk = list(rows.values_list("sort_key", "disclosure_id")[: filters.limit + 1])
    more = len(chunk) > filters.limit
    chunk = chunk[: filters.limit]
    found = public_disclosures().select_related("organisation").in_bulk([d for _k, d in chunk])
    return {
        "items": [item_out(found[d]) for _k, d in chunk if d in found],
        "next_cursor": cursor_for(chunk[-1][0]) if more and chunk else None,
    }


@router.get("/items/{item_id}", response={200: schemas.ItemDetailOut, **responses(404)}, summary="信息详情")
def item(request, item_id: int):
    if not 0 < item_id < 2**63:
        raise Http404("该信息不存在或未公开")
    d = _public_item(item_id)
    return {
        **item_out(d),
        "summary": d.summary,
        "body": body_text(d.body),
        "subject": str(d.subject) if d.subject_id else None,
        "area": d.catalog_entry.area.name if d.catalog_entry_id and d.catalog_entry.area_id else None,
        "effective_on": d.effective_on,
        "repealed_on": d.repealed_on,
        "posting_starts_on": d.posting_starts_on,
        "posting_ends_on": d.posting_ends_on,
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "file_type": a.file_type,
                "size": a.size,
                "url": reverse("portal_catalog:attachment", args=[d.pk, a.pk]),
            }
            for a in d.attachments.all()
        ],
    }


class SearchParams(schemas.Schema):
    q: str = Field(max_length=200, description="关键词（中文按词组匹配）或索引号")
    org: str | None = Field(None, max_length=63)
    kind: schemas.KIND | None = None
    year: int | None = Field(None, ge=1949, le=9999)
    order: str = Field("relevance", pattern="^(relevance|date)$")
    page: int = Field(1, ge=1, le=25)


@router.get("/search", response={200: schemas.SearchOut, **responses(404)}, summary="全文检索")
def search_items(request, params: Query[SearchParams]):
    organisation = _organisation(params.org) if params.org else None
    results = search(
        scope=public_disclosures(),
        q=params.q,
        organisation=organisation,
        kind=params.kind,
        year=params.year,
        order=params.order,
        page=params.page,
    )
    return {
        "q": results.q,
        "total": results.total,
        "capped": results.capped,
        "page": results.page,
        "pages": results.pages,
        "hits": [
            {"item": item_out(hit.disclosure), "snippet": body_text(str(hit.snippet_html))}
            for hit in results.hits
        ],
    }


@router.get(
    "/organisations/{code}/reports",
    response={200: list[schemas.ItemOut], **responses(404)},
    summary="政府信息公开工作年度报告",
)
def annual_reports(request, code: str):
    organisation = _organisation(code)
    rows = (
        public_disclosures()
        .filter(organisation__path__startswith=organisation.path, pk__in=report_disclosure_ids(organisation))
        .select_related("organisation")
        .order_by("-published_on", "-id")
    )
    return [item_out(d) for d in rows]


class DeadlineParams(schemas.Schema):
    start: dt.date = Field(description="起算日（不计入）")
    days: int = Field(ge=1, le=200, description="工作日数")
    org: str | None = Field(None, max_length=63, description="按该机构的工作日历")


@router.get("/deadline", response={200: schemas.DeadlineOut, **responses(404, 422)}, summary="工作日期限计算")
def deadline(request, params: Query[DeadlineParams]):
    """The Nth working day after `start` (the start day not counted), with the holidays and 调休 crossed."""
    organisation = _organisation(params.org) if params.org else None
    try:
        result = calendar_for(organisation).deadline(params.start, params.days)
    except (OverflowError, ValueError):
        raise DomainError("日期超出可计算范围", field="start") from None
    return {
        "start": params.start,
        "days": params.days,
        "org": organisation.code if organisation else None,
        "due_date": result.due,
        "provisional": result.provisional,
        "holidays_crossed": [{"date": d.date, "name": d.name} for d in result.holidays],
        "adjusted_workdays_crossed": [{"date": d.date, "name": d.name} for d in result.adjusted_workdays],
        "description": result.describe(),
    }


# ---- data exchange (catalog.exchange) --------------------------------------------------------------------------


class ExportParams(schemas.Schema):
    org: str = Field(max_length=63, description="机构代码（含下级机构）")
    profile: str = Field(
        "national", max_length=40, description="交换格式（见 catalog/data/exchange_profiles.json）"
    )
    cursor: str | None = Field(
        None, max_length=40, description="上次给出的 next_cursor：只返回此后变更的信息"
    )
    limit: int = Field(100, ge=1, le=500)


class ExportOut(schemas.Schema):
    profile: str
    items: list[dict[str, str]]
    next_cursor: str | None = Field(None, description="保存下来，下次增量交换时传回")


def _export(params: ExportParams) -> dict:
    return exchange.export_page(
        organisation=_organisation(params.org),
        profile_name=params.profile,
        cursor=params.cursor,
        limit=params.limit,
    )


@router.get(
    "/export/items",
    response={200: ExportOut, **responses(404, 422)},
    summary="信息元数据交换（JSON，GB/T 21063.3 与集约化字段，按游标增量）",
)
def export_json(request, params: Query[ExportParams]):
    return _export(params)


@router.get(
    "/export/items.xml",
    response={200: str, **responses(404, 422)},
    summary="信息元数据交换（XML）",
    openapi_extra={
        "responses": {
            200: {"description": "XML", "content": {"application/xml": {"schema": {"type": "string"}}}}
        }
    },
)
def export_xml(request, params: Query[ExportParams]):
    return HttpResponse(exchange.as_xml(_export(params)), content_type="application/xml; charset=utf-8")
