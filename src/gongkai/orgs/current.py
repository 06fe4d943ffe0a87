"""The request's organisation: staff work on one organisation at a time (the one chosen in the office's switcher,
within the user's grants), and fetch records only inside their subtree. Every app's views use these helpers."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.models import Organisation

SESSION_KEY = "gongkai_current_org"


def current_organisation(request) -> Organisation | None:
    if not request.user.is_authenticated:
        return None
    cached = getattr(request, "_current_org", None)
    if cached is not None:
        return cached
    visible = org_permissions.visible_organisations(request.user)
    org_id = request.session.get(SESSION_KEY)
    organisation = visible.filter(pk=org_id).first() if org_id else None
    if organisation is None:
        roots = org_permissions.root_organisations(request.user)
        organisation = roots[0] if roots else None
        if organisation is not None:
            request.session[SESSION_KEY] = organisation.pk
    request._current_org = organisation
    return organisation


def require_current_organisation(request) -> Organisation:
    organisation = current_organisation(request)
    if organisation is None:
        raise PermissionDenied("您尚未被授予任何机构的角色，请联系管理员")
    return organisation


def get_organisation_for_staff(request, pk, *, check=org_permissions.can_view) -> Organisation:
    """An organisation the user may act on; 404 outside their subtree, 403 for a role that is too weak."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("没有找到该机构") from None
    organisation = get_object_or_404(org_permissions.visible_organisations(request.user), pk=pk)
    if not check(request.user, organisation):
        raise PermissionDenied("您没有权限执行此操作")
    return organisation


def get_record_for_staff(request, model, pk, *, check=org_permissions.can_edit_records):
    record = get_object_or_404(
        model.objects.select_related("organisation").filter(
            organisation__in=org_permissions.visible_organisations(request.user)
        ),
        pk=pk,
    )
    if not check(request.user, record.organisation):
        raise PermissionDenied("您没有权限执行此操作")
    return record
