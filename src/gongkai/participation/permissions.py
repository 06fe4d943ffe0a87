"""Who may do what in 政民互动. Built on orgs.permissions (a role on an organisation applies below it)."""

from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.models import Role

# Answer and transfer 留言, record responses, open consultations: the working roles of the office.
HANDLE_ROLES = {Role.ADMIN, Role.REVIEWER, Role.CLERK}
# Moderating public comments and publishing the 采纳情况 is a review act (like 保密审查): reviewer or admin.
MODERATE_ROLES = {Role.ADMIN, Role.REVIEWER}


def can_handle(user, organisation) -> bool:
    return bool(org_permissions.roles_on(user, organisation) & HANDLE_ROLES)


def can_moderate(user, organisation) -> bool:
    return bool(org_permissions.roles_on(user, organisation) & MODERATE_ROLES)


def require(allowed: bool, message: str = "您没有权限办理该事项") -> None:
    org_permissions.require(allowed, message)
