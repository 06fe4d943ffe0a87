"""Key work screens: the office's (urls_office.py, mounted at /office/keyworks/) and the public timeline
(urls_portal.py: /org/<code>/work/ and /org/<code>/work/<id>/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from gongkai.catalog.queries import in_subtree
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.keyworks import forms, permissions, queries, services
from gongkai.keyworks.models import KeyWork, KindStage, StageItem, WorkKind, WorkStage
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import require_current_organisation
from gongkai.orgs.queries import public_organisation
from gongkai.workdays.queries import calendar_for

# ---- public ----------------------------------------------------------------------------------------------


@require_safe
def public_list(request, code):
    organisation = public_organisation(code)
    if organisation is None:
        raise Http404("没有找到该机构")
    works = list(queries.public_works(organisation)[:200])
    today = timezone.localdate()
    context = {
        "org": organisation,
        "current": [w for w in works if w.ends_on is None or w.ends_on >= today],
        "past": [w for w in works if w.ends_on is not None and w.ends_on < today],
        "section": "keyworks",
    }
    return render(request, "keyworks/public_list.html", context)


@require_safe
def public_timeline(request, code, pk):
    work = queries.public_work(code, pk)
    if work is None:
        raise Http404("该重点工作不存在或未公开")
    context = {
        "org": work.organisation,
        "work": work,
        "timeline": queries.timeline(
            work, today=timezone.localdate(), calendar=calendar_for(work.organisation), public=True
        ),
        "section": "keyworks",
    }
    return render(request, "keyworks/public_timeline.html", context)


# ---- office ------------------------------------------------------------------------------------------------


def _work_for_staff(request, pk, *, plan=False) -> KeyWork:
    work = get_object_or_404(
        KeyWork.objects.select_related("organisation", "kind").filter(
            organisation__in=org_permissions.visible_organisations(request.user)
        ),
        pk=pk,
    )
    if plan and not permissions.can_plan(request.user, work.organisation):
        raise PermissionDenied("您没有权限编辑重点工作")
    return work


def _require_plan(request, organisation):
    if not permissions.can_plan(request.user, organisation):
        raise PermissionDenied("您没有权限编辑重点工作")


@login_required
@require_GET
def work_list(request):
    organisation = require_current_organisation(request)
    timelines = queries.office_timelines(
        organisation, today=timezone.localdate(), calendar=calendar_for(organisation)
    )
    return render(
        request,
        "keyworks/office_list.html",
        {
            "organisation": organisation,
            "timelines": timelines,
            "can_plan": permissions.can_plan(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_create(request):
    organisation = require_current_organisation(request)
    _require_plan(request, organisation)
    if not queries.kinds_for(organisation):
        messages.info(request, "请先载入重点工作的默认类型")
        return redirect("keyworks_office:kinds")
    form = forms.WorkForm(
        request.POST or None,
        organisation=organisation,
        kinds=queries.kinds_for(organisation),
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            work = services.work_create(organisation=organisation, actor=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "重点工作已建立，请填写各阶段的计划")
            return redirect("keyworks_office:detail", work.pk)
    return render(
        request, "keyworks/form.html", {"form": form, "organisation": organisation, "title": "新建重点工作"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_edit(request, pk):
    work = _work_for_staff(request, pk, plan=True)
    form = forms.WorkForm(
        request.POST or None,
        instance=work,
        organisation=work.organisation,
        kinds=queries.kinds_for(work.organisation),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        villages = data.pop("villages")
        work.refresh_from_db()
        try:
            services.work_update(work=work, actor=request.user, villages=villages, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("keyworks_office:detail", work.pk)
    return render(
        request,
        "keyworks/form.html",
        {"form": form, "organisation": work.organisation, "title": f"编辑：{work.title}"},
    )


@login_required
@require_GET
def work_detail(request, pk):
    work = _work_for_staff(request, pk)
    can_plan = permissions.can_plan(request.user, work.organisation)
    return render(
        request,
        "keyworks/office_detail.html",
        {
            "organisation": work.organisation,
            "work": work,
            "timeline": queries.timeline(
                work, today=timezone.localdate(), calendar=calendar_for(work.organisation), public=False
            ),
            "can_plan": can_plan,
            "link_form": forms.LinkForm(work=work) if can_plan else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_plan(request, pk):
    stage = get_object_or_404(WorkStage.objects.select_related("work"), pk=pk)
    work = _work_for_staff(request, stage.work_id, plan=True)
    stage.work = work
    form = forms.StagePlanForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        stage.refresh_from_db()
        stage.work = work
        try:
            services.stage_plan(stage=stage, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"“{stage.name}”阶段的计划已保存")
            return redirect("keyworks_office:detail", work.pk)
    return render(
        request,
        "keyworks/form.html",
        {"form": form, "organisation": work.organisation, "title": f"{work.title} · {stage.name}"},
    )


@login_required
@require_POST
def item_link(request, pk):
    work = _work_for_staff(request, pk, plan=True)
    form = forms.LinkForm(request.POST, work=work)
    if form.is_valid():
        ref = form.cleaned_data["item"].strip()
        lookup = Q(index_no=ref) | (Q(pk=int(ref)) if ref.isdigit() else Q(pk__in=[]))
        disclosure = in_subtree(work.organisation).select_related("organisation").filter(lookup).first()
        if disclosure is None:
            messages.error(request, f"在{work.organisation.name}及所辖村（社区）中没有找到信息“{ref}”")
        else:
            try:
                services.item_link(
                    stage=form.cleaned_data["stage"], disclosure=disclosure, actor=request.user
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"已将“{disclosure.title}”关联到“{form.cleaned_data['stage'].name}”阶段"
                )
    else:
        messages.error(request, "请选择阶段并填写信息的索引号或编号")
    return redirect("keyworks_office:detail", work.pk)


@login_required
@require_POST
def item_unlink(request, pk, link_pk):
    work = _work_for_staff(request, pk, plan=True)
    link = get_object_or_404(StageItem.objects.select_related("stage__work"), pk=link_pk, stage__work=work)
    services.item_unlink(link=link, actor=request.user)
    messages.success(request, "已取消关联")
    return redirect("keyworks_office:detail", work.pk)


@login_required
@require_GET
def kind_list(request):
    organisation = require_current_organisation(request)
    return render(
        request,
        "keyworks/kinds.html",
        {
            "organisation": organisation,
            "kinds": queries.kinds_for(organisation),
            "can_plan": permissions.can_plan(request.user, organisation),
        },
    )


def _kind_for_staff(request, pk) -> WorkKind:
    """A kind the current organisation may use (a default one or an ancestor's or its own)."""
    organisation = require_current_organisation(request)
    kinds = {k.pk: k for k in queries.kinds_for(organisation)}
    if int(pk) not in kinds:
        raise Http404("没有找到该类型")
    return kinds[int(pk)]


@login_required
@require_POST
def kinds_install(request):
    organisation = require_current_organisation(request)
    _require_plan(request, organisation)
    added = services.kinds_install_defaults(actor=request.user)
    messages.success(request, f"已载入默认类型 {added} 个" if added else "默认类型均已载入")
    return redirect("keyworks_office:kinds")


@login_required
@require_POST
def kind_customise(request, pk):
    organisation = require_current_organisation(request)
    _require_plan(request, organisation)
    kind = _kind_for_staff(request, pk)
    try:
        copy = services.kind_customise(organisation=organisation, kind=kind, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("keyworks_office:kinds")
    messages.success(request, f"已为{organisation.display_name}定制“{copy.name}”，可修改其阶段")
    return redirect("keyworks_office:kinds")


@login_required
@require_http_methods(["GET", "POST"])
def kind_stage_edit(request, pk, stage_pk=None):
    organisation = require_current_organisation(request)
    _require_plan(request, organisation)
    kind = _kind_for_staff(request, pk)
    if kind.organisation_id != organisation.pk:
        raise PermissionDenied("只能修改本机构定制的类型")
    stage = get_object_or_404(KindStage, pk=stage_pk, kind=kind) if stage_pk else None
    form = forms.KindStageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        if stage is not None:
            stage.refresh_from_db()
        try:
            services.kind_stage_save(kind=kind, actor=request.user, stage=stage, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "阶段已保存")
            return redirect("keyworks_office:kinds")
    title = f"{kind.name} · {'修改阶段' if stage else '新增阶段'}"
    return render(request, "keyworks/form.html", {"form": form, "organisation": organisation, "title": title})
