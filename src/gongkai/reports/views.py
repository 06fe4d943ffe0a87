from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.downloads import export_response
from gongkai.core.errors import DomainError
from gongkai.orgs.current import require_current_organisation
from gongkai.reports import permissions, queries, services, sources
from gongkai.reports import render as report_render
from gongkai.reports.forms import ExternalFiguresForm, NewReportForm, PastReportForm
from gongkai.reports.models import AnnualReport, ExternalFigures, ReportState
from gongkai.reports.tables import FORMAT_2021


def _organisation(request, *, check=permissions.can_view_report):
    organisation = require_current_organisation(request)
    if not check(request.user, organisation):
        raise PermissionDenied("您没有权限查看该机构的年度报告")
    return organisation


def _year(year: int) -> int:
    if year < 2008 or year > timezone.localdate().year:
        raise Http404("没有该年度")
    return year


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    organisation = _organisation(request)
    today = timezone.localdate()
    form = NewReportForm(request.POST or None, initial={"year": today.year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                actor=request.user, organisation=organisation, year=form.cleaned_data["year"]
            )
        except DomainError as exc:
            form.add_error("year", exc.message)
        else:
            return redirect("reports:detail", year=report.year)
    try:
        rollup_year = int(request.GET.get("year", today.year - 1))
    except ValueError:
        rollup_year = today.year - 1
    context = {
        "organisation": organisation,
        "reports": AnnualReport.objects.filter(organisation=organisation).order_by("-year"),
        "form": form,
        "rollup_year": rollup_year,
        "rollup": queries.rollup(organisation, rollup_year, today=today),
        "deadline": queries.publication_deadline(rollup_year),
        "can_edit": permissions.can_edit_report(request.user, organisation),
        "can_import_past": permissions.can_import_past_report(request.user, organisation),
        "last_year": today.year - 1,
    }
    return render(request, "reports/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, year):
    organisation = _organisation(request)
    report = services.report_get(organisation=organisation, year=_year(year))
    can_edit = permissions.can_edit_report(request.user, organisation)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("您没有权限编辑该机构的年度报告")
        if report.pk is None:
            report = services.report_create(actor=request.user, organisation=organisation, year=year)
        texts = {
            key[len("section_") :]: value for key, value in request.POST.items() if key.startswith("section_")
        }
        try:
            services.report_save_narrative(
                actor=request.user,
                report=report,
                texts=texts,
                include_children=request.POST.get("include_children") == "1",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "报告正文已保存，请重新校验")
        return redirect("reports:detail", year=year)
    compiled = services.report_compile(report)
    context = {
        "organisation": organisation,
        "record": report,
        "report": compiled,
        "blocks": report_render.blocks(compiled),
        "trace_url": reverse("reports:trace", args=[year]),
        "can_edit": can_edit and report.state != ReportState.PUBLISHED,
        "can_publish": permissions.can_publish_report(request.user, organisation),
        "formats": report_render.FORMATS,
        "findings": report.findings,
        "figure_keys": list(sources.figure_labels().items()) if compiled.style == "free" else [],
    }
    return render(request, "reports/detail.html", context)


@login_required
@require_POST
def check(request, year):
    organisation = _organisation(request, check=permissions.can_edit_report)
    report = services.report_get(organisation=organisation, year=_year(year))
    if report.pk is None:
        report = services.report_create(actor=request.user, organisation=organisation, year=year)
    try:
        findings = services.report_check(actor=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        hard = [f for f in findings if f.severity == "hard"]
        if hard:
            messages.error(request, f"校验未通过：发现 {len(hard)} 处错误")
        else:
            messages.success(request, "校验通过" + (f"（另有 {len(findings)} 条提示）" if findings else ""))
    return redirect("reports:detail", year=year)


@login_required
@require_POST
def publish(request, year):
    organisation = _organisation(request, check=permissions.can_publish_report)
    report = AnnualReport.objects.filter(organisation=organisation, year=_year(year)).first()
    if report is None:
        raise Http404("报告不存在")
    try:
        services.report_publish(actor=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已发布，索引号 {report.disclosure.index_no}")
    return redirect("reports:detail", year=year)


@login_required
@require_GET
def export(request, year, output_format):
    organisation = _organisation(request)
    if output_format not in report_render.FORMATS:
        raise Http404("不支持的格式")
    report = services.report_get(organisation=organisation, year=_year(year))
    compiled = services.report_compile(report)
    content = report_render.render(compiled, output_format)
    if report.pk:
        services.audit_export(actor=request.user, report=report, output_format=output_format)
    filename = f"{organisation.code}-{year}-annual-report.{output_format}"
    # The body, or on object storage a stored copy behind a presigned URL (core.downloads).
    return export_response(
        content, filename=filename, content_type=report_render.CONTENT_TYPES[output_format]
    )


@login_required
@require_GET
def trace(request, year):
    organisation = _organisation(request)
    report = services.report_get(organisation=organisation, year=_year(year))
    key = request.GET.get("key", "")
    try:
        label, rows = sources.records_behind(
            organisation, year, key, include_children=report.include_children
        )
    except (KeyError, ValueError):
        raise Http404("没有这个数字") from None
    return render(
        request,
        "reports/trace.html",
        {"organisation": organisation, "year": year, "label": label, "rows": rows, "key": key},
    )


@login_required
@require_http_methods(["GET", "POST"])
def figures(request, year):
    organisation = _organisation(request)
    instance = ExternalFigures.objects.filter(
        organisation=organisation, year=_year(year)
    ).first() or ExternalFigures(organisation=organisation, year=year)
    form = ExternalFiguresForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if not permissions.can_edit_report(request.user, organisation):
            raise PermissionDenied("您没有权限维护该机构的业务数据")
        if form.is_valid():
            try:
                services.external_figures_save(actor=request.user, figures=form.save(commit=False))
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "业务数据已保存")
                return redirect("reports:detail", year=year)
    return render(request, "reports/figures.html", {"organisation": organisation, "year": year, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def past_report(request, year):
    organisation = _organisation(request, check=permissions.can_import_past_report)
    year = _year(year)
    form = PastReportForm(request.POST or None, request.FILES or None)
    reading = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            reading = services.past_report_import(
                actor=request.user,
                organisation=organisation,
                year=year,
                name=upload.name,
                data=upload.read(services.PAST_REPORT_MAX_BYTES + 1),
                confirm=form.cleaned_data["confirm"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if form.cleaned_data["confirm"]:
                messages.success(request, f"{year}年度报告的结转数据已导入")
    carried = []
    if reading:
        labels = {column.code: column.label for column in FORMAT_2021.table_b.columns}
        carried = [(labels.get(code, code), value) for code, value in reading.carried_out.items()]
    context = {
        "organisation": organisation,
        "year": year,
        "form": form,
        "reading": reading,
        "carried": carried,
        "stored": bool(reading) and form.cleaned_data.get("confirm"),
    }
    return render(request, "reports/past_report.html", context, status=400 if form.errors else 200)
