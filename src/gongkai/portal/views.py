from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from gongkai.core.pagecache import public_page
from gongkai.keyworks import queries as keyworks_queries
from gongkai.orgs import queries
from gongkai.portal import queries as column
from gongkai.portal.middleware import LARGE_TEXT_COOKIE


def _organisation_or_404(code):
    organisation = column.column_organisation(code)
    if organisation is None:
        raise Http404("没有找到该机构")
    return organisation


@public_page
@require_safe
def home(request):
    rows = queries.tree_rows(queries.home_organisations())
    base = min((r.depth for r in rows), default=0)
    for row in rows:
        row.level = min(row.depth - base, 5)
    return render(request, "portal/home.html", {"rows": rows})


@public_page
@require_safe
def org_home(request, code):
    """The column home: 最新信息, 正在公示 with their end dates, the 目录 areas that have items; for a village,
    its 村务公开 column with the township's contact for questions."""
    organisation = _organisation_or_404(code)
    home = column.column_home(organisation)
    context = {
        "org": organisation,
        "ancestors": organisation.ancestors(),
        "home": home,
        "present_sections": home.present,
        "organ": queries.responsible_organ(organisation),
        "villages": queries.villages_of(organisation),
        "other_children": queries.other_children_of(organisation),
        "key_works": keyworks_queries.current_works(organisation),
        "section": "home",
    }
    template = "portal/village_home.html" if organisation.is_village else "portal/org_home.html"
    return render(request, template, context)


@public_page
@require_safe
def guide(request, code):
    organisation = _organisation_or_404(code)
    if organisation.is_village:  # a 村民委员会 publishes no 政府信息公开指南: its page is its 村务公开
        return redirect("portal:org_home", organisation.code)
    office = organisation.disclosure_office or organisation
    context = {
        "org": organisation,
        "office": office,
        "apply_url": request.build_absolute_uri(
            reverse("applications_portal:apply", args=[organisation.code])
        ),
        "section": "guide",
    }
    return render(request, "portal/guide.html", context)


@public_page
@require_safe
def rules(request, code):
    """政府信息公开制度: the organisation's rules of disclosure work, items of their own kind."""
    organisation = _organisation_or_404(code)
    if organisation.is_village:
        raise Http404("村民委员会不设政府信息公开制度栏目")
    context = {"org": organisation, "items": column.disclosure_rules(organisation), "section": "rules"}
    return render(request, "portal/rules.html", context)


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
