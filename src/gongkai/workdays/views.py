"""Office pages of the working-day calendar: each year's state, and the entry of a year's announced arrangement
(workdays/urls_office.py, mounted at /office/workdays/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import require_current_organisation
from gongkai.workdays import forms, queries, services, statutory
from gongkai.workdays.models import YearArrangement
from gongkai.workdays.permissions import can_enter_arrangement


@login_required
@require_GET
def arrangements(request):
    organisation = require_current_organisation(request)
    today = timezone.localdate()
    return render(
        request,
        "workdays/arrangements.html",
        {
            "organisation": organisation,
            "years": queries.year_statuses(organisation, range(today.year - 1, today.year + 3)),
            "own": queries.arrangements_in_subtree(organisation),
            "can_edit": can_enter_arrangement(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def arrangement_edit(request, year):
    organisation = require_current_organisation(request)
    if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        raise Http404("年份超出范围")
    if not can_enter_arrangement(request.user, organisation):
        raise PermissionDenied("只有管理员可以登记放假安排")
    existing = YearArrangement.objects.filter(year=year, organisation=organisation).first()
    if existing is not None:
        rows = existing.days.values_list("date", "is_workday", "note")
        initial = {
            "notice": existing.notice,
            "days_off": forms.format_days((day, note) for day, is_workday, note in rows if not is_workday),
            "workdays": forms.format_days((day, note) for day, is_workday, note in rows if is_workday),
        }
    else:
        # Start from the statutory holidays of the 办法; the notice adds the 调休 around them.
        derived = statutory.statutory_holidays(year) if statutory.derivable(year) else ()
        initial = {"days_off": forms.format_days(derived)}
    form = forms.ArrangementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangement_save(
                year=year,
                notice=form.cleaned_data["notice"],
                days_off=form.cleaned_data["days_off"],
                workdays=form.cleaned_data["workdays"],
                organisation=organisation,
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{year}年放假安排已登记，相关期限已按此重新计算")
            return redirect("workdays_office:arrangements")
    return render(
        request,
        "workdays/arrangement_form.html",
        {
            "organisation": organisation,
            "form": form,
            "year": year,
            "existing": existing,
            "status": queries.year_statuses(organisation, [year])[0],
        },
    )


@login_required
@require_POST
def arrangement_delete(request, pk):
    arrangement = get_object_or_404(
        YearArrangement.objects.select_related("organisation").filter(
            organisation__in=org_permissions.visible_organisations(request.user)
        ),
        pk=pk,
    )
    if not can_enter_arrangement(request.user, arrangement.organisation):
        raise PermissionDenied("只有管理员可以删除放假安排")
    try:
        services.arrangement_delete(arrangement=arrangement, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已删除{arrangement.year}年放假安排，该年期限恢复为按放假办法推算的暂定期限"
        )
    return redirect("workdays_office:arrangements")
