from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.models import Role

PUBLISH_ROLES = {Role.ADMIN, Role.REVIEWER}


def can_view_report(user, organisation) -> bool:
    return org_permissions.can_view(user, organisation)


def can_edit_report(user, organisation) -> bool:
    return org_permissions.can_edit_records(user, organisation)


def can_publish_report(user, organisation) -> bool:
    return bool(org_permissions.roles_on(user, organisation) & PUBLISH_ROLES)


def can_import_past_report(user, organisation) -> bool:
    """Importing a past report replaces figures the next year's report relies on: the organisation's 管理员 only."""
    return Role.ADMIN in org_permissions.roles_on(user, organisation)
