import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.accounts import services as account_services
from gongkai.accounts.context import client_address
from gongkai.accounts.models import User
from gongkai.accounts.permissions import can_manage_user
from gongkai.audit import queries as audit_queries
from gongkai.audit.models import AuditEvent
from gongkai.channels import queries as channel_queries
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.keyworks import queries as keyworks_queries
from gongkai.office import forms
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs import queries as org_queries
from gongkai.orgs import services as org_services
from gongkai.orgs.current import (
    SESSION_KEY,
    get_organisation_for_staff,
    get_record_for_staff,
    require_current_organisation,
)
from gongkai.orgs.models import (
    Funding,
    LeadershipGroupMember,
    Membership,
    Organisation,
    StaffMember,
    TrainingSession,
)
from gongkai.portal import queries as column_queries  # the public column's empty sub-columns
from gongkai.reports import queries as report_queries
from gongkai.supervision import queries as supervision_queries
from gongkai.workdays.queries import calendar_for


def _years_around(today: datetime.date) -> list[int]:
    return list(range(today.year + 1, 2006, -1))


@login_required
@require_GET
def dashboard(request):
    organisation = require_current_organisation(request)
    year = timezone.localdate().year
    context = {
        "organisation": organisation,
        "children": organisation.children.order_by("sort_order", "id"),
        "staff_this_year": org_queries.staff_counts(organisation, year),
        "staff_last_year": org_queries.staff_counts(organisation, year - 1),
        "funding_this_year": org_queries.funding_total_wan(organisation, year),
        "year": year,
        "roles": sorted(org_permissions.roles_on(request.user, organisation)),
        "can_manage": org_permissions.can_manage(request.user, organisation),
        "dashboard_warnings": [
            w for w in [report_queries.dashboard_warning(organisation, today=timezone.localdate())] if w
        ]
        + column_queries.column_warnings(organisation, today=timezone.localdate())
        # a WeChat account that never published (the self-check's count covers those that did)
        + channel_queries.silent_accounts_warnings(organisation, today=timezone.localdate()),
        "self_check": supervision_queries.summary(organisation, today=timezone.localdate()),
        "key_work_gaps": keyworks_queries.works_with_gaps(
            organisation, timezone.localdate(), calendar_for(organisation)
        ),
        "recent_audit": (
            audit_queries.events_in_subtree(organisation).select_related("actor")[:8]
            if org_permissions.can_read_audit(request.user, organisation)
            else []
        ),
    }
    return render(request, "office/dashboard.html", context)


@login_required
@require_POST
def switch_org(request):
    organisation = get_organisation_for_staff(request, request.POST.get("organisation") or 0)
    request.session[SESSION_KEY] = organisation.pk
    target = request.POST.get("next") or reverse("office:dashboard")
    if (
        not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        or "/office/" not in target
    ):
        target = reverse("office:dashboard")
    messages.info(request, f"已切换到：{organisation.name}")
    return redirect(target)


# ---- organisations -------------------------------------------------------------------------------------


@login_required
@require_GET
def organisations(request):
    organisation = require_current_organisation(request)
    rows = org_queries.tree_rows(organisation.subtree())
    for row in rows:
        row.level = min(row.depth - organisation.depth, 5)
    return render(
        request,
        "office/organisations.html",
        {
            "organisation": organisation,
            "rows": rows,
            "can_manage": org_permissions.can_manage(request.user, organisation),
        },
    )


@login_required
@require_GET
def organisation_detail(request, pk):
    organisation = get_organisation_for_staff(request, pk)
    return render(
        request,
        "office/organisation_detail.html",
        {
            "org": organisation,
            "ancestors": organisation.ancestors(),
            "children": organisation.children.order_by("sort_order", "id"),
            "can_manage": org_permissions.can_manage(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = get_organisation_for_staff(request, pk, check=org_permissions.can_manage)
    form = forms.OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            org_services.org_update(
                actor=request.user,
                organisation=organisation,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "机构信息已保存")
            return redirect("office:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "office/organisation_form.html",
        {"form": form, "org": organisation, "title": f"编辑：{organisation.name}"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request, parent_pk):
    parent = get_organisation_for_staff(request, parent_pk, check=org_permissions.can_manage)
    form = forms.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "disclosure_office"}
        try:
            created = org_services.org_create(actor=request.user, parent=parent, **fields)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已创建：{created.name}")
            return redirect("office:organisation_detail", pk=created.pk)
    return render(
        request,
        "office/organisation_form.html",
        {"form": form, "parent": parent, "title": f"在“{parent.name}”下新建机构"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_move(request, pk):
    organisation = get_organisation_for_staff(request, pk, check=org_permissions.can_manage)
    parents = org_permissions.visible_organisations(request.user).exclude(path__startswith=organisation.path)
    parents = [p for p in parents if org_permissions.can_manage(request.user, p)]
    form = forms.MoveForm(
        request.POST or None, parents=Organisation.objects.filter(pk__in=[p.pk for p in parents])
    )
    if request.method == "POST" and form.is_valid():
        try:
            org_services.org_move(
                actor=request.user, organisation=organisation, new_parent=form.cleaned_data["new_parent"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "机构已移动，其全部记录随之保留")
            return redirect("office:organisation_detail", pk=organisation.pk)
    return render(request, "office/organisation_move.html", {"form": form, "org": organisation})


# ---- roster, leadership group, training, funding ----------------------------------------------------------

RECORDS = {
    "staff": (StaffMember, forms.StaffForm, "信息公开工作人员"),
    "leadership": (LeadershipGroupMember, forms.LeadershipForm, "政务公开领导小组成员"),
    "training": (TrainingSession, forms.TrainingForm, "培训"),
    "funding": (Funding, forms.FundingForm, "专项经费"),
}


def _year_param(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@login_required
@require_GET
def staff(request):
    organisation = require_current_organisation(request)
    year = _year_param(request, timezone.localdate().year)
    include_children = request.GET.get("scope") == "subtree"
    scope = org_queries.subtree(organisation, include_children=include_children)
    context = {
        "organisation": organisation,
        "year": year,
        "years": _years_around(timezone.localdate()),
        "include_children": include_children,
        "staff": StaffMember.objects.filter(organisation__in=scope, year=year).select_related("organisation"),
        "counts": org_queries.staff_counts(organisation, year, include_children=include_children),
        "leadership": LeadershipGroupMember.objects.filter(organisation=organisation),
        "trainings": TrainingSession.objects.filter(
            organisation__in=scope, held_on__year=year
        ).select_related("organisation"),
        "can_edit": org_permissions.can_edit_records(request.user, organisation),
    }
    return render(request, "office/staff.html", context)


@login_required
@require_GET
def funding(request):
    organisation = require_current_organisation(request)
    include_children = request.GET.get("scope") == "subtree"
    scope = org_queries.subtree(organisation, include_children=include_children)
    rows = Funding.objects.filter(organisation__in=scope).select_related("organisation")
    context = {
        "organisation": organisation,
        "rows": rows,
        "include_children": include_children,
        "can_edit": org_permissions.can_edit_records(request.user, organisation),
    }
    return render(request, "office/funding.html", context)


def _record_back(kind: str, record) -> str:
    if kind == "funding":
        return reverse("office:funding")
    year = getattr(record, "year", None) or (record.held_on.year if getattr(record, "held_on", None) else "")
    return reverse("office:staff") + (f"?year={year}" if year else "")


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request, kind):
    if kind not in RECORDS:
        raise PermissionDenied
    model, form_class, label = RECORDS[kind]
    organisation = require_current_organisation(request)
    if not org_permissions.can_edit_records(request.user, organisation):
        raise PermissionDenied("您没有权限维护该机构的记录")
    initial = {"year": timezone.localdate().year} if "year" in form_class.Meta.fields else {}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.organisation = organisation
        try:
            org_services.record_save(actor=request.user, record=record)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已添加{label}")
            return redirect(_record_back(kind, record))
    return render(
        request,
        "office/record_form.html",
        {"form": form, "title": f"添加{label}", "organisation": organisation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, kind, pk):
    if kind not in RECORDS:
        raise PermissionDenied
    model, form_class, label = RECORDS[kind]
    record = get_record_for_staff(request, model, pk)
    form = form_class(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            org_services.record_save(actor=request.user, record=form.save(commit=False))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{label}已保存")
            return redirect(_record_back(kind, record))
    return render(
        request,
        "office/record_form.html",
        {
            "form": form,
            "title": f"编辑{label}",
            "organisation": record.organisation,
            "record": record,
            "kind": kind,
        },
    )


@login_required
@require_POST
def record_delete(request, kind, pk):
    if kind not in RECORDS:
        raise PermissionDenied
    model, _, label = RECORDS[kind]
    record = get_record_for_staff(request, model, pk)
    back = _record_back(kind, record)
    org_services.record_delete(actor=request.user, record=record)
    messages.success(request, f"已删除{label}")
    return redirect(back)


# ---- users and roles ----------------------------------------------------------------------------------------


def _manageable(request):
    return Organisation.objects.filter(
        pk__in=[
            o.pk
            for o in org_permissions.visible_organisations(request.user)
            if org_permissions.can_manage(request.user, o)
        ]
    )


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def users(request):
    organisation = require_current_organisation(request)
    if not org_permissions.can_manage_accounts(request.user, organisation):
        raise PermissionDenied("只有管理员或安全管理员可以管理用户与角色")
    can_create = org_permissions.can_manage(request.user, organisation)
    manageable = organisation.subtree().filter(pk__in=_manageable(request))
    grantable = organisation.subtree().filter(
        pk__in=[
            o.pk
            for o in org_permissions.visible_organisations(request.user)
            if org_permissions.grantable_roles(request.user, o)
        ]
    )
    create_form = forms.UserCreateForm(
        request.POST if request.POST.get("form") == "create" else None, organisations=manageable
    )
    grant_form = forms.GrantForm(
        request.POST if request.POST.get("form") == "grant" else None, organisations=grantable
    )
    if request.method == "POST":
        if request.POST.get("form") == "create" and not can_create:
            raise PermissionDenied("只有管理员可以创建用户")
        form = create_form if request.POST.get("form") == "create" else grant_form
        if form.is_valid():
            try:
                _users_apply(request, form)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("office:users")
    memberships = (
        Membership.objects.filter(organisation__path__startswith=organisation.path)
        .select_related("user", "organisation")
        .order_by("organisation__path", "user__username")
    )
    accounts = (
        User.objects.filter(memberships__organisation__path__startswith=organisation.path)
        .distinct()
        .order_by("username")
    )
    for account in accounts:
        account.can_act = can_manage_user(request.user, account)
    return render(
        request,
        "office/users.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "accounts": accounts,
            "inactive_days": settings.ACCOUNT_INACTIVE_DAYS,
            "create_form": create_form if can_create else None,
            "grant_form": grant_form,
        },
    )


def _account_for_staff(request, pk) -> User:
    """An account the user may disable or enable: 404 if unknown, 403 if outside their reach."""
    account = get_object_or_404(User, pk=pk)
    if not can_manage_user(request.user, account):
        raise PermissionDenied("您没有权限停用或启用该用户")
    return account


@login_required
@require_POST
def user_disable(request, pk):
    """停用 an account and end all its sessions at once (等保 8.1.4.2 c)); audited by the service."""
    account = _account_for_staff(request, pk)
    ended = account_services.user_disable(
        actor=request.user,
        user=account,
        reason=request.POST.get("reason", "")[:200],
        ip_address=client_address(request),
    )
    messages.success(request, f"已停用 {account.username}，并结束其 {ended} 个会话")
    return redirect("office:users")


@login_required
@require_POST
def user_enable(request, pk):
    account = _account_for_staff(request, pk)
    account_services.user_enable(actor=request.user, user=account, ip_address=client_address(request))
    messages.success(request, f"已启用 {account.username}")
    return redirect("office:users")


def _users_apply(request, form) -> None:
    data = form.cleaned_data
    from django.db import transaction

    with transaction.atomic():
        if isinstance(form, forms.UserCreateForm):
            user = account_services.user_create(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                password=data["password"],
                email=data["email"],
                phone=data["phone"],
            )
            org_services.membership_grant(
                actor=request.user, user=user, organisation=data["organisation"], role=data["role"]
            )
            messages.success(request, f"已创建用户 {user.username}，并授予角色")
        else:
            user = User.objects.filter(username=data["username"].strip()).first()
            if user is None:
                raise DomainError("没有这个用户名", field="username")
            org_services.membership_grant(
                actor=request.user, user=user, organisation=data["organisation"], role=data["role"]
            )
            messages.success(request, f"已为 {user.username} 授予角色")


@login_required
@require_POST
def membership_revoke(request, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user").filter(
            organisation__in=org_permissions.visible_organisations(request.user)
        ),
        pk=pk,
    )
    if not org_permissions.can_manage(request.user, membership.organisation):
        raise PermissionDenied("您没有权限撤销该角色")
    try:
        org_services.membership_revoke(actor=request.user, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销角色")
    return redirect("office:users")


# ---- audit log -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def audit(request):
    organisation = require_current_organisation(request)
    if not org_permissions.can_read_audit(request.user, organisation):
        raise PermissionDenied("只有审计管理员可以查看审计日志")
    form = forms.AuditFilterForm(request.GET or None)
    events = audit_queries.events_in_subtree(organisation)
    if request.user.is_superuser and organisation.parent_id is None:
        events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__icontains=data["action"])
        if data["actor"]:
            events = events.filter(Q(actor_label__icontains=data["actor"]))
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    page = Paginator(events.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "office/audit.html",
        {"organisation": organisation, "page": page, "form": form, "query": query.urlencode()},
    )
