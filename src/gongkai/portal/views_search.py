"""The public full-text search page. Search sits below the catalog, so the page that joins them lives here."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from gongkai.catalog.queries import Kind, public_disclosures
from gongkai.core.pagecache import public_page
from gongkai.keyworks import queries as keyworks_queries
from gongkai.portal import queries as column
from gongkai.search import queries


def _int_or_none(value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@public_page
@require_safe
def search(request):
    """/search/?q=…&org=<code>[&all=1]&kind=&year=&order=relevance|date&page= — public, no login."""
    organisation = None
    org_code = (request.GET.get("org") or "").strip()
    if org_code:
        organisation = column.column_organisation(org_code[:63])
    # The header's "全站" switch: search the whole platform from an organisation's page.
    whole_site = request.GET.get("all") == "1"
    scope = None if whole_site else organisation
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
    year = _int_or_none(request.GET.get("year"), 1949, 2200)
    results = queries.search(
        scope=public_disclosures(),
        q=request.GET.get("q"),
        organisation=scope,
        synonyms_of=organisation,  # an organisation's synonyms serve its page's "全站" search too
        kind=kind,
        year=year,
        order=request.GET.get("order") or "relevance",
        page=_int_or_none(request.GET.get("page"), 1, 10_000) or 1,
    )
    context = {
        "results": results,
        "org": organisation,
        "scope_org": scope,
        "whole_site": whole_site,
        "kind": kind,
        "year": year,
        "kinds": Kind.choices,
        "candidate_limit": queries.CANDIDATE_LIMIT,
        "key_work_hits": keyworks_queries.works_matching(request.GET.get("q"), organisation=organisation),
        "section": "search",
    }
    return render(request, "portal/search.html", context)
