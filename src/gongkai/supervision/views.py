"""Office pages of supervision (supervision/urls_office.py, mounted at /office/supervision/): the county board with
each figure's records, the self-check, and 考核 with its XLSX."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gongkai.core.errors import DomainError
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import get_organisation_for_staff, require_current_organisation
from gongkai.supervision import queries, scoring, services

RECORD_URLS = {
    "application": "applications_office:case",
    "disclosure": "catalog_office:detail",
    "question": "participation_office:question",
    "consultation": "participation_office:consultation",
    "keywork": "keyworks_office:detail",
}


def _viewable_current(request):
    organisation = require_current_organisation(request)
    if not org_permissions.can_view(request.user, organisation):
        raise PermissionDenied("您没有权限查看该机构")
    return organisation


def _record_url(kind, pk):
    if kind in RECORD_URLS and pk:
        return reverse(RECORD_URLS[kind], args=[pk])
    if kind in ("column", "organisation", "report") and pk:
        return reverse("supervision_office:self_check") + f"?org={pk}"
    return ""


@login_required
@require_GET
def board(request):
    organisation = _viewable_current(request)
    return render(
        request,
        "supervision/board.html",
        {
            "organisation": organisation,
            "rows": queries.board(organisation, today=timezone.localdate()),
            "figures": queries.FIGURES,
        },
    )


@login_required
@require_GET
def figure(request, pk, figure):
    if figure not in queries.FIGURES:
        raise Http404("没有该统计项")
    organisation = get_organisation_for_staff(request, pk)
    records = queries.figure_records(organisation, figure, today=timezone.localdate())
    for record in records:
        record["url"] = _record_url(record["type"], record["pk"])
    return render(
        request,
        "supervision/figure.html",
        {"organisation": organisation, "title": queries.FIGURES[figure], "records": records},
    )


@login_required
@require_GET
def self_check(request):
    organisation = _viewable_current(request)
    if request.GET.get("org", "").isdigit():
        organisation = get_organisation_for_staff(request, request.GET["org"])
    today = timezone.localdate()
    checks = []
    for org, findings in queries.self_check_subtree(organisation, today=today):
        rows = [(f, _record_url(f.object_type, f.object_id)) for f in findings]
        checks.append((org, rows))
    return render(
        request,
        "supervision/self_check.html",
        {"organisation": organisation, "checks": checks, "today": today},
    )


def _period(request):
    today = timezone.localdate()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= today.year else today.year
    quarter = request.GET.get("quarter", "")
    quarter = int(quarter) if quarter in ("1", "2", "3", "4") else None
    return year, quarter


@login_required
@require_GET
def assessment(request):
    organisation = _viewable_current(request)
    year, quarter = _period(request)
    results = scoring.scores(organisation, year=year, quarter=quarter, today=timezone.localdate())
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            scoring.xlsx(results),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="assessment-{year}{f"-q{quarter}" if quarter else ""}.xlsx"'
        )
        return response
    return render(
        request,
        "supervision/assessment.html",
        {
            "organisation": organisation,
            "results": results,
            "year": year,
            "quarter": quarter,
            "period": scoring.period_label(year, quarter),
            "indicators": scoring.weights(organisation).values(),
            "can_manage": org_permissions.can_manage(request.user, organisation),
            "years": range(timezone.localdate().year, 2018, -1),
        },
    )


@login_required
@require_POST
def weight_set(request):
    organisation = require_current_organisation(request)
    if not org_permissions.can_manage(request.user, organisation):
        raise PermissionDenied("只有本级管理员可以修改考核指标")
    try:
        points = Decimal(request.POST.get("points", ""))
        cap = Decimal(request.POST.get("cap", ""))
    except InvalidOperation:
        messages.error(request, "请填写数字")
        return redirect("supervision_office:assessment")
    try:
        services.weight_set(
            organisation=organisation,
            actor=request.user,
            indicator=request.POST.get("indicator", ""),
            points=points,
            cap=cap,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "考核指标已更新")
    return redirect("supervision_office:assessment")


@login_required
@require_GET
def todo(request):
    organisation = _viewable_current(request)
    today = timezone.localdate()
    return render(
        request,
        "supervision/todo.html",
        {
            "organisation": organisation,
            "today": today,
            **queries.todo(request.user, organisation, today=today),
        },
    )
