"""Public catalog pages: 法定主动公开内容, the item page, attachment download, 年报, open-data export."""

import json
import mimetypes

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gongkai.catalog import queries as catalog_queries
from gongkai.catalog.queries import Kind
from gongkai.core import csvsafe
from gongkai.core.downloads import stored_file_response
from gongkai.core.pagecache import public_page
from gongkai.keyworks import queries as keyworks_queries
from gongkai.portal import queries as column_queries
from gongkai.portal import queries_catalog
from gongkai.search.queries import parse_cursor

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def _organisation_or_404(code):
    organisation = column_queries.column_organisation(code)
    if organisation is None:
        raise Http404("没有找到该机构")
    return organisation


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@public_page
@require_safe
def catalog(request, code):
    """法定主动公开内容, newest first; filters by area, kind, year, organisation; keyset pages."""
    organisation = _organisation_or_404(code)
    subtree = organisation.subtree().order_by("path", "sort_order", "id")
    scope_org = organisation
    org_code = request.GET.get("org") or ""
    if org_code:
        scope_org = subtree.filter(code=org_code[:63]).first() or organisation
    # For the organisation <select>: codes and names only (a county has hundreds of villages).
    choices = list(subtree.values_list("code", "name"))
    include_children = request.GET.get("scope") != "own"
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
    current = request.GET.get("current") == "1"
    if current:
        kind = Kind.POSTING
    area_id = _int_or_none(request.GET.get("area"))
    year = _int_or_none(request.GET.get("year"))
    if year is not None and not 1949 <= year <= 2200:
        year = None
    rows = queries_catalog.catalog_rows(
        organisation=scope_org,
        include_children=include_children,
        kind=kind,
        area_id=area_id,
        year=year,
        current=current,
    )
    page = queries_catalog.catalog_page(
        rows,
        after=parse_cursor(request.GET.get("after")),
        before=parse_cursor(request.GET.get("before")),
        total_key=(scope_org.pk, include_children, kind, area_id, year, current),
    )
    params = request.GET.copy()
    for key in ("after", "before"):
        params.pop(key, None)
    context = {
        "org": organisation,
        "scope_org": scope_org,
        "org_choices": choices,
        "include_children": include_children,
        "areas": queries_catalog.areas(),
        "kinds": Kind.choices,
        "years": queries_catalog.year_range(organisation),
        "kind": kind,
        "area_id": area_id,
        "year": year,
        "current": current,
        "page": page,
        "query_string": params.urlencode(),
        "section": "catalog",
    }
    return render(request, "portal/catalog_list.html", context)


@public_page
@require_safe
def item(request, pk):
    disclosure = queries_catalog.public_item(pk)
    if disclosure is None:
        raise Http404("该信息不存在或未公开")
    table = disclosure.posting_table if isinstance(disclosure.posting_table, dict) else None
    context = {
        "org": disclosure.organisation,
        "item": disclosure,
        "posting_state": catalog_queries.posting_state(disclosure),
        "table_columns": (table or {}).get("columns") or [],
        "table_rows": (table or {}).get("rows") or [],
        "attachments": disclosure.attachments.all(),
        "interpreted": queries_catalog.public_interpreted(disclosure),
        "interpretations": queries_catalog.public_interpretations_of(disclosure),
        "key_work": keyworks_queries.work_of_item(disclosure),
        "section": "reports" if hasattr(disclosure, "annual_report") else "catalog",
    }
    return render(request, "portal/item_detail.html", context)


@require_safe
def attachment(request, pk, attachment_pk):
    """Download an attachment of a public item (404 for anything not public)."""
    disclosure = queries_catalog.public_item(pk)
    if disclosure is None:
        raise Http404("该信息不存在或未公开")
    found = catalog_queries.item_attachment(disclosure, attachment_pk)
    if found is None:
        raise Http404("附件不存在")
    file_type = (found.file_type or "").lower()
    content_type = CONTENT_TYPES.get(file_type) or mimetypes.guess_type(found.original_name)[0]
    # The same permission check as before, then the file or a presigned URL (core.downloads).
    return stored_file_response(found.file, filename=found.original_name, content_type=content_type)


@public_page
@require_safe
def reports(request, code):
    organisation = _organisation_or_404(code)
    context = {
        "org": organisation,
        "reports": queries_catalog.annual_reports(organisation)[:100],
        "section": "reports",
    }
    return render(request, "portal/catalog_reports.html", context)


class _Echo:
    def write(self, value):
        return value


def _export_values(row, request):
    values = []
    for name, _label in queries_catalog.EXPORT_FIELDS:
        value = row[name]
        values.append("" if value is None else str(value))
    values.append(request.build_absolute_uri(f"/item/{row['pk']}/"))
    return values


@require_safe
def export_csv(request, code):
    """The catalog's metadata as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    organisation = _organisation_or_404(code)
    writer = csvsafe.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([label for _name, label in queries_catalog.EXPORT_FIELDS] + ["网址"])
        for row in queries_catalog.export_rows(organisation):
            yield writer.writerow(_export_values(row, request))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{organisation.code}-catalog.csv"'
    return response


@require_safe
def export_json(request, code):
    """The catalog's metadata as JSON: {"organisation": …, "items": [ … ]}, streamed."""
    organisation = _organisation_or_404(code)
    keys = [name.replace("__", "_") for name, _label in queries_catalog.EXPORT_FIELDS] + ["url"]

    def chunks():
        head = {"organisation": {"code": organisation.code, "name": organisation.name}}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
        first = True
        for row in queries_catalog.export_rows(organisation):
            item = dict(zip(keys, _export_values(row, request), strict=True))
            yield ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
            first = False
        yield "\n]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{organisation.code}-catalog.json"'
    return response
