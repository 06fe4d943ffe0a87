"""Office pages of 举报投诉 and 行政复议/行政诉讼 (oversight/urls_office.py, mounted at /office/applications/oversight/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.applications import permissions as app_perms
from gongkai.applications.models import Application
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import require_current_organisation
from gongkai.oversight import forms, queries, services
from gongkai.oversight.models import Complaint, Remedy


def _require_handle(request, organisation):
    if not app_perms.can_handle(request.user, organisation):
        raise PermissionDenied("您没有权限登记此类记录")


def _record(request, model, pk):
    record = get_object_or_404(
        model.objects.select_related("organisation").filter(
            organisation__in=org_permissions.visible_organisations(request.user)
        ),
        pk=pk,
    )
    _require_handle(request, record.organisation)
    return record


@login_required
@require_GET
def overview(request):
    organisation = require_current_organisation(request)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    return render(
        request,
        "oversight/overview.html",
        {
            "organisation": organisation,
            "complaints": queries.complaints_in(organisation, year),
            "remedies": queries.remedies_in(organisation, year),
            "year": year,
            "years": list(range(timezone.localdate().year, 2018, -1)),
            "can_handle": app_perms.can_handle(request.user, organisation),
            "close_form": forms.ComplaintCloseForm(initial={"closed_on": timezone.localdate()}),
            "decide_form": forms.RemedyDecideForm(initial={"decided_on": timezone.localdate()}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    organisation = require_current_organisation(request)
    _require_handle(request, organisation)
    form = forms.ComplaintForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_create(organisation=organisation, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "举报投诉已登记")
            return redirect("oversight_office:overview")
    return render(
        request, "oversight/form.html", {"form": form, "organisation": organisation, "title": "登记举报投诉"}
    )


@login_required
@require_POST
def complaint_close(request, pk):
    complaint = _record(request, Complaint, pk)
    form = forms.ComplaintCloseForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_close(complaint=complaint, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "投诉已办结")
    else:
        messages.error(request, "请填写处理结果和办结日期")
    return redirect("oversight_office:overview")


@login_required
@require_http_methods(["GET", "POST"])
def remedy_create(request):
    organisation = require_current_organisation(request)
    _require_handle(request, organisation)
    form = forms.RemedyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        case_number = data.pop("case_number", "").strip().upper()
        application = None
        if case_number:
            application = Application.objects.filter(
                organisation__path__startswith=organisation.path, case_number=case_number
            ).first()
            if application is None:
                form.add_error("case_number", "本机构及下级机构没有这个申请编号")
        if not form.errors:
            try:
                services.remedy_create(
                    organisation=application.organisation if application else organisation,
                    actor=request.user,
                    application=application,
                    **data,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "行政复议/行政诉讼已登记")
                return redirect("oversight_office:overview")
    return render(
        request,
        "oversight/form.html",
        {"form": form, "organisation": organisation, "title": "登记行政复议或行政诉讼"},
    )


@login_required
@require_POST
def remedy_decide(request, pk):
    remedy = _record(request, Remedy, pk)
    form = forms.RemedyDecideForm(request.POST)
    if form.is_valid():
        try:
            services.remedy_decide(remedy=remedy, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "审结结果已记录")
    else:
        messages.error(request, "请选择结果并填写审结日期")
    return redirect("oversight_office:overview")
