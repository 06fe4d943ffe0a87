"""Office pages of proactive disclosure. Thin: access check → form → service → redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.catalog import duties, forms, importing, queries, services, standard, uploads
from gongkai.catalog import permissions as perms
from gongkai.catalog.models import Attachment, CatalogEntry, Disclosure, Status
from gongkai.catalog.spreadsheets import read_table, rows_as_dicts
from gongkai.channels import services as channel_services
from gongkai.channels.models import Publication
from gongkai.core.downloads import stored_file_response
from gongkai.core.errors import DomainError
from gongkai.core.errors import PermissionDenied as DomainPermissionDenied
from gongkai.core.forms import add_domain_error
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import get_organisation_for_staff, require_current_organisation
from gongkai.orgs.models import Organisation
from gongkai.workdays import services as workday_services
from gongkai.workdays.models import CalendarOverride
from gongkai.workdays.queries import calendar_for, overrides_in_subtree

POSTING_SESSION_KEY = "catalog_posting_upload"


def _visible(request):
    return org_permissions.visible_organisations(request.user)


def get_disclosure_for_staff(request, pk) -> Disclosure:
    """An item of an organisation the user holds a role on (404 otherwise)."""
    return get_object_or_404(
        Disclosure.objects.select_related("organisation", "subject", "catalog_entry", "interprets").filter(
            organisation__in=_visible(request)
        ),
        pk=pk,
    )


def _draftable(request, organisation):
    return Organisation.objects.filter(
        pk__in=[o.pk for o in organisation.subtree() if perms.can_draft(request.user, o)]
    )


# ---- items ------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def disclosure_list(request):
    organisation = require_current_organisation(request)
    subtree = organisation.subtree()
    form = forms.FilterForm(request.GET or None, organisations=subtree)
    items = queries.in_subtree(organisation).select_related("organisation").order_by("-updated_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(Q(title__icontains=data["q"]) | Q(index_no__icontains=data["q"]))
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["kind"]:
            items = items.filter(kind=data["kind"])
        if data["area"]:
            items = items.filter(catalog_entry__area=data["area"])
        if data["organisation"]:
            items = items.filter(organisation=data["organisation"])
        if data["year"]:
            items = items.filter(published_on__year=data["year"])
        if data["late"]:
            items = items.filter(queries.late_filter())
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/list.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_draft": perms.can_draft(request.user, organisation)
            or _draftable(request, organisation).exists(),
            "can_import": perms.can_review(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_create(request):
    organisation = require_current_organisation(request)
    draftable = _draftable(request, organisation)
    if not draftable.exists():
        raise PermissionDenied("您没有权限起草信息")
    form = forms.DisclosureForm(
        request.POST or None,
        organisations=draftable,
        organisation=organisation,
        initial={"organisation": draftable.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = data.pop("organisation")
        try:
            created = services.disclosure_create(organisation=target, actor=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "草稿已保存。可上传附件，然后提交审核。")
            return redirect("catalog_office:detail", pk=created.pk)
    return render(request, "catalog/disclosure_form.html", {"form": form, "title": "新建信息"})


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_edit(request, pk):
    disclosure = get_disclosure_for_staff(request, pk)
    if "edit" not in perms.allowed_actions(request.user, disclosure):
        raise PermissionDenied("只有草稿可以修改，且须有起草权限")
    form = forms.DisclosureForm(request.POST or None, instance=Disclosure.objects.get(pk=disclosure.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_update(
                disclosure=disclosure,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "草稿已保存")
            return redirect("catalog_office:detail", pk=disclosure.pk)
    return render(
        request,
        "catalog/disclosure_form.html",
        {"form": form, "title": f"编辑：{disclosure.title}", "item": disclosure},
    )


@login_required
@require_POST
def disclosure_delete(request, pk):
    disclosure = get_disclosure_for_staff(request, pk)
    try:
        services.disclosure_delete(disclosure=disclosure, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalog_office:detail", pk=pk)
    messages.success(request, "草稿已删除")
    return redirect("catalog_office:list")


@login_required
@require_GET
def disclosure_detail(request, pk):
    disclosure = get_disclosure_for_staff(request, pk)
    actions = perms.allowed_actions(request.user, disclosure)
    findings = services.privacy_findings(disclosure) if disclosure.status == Status.DRAFT else []
    deadline = services.due_date(disclosure.organisation, disclosure.written_on)
    return render(
        request,
        "catalog/detail.html",
        {
            "item": disclosure,
            "actions": actions,
            "events": disclosure.events.select_related("actor"),
            "attachments": disclosure.attachments.all(),
            "publications": disclosure.publications.select_related("recorded_by"),
            "findings": findings,
            "can_override": perms.can_review(request.user, disclosure.organisation),
            "duty_note": _duty_note(request.user, disclosure, actions),
            "deadline": deadline,
            "posting_state": queries.posting_state(disclosure),
            "transition_form": forms.TransitionForm(),
            "channel_form": _channel_form(disclosure) if "approve" in actions else None,
            "attachment_form": forms.AttachmentForm(),
            "publication_form": forms.PublicationForm(initial={"published_on": timezone.localdate()}),
            "validity_form": forms.ValidityForm(initial={"validity": disclosure.validity}),
        },
    )


def _channel_form(disclosure, data=None) -> forms.ChannelChoiceForm:
    """The channel boxes of the approval form: the organisation's enabled targets, the default set ticked."""
    return forms.ChannelChoiceForm(
        data,
        targets=channel_services.publish_targets(disclosure.organisation),
        defaults=services.channel_target_defaults(disclosure),
    )


def _duty_note(user, disclosure, actions) -> str:
    """Why a reviewer sees no 保密审查 / 审批 button on this item (separation of duties), or ""."""
    step = {Status.SECRECY_REVIEW: duties.REVIEW_PASS, Status.APPROVAL: duties.APPROVE}.get(disclosure.status)
    if step is None or step in actions or disclosure.approved_at:
        return ""
    if not perms.can_review(user, disclosure.organisation):
        return ""
    return duties.conflict(user, disclosure, step) or ""


TRANSITIONS = {
    "submit": "已提交审核",
    "review_pass": "保密审查通过，已转待审批",
    "approve": "已审批",
    "send_back": "已退回草稿",
    "retract": "已撤回",
}


@login_required
@require_POST
def disclosure_transition(request, pk, action):
    if action not in TRANSITIONS:
        raise Http404
    disclosure = get_disclosure_for_staff(request, pk)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交的内容无效")
        return redirect("catalog_office:detail", pk=pk)
    data = form.cleaned_data
    try:
        if action == "submit":
            services.disclosure_submit(
                disclosure=disclosure, actor=request.user, override_reason=data["override_reason"]
            )
        elif action == "review_pass":
            services.disclosure_review_pass(
                disclosure=disclosure, actor=request.user, comment=data["comment"]
            )
        elif action == "approve":
            services.disclosure_approve(
                disclosure=disclosure,
                actor=request.user,
                comment=data["comment"],
                publish_at=data["publish_at"],
                channel_target_ids=_channel_form(disclosure, request.POST).chosen(),
            )
        elif action == "send_back":
            services.disclosure_send_back(disclosure=disclosure, actor=request.user, comment=data["comment"])
        else:
            services.disclosure_retract(disclosure=disclosure, actor=request.user, comment=data["comment"])
    except services.PrivacyBlocked as exc:
        messages.error(request, exc.message)
    except DomainPermissionDenied as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, TRANSITIONS[action])
    return redirect("catalog_office:detail", pk=pk)


@login_required
@require_POST
def disclosure_validity(request, pk):
    disclosure = get_disclosure_for_staff(request, pk)
    form = forms.ValidityForm(request.POST)
    if form.is_valid():
        try:
            services.disclosure_set_validity(
                disclosure=disclosure,
                actor=request.user,
                validity=form.cleaned_data["validity"],
                changed_on=form.cleaned_data["changed_on"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "有效性已更新")
    else:
        messages.error(request, "请填写有效性和日期")
    return redirect("catalog_office:detail", pk=pk)


# ---- attachments and channel records ------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, pk):
    disclosure = get_disclosure_for_staff(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
    else:
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_ATTACHMENT_BYTES:
                raise services.CatalogError("文件超过20MB的上限")
            services.attachment_add(
                disclosure=disclosure, actor=request.user, name=upload.name, data=upload.read()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已上传：{upload.name}")
    return redirect("catalog_office:detail", pk=pk)


def _attachment_for_staff(request, pk) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("disclosure__organisation").filter(
            disclosure__organisation__in=_visible(request)
        ),
        pk=pk,
    )


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = _attachment_for_staff(request, pk)
    return stored_file_response(attachment.file, filename=attachment.original_name)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = _attachment_for_staff(request, pk)
    disclosure_pk = attachment.disclosure_id
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已删除")
    return redirect("catalog_office:detail", pk=disclosure_pk)


@login_required
@require_POST
def publication_add(request, pk):
    disclosure = get_disclosure_for_staff(request, pk)
    form = forms.PublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择渠道并填写日期")
    else:
        try:
            services.disclosure_channel_record(disclosure=disclosure, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "发布渠道已登记")
    return redirect("catalog_office:detail", pk=pk)


@login_required
@require_POST
def publication_delete(request, pk):
    publication = get_object_or_404(
        Publication.objects.select_related("disclosure__organisation").filter(
            disclosure__organisation__in=_visible(request)
        ),
        pk=pk,
    )
    try:
        services.disclosure_channel_delete(publication=publication, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "发布记录已删除")
    return redirect("catalog_office:detail", pk=publication.disclosure_id)


# ---- review queue -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request):
    organisation = require_current_organisation(request)
    reviewable = [o.pk for o in organisation.subtree() if perms.can_review(request.user, o)]
    items = queries.review_queue(request.user, Organisation.objects.filter(pk__in=reviewable))
    return render(
        request,
        "catalog/review_queue.html",
        {"organisation": organisation, "items": items, "is_reviewer": bool(reviewable)},
    )


# ---- the organisation's catalog --------------------------------------------------------------------------------------


@login_required
@require_GET
def catalog(request):
    organisation = require_current_organisation(request)
    entries = CatalogEntry.objects.filter(organisation=organisation).select_related("area")
    return render(
        request,
        "catalog/catalog.html",
        {
            "organisation": organisation,
            "entries": entries,
            "can_edit": perms.can_edit_catalog(request.user, organisation),
        },
    )


@login_required
@require_POST
def catalog_adopt(request):
    organisation = require_current_organisation(request)
    if not perms.can_edit_catalog(request.user, organisation):
        raise PermissionDenied("您没有权限维护该机构的公开目录")
    created = standard.catalog_adopt(organisation=organisation, actor=request.user)
    messages.success(
        request, f"已采用标准目录，新增 {created} 条" if created else "标准目录条目均已在本机构目录中"
    )
    return redirect("catalog_office:catalog")


def _entry_for_staff(request, pk) -> CatalogEntry:
    entry = get_object_or_404(
        CatalogEntry.objects.select_related("organisation").filter(organisation__in=_visible(request)), pk=pk
    )
    if not perms.can_edit_catalog(request.user, entry.organisation):
        raise PermissionDenied("您没有权限维护该机构的公开目录")
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk=None):
    if pk is None:
        organisation = require_current_organisation(request)
        if not perms.can_edit_catalog(request.user, organisation):
            raise PermissionDenied("您没有权限维护该机构的公开目录")
        entry = CatalogEntry(organisation=organisation)
    else:
        entry = _entry_for_staff(request, pk)
        organisation = entry.organisation
    form = forms.CatalogEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            standard.catalog_entry_save(actor=request.user, entry=form.save(commit=False))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "目录条目已保存")
            return redirect("catalog_office:catalog")
    return render(
        request,
        "catalog/form.html",
        {
            "form": form,
            "title": "编辑目录条目" if pk else "新增目录条目",
            "organisation": organisation,
            "delete_url": entry.pk and "catalog_office:entry_delete",
            "record": entry if pk else None,
        },
    )


@login_required
@require_POST
def entry_delete(request, pk):
    entry = _entry_for_staff(request, pk)
    try:
        standard.catalog_entry_delete(actor=request.user, entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "目录条目已删除")
    return redirect("catalog_office:catalog")


# ---- list publishing (公示名单) ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def posting_upload(request):
    organisation = require_current_organisation(request)
    if not perms.can_draft(request.user, organisation):
        raise PermissionDenied("您没有权限为该机构起草信息")
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            headers, rows = read_table(form.cleaned_data["file"].read())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # Kept in the temporary upload store until the 公示 draft is created; the session holds only its
            # token, and the item only the masked columns.
            request.session[POSTING_SESSION_KEY] = uploads.upload_preview_store(
                user=request.user, organisation=organisation, headers=headers, rows=rows
            )
            return redirect("catalog_office:posting_columns")
    return render(
        request,
        "catalog/form.html",
        {
            "form": form,
            "title": "名单公示：上传表格",
            "organisation": organisation,
            "multipart": True,
            "intro": "上传低保、特困、临时救助等名单（XLSX 或 CSV，第一行为表头）。下一步选择公开的列和每列的脱敏方式，"
            f"预览无误后生成公示草稿；原始表格只临时保留{uploads.lifetime_minutes()}分钟，生成草稿后即删除。",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def posting_columns(request):
    organisation = require_current_organisation(request)
    if not perms.can_draft(request.user, organisation):
        raise PermissionDenied("您没有权限为该机构起草信息")
    token = request.session.get(POSTING_SESSION_KEY)
    upload = uploads.upload_preview_load(token=token, user=request.user, organisation=organisation)
    if upload is None:
        messages.error(
            request, f"请先上传名单表格（上传的表格保留{uploads.lifetime_minutes()}分钟，超时请重新上传）"
        )
        return redirect("catalog_office:posting_upload")
    headers, rows = upload
    form = forms.PostingForm(request.POST or None, headers=headers, organisation=organisation)
    preview = None
    emptied = []
    if request.method == "POST" and form.is_valid():
        columns, maskings = form.chosen()
        emptied = uploads.columns_emptied_by_masking(
            headers=headers, rows=rows, columns=columns, maskings=maskings
        )
        unconfirmed = [e for e in emptied if e.index not in form.cleaned_data["confirm_emptied"]]
        create = "create" in request.POST
        if create and unconfirmed:
            # Not drafted silently: the clerk confirms each emptied column or changes its masking.
            form.add_error(
                None,
                "；".join(e.message for e in unconfirmed) + "。请更改该列的处理方式，或勾选确认后再生成草稿",
            )
            create = False
        try:
            if create:
                created = services.posting_draft_create(
                    organisation=organisation,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    written_on=form.cleaned_data["written_on"],
                    posting_days=form.cleaned_data["posting_days"],
                    summary=form.cleaned_data["summary"],
                    catalog_entry=form.cleaned_data["catalog_entry"],
                    headers=headers,
                    rows=rows,
                    columns=columns,
                    maskings=maskings,
                )
            else:
                preview = services.posting_table_build(
                    headers=headers, rows=rows, columns=columns, maskings=maskings
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if create:
                uploads.upload_preview_delete(token=request.session.pop(POSTING_SESSION_KEY, None))
                messages.success(request, "公示草稿已生成，仅保存了脱敏后的公开列")
                return redirect("catalog_office:detail", pk=created.pk)
    return render(
        request,
        "catalog/posting_columns.html",
        {
            "form": form,
            "organisation": organisation,
            "preview": preview,
            "row_count": len(rows),
            "emptied": emptied,
        },
    )


# ---- bulk import ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_import(request):
    organisation = require_current_organisation(request)
    if not perms.can_draft(request.user, organisation):
        raise PermissionDenied("您没有权限为该机构导入信息")
    may_publish = perms.can_import_published(request.user, organisation)
    form = forms.ImportForm(request.POST or None, request.FILES or None, may_publish=may_publish)
    result = None
    if request.method == "POST" and form.is_valid():
        dry_run = "commit" not in request.POST
        try:
            headers, rows = read_table(form.cleaned_data["file"].read())
            result = importing.disclosures_import(
                organisation=organisation,
                actor=request.user,
                rows=rows_as_dicts(headers, rows),
                dry_run=dry_run,
                published=form.cleaned_data["published"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if not dry_run:
                how = "已发布" if form.cleaned_data["published"] else "草稿，请提交审核"
                messages.success(request, f"已导入 {len(result.created)} 条信息（{how}）")
                return redirect("catalog_office:list")
    return render(
        request,
        "catalog/import.html",
        {
            "form": form,
            "organisation": organisation,
            "result": result,
            "may_publish": may_publish,
            "columns": list(importing.IMPORT_COLUMNS),
            "required": importing.REQUIRED_IMPORT_COLUMNS,
            "required_published": importing.REQUIRED_PUBLISHED_COLUMNS,
        },
    )


# ---- the holiday calendar ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    organisation = require_current_organisation(request)
    can_edit = perms.can_edit_calendar(request.user, organisation)
    form = forms.CalendarForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有管理员可以维护工作日历")
        if form.is_valid():
            try:
                workday_services.override_set(
                    organisation=organisation, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "工作日历已更新")
                return redirect("catalog_office:calendar")
    today = timezone.localdate()
    work_calendar = calendar_for(organisation)
    upcoming = work_calendar.days(today, today + datetime.timedelta(days=30))
    return render(
        request,
        "catalog/calendar.html",
        {
            "organisation": organisation,
            "form": form,
            "can_edit": can_edit,
            "overrides": overrides_in_subtree(organisation),
            "upcoming": [d for d in upcoming if d.kind in ("holiday", "adjusted_workday")],
            "provisional": any(d.provisional for d in upcoming),
        },
    )


@login_required
@require_POST
def calendar_delete(request, pk):
    override = get_object_or_404(
        CalendarOverride.objects.select_related("organisation").filter(organisation__in=_visible(request)),
        pk=pk,
    )
    get_organisation_for_staff(request, override.organisation_id, check=perms.can_edit_calendar)
    workday_services.override_delete(override=override, actor=request.user)
    messages.success(request, "已删除该日历调整")
    return redirect("catalog_office:calendar")
