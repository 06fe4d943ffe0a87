"""Who may see and handle applications. Roles come from orgs.permissions and apply to a whole subtree."""

from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.shortcuts import get_object_or_404

from gongkai.applications.models import Application
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.models import Role

HANDLE_ROLES = {Role.ADMIN, Role.REVIEWER, Role.CLERK}
# The head of the disclosure office (公开工作机构负责人) approves extensions (Art. 33 ¶2).
APPROVE_EXTENSION_ROLES = {Role.ADMIN, Role.REVIEWER}
PERSONAL_DATA_ROLES = HANDLE_ROLES
TEMPLATE_ROLES = {Role.ADMIN}


def can_view_applications(user, organisation) -> bool:
    return org_permissions.can_view(user, organisation)


def can_handle(user, organisation) -> bool:
    """Register applications, record events, decide, deliver, archive."""
    return bool(org_permissions.roles_on(user, organisation) & HANDLE_ROLES)


def can_approve_extension(user, organisation) -> bool:
    return bool(org_permissions.roles_on(user, organisation) & APPROVE_EXTENSION_ROLES)


def can_see_personal_data(user, application) -> bool:
    """ID number, phone, address, e-mail and the proof in clear: only staff of the handling organisation whose
    work needs them (not 村级信息员, not 只读)."""
    return bool(org_permissions.roles_on(user, application.organisation) & PERSONAL_DATA_ROLES)


def can_edit_templates(user, organisation) -> bool:
    return bool(org_permissions.roles_on(user, organisation) & TEMPLATE_ROLES)


def require(allowed: bool, message: str = "您没有权限办理该申请") -> None:
    org_permissions.require(allowed, message)


def get_application_for_staff(request, pk, *, check=can_view_applications):
    """An application in the user's subtree; 404 outside it, 403 when the role is too weak."""
    application = get_object_or_404(
        Application.objects.select_related("organisation", "assignee").filter(
            organisation__in=org_permissions.visible_organisations(request.user)
        ),
        pk=pk,
    )
    if not check(request.user, application.organisation):
        raise HttpPermissionDenied("您没有权限执行此操作")
    return application
