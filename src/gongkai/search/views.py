from django.shortcuts import render
from django.views.decorators.http import require_safe

from gongkai.catalog.models import Kind
from gongkai.orgs.models import Organisation
from gongkai.search import queries


def _int_or_none(value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@require_safe
def search(request):
    """/search/?q=…&org=<code>&kind=&year=&order=relevance|date&page= — public, no login."""
    organisation = None
    org_code = (request.GET.get("org") or "").strip()
    if org_code:
        organisation = Organisation.objects.filter(code=org_code[:63]).first()
    kind = request.GET.get("kind") or ""
    year = _int_or_none(request.GET.get("year"), 1949, 2200)
    results = queries.search(
        q=request.GET.get("q"),
        organisation=organisation,
        kind=kind,
        year=year,
        order=request.GET.get("order") or "relevance",
        page=_int_or_none(request.GET.get("page"), 1, 10_000) or 1,
    )
    context = {
        "results": results,
        "org": organisation,
        "kind": kind if kind in Kind.values else "",
        "year": year,
        "kinds": Kind.choices,
        "candidate_limit": queries.CANDIDATE_LIMIT,
        "section": "search",
    }
    return render(request, "search/search.html", context)
