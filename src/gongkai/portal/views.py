from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from gongkai.keyworks import queries as keyworks_queries
from gongkai.orgs import queries
from gongkai.portal.middleware import LARGE_TEXT_COOKIE


def _organisation_or_404(code):
    organisation = queries.public_organisation(code)
    if organisation is None:
        raise Http404("没有找到该机构")
    return organisation


@require_safe
def home(request):
    rows = queries.tree_rows(queries.home_organisations())
    base = min((r.depth for r in rows), default=0)
    for row in rows:
        row.level = min(row.depth - base, 5)
    return render(request, "portal/home.html", {"rows": rows})


@require_safe
def org_home(request, code):
    organisation = _organisation_or_404(code)
    context = {
        "org": organisation,
        "ancestors": organisation.ancestors(),
        "villages": queries.villages_of(organisation),
        "other_children": queries.other_children_of(organisation),
        "key_works": keyworks_queries.current_works(organisation),
        "section": "home",
    }
    return render(request, "portal/org_home.html", context)


@require_safe
def guide(request, code):
    organisation = _organisation_or_404(code)
    office = organisation.disclosure_office or organisation
    return render(request, "portal/guide.html", {"org": organisation, "office": office, "section": "guide"})


@require_safe
def large_text(request):
    """Turn 长者模式 on or off, then go back to the page the reader was on."""
    target = request.GET.get("next") or "/"
    # Only a path on this site: "abc" (no slash) once went to redirect() as a view name and gave a 500.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response
