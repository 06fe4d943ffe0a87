"""Who may see and change what in the organisation tree. Every view and service asks here.

A role granted on an organisation applies to it and to everything below it.
"""

from django.conf import settings
from django.db.models import Q, QuerySet

from gongkai.core.errors import PermissionDenied
from gongkai.orgs.models import Membership, Organisation, Role

MANAGE_ROLES = {Role.ADMIN}
EDIT_RECORD_ROLES = {Role.ADMIN, Role.CLERK, Role.REVIEWER}
ANY_ROLE = set(Role)
# 三员分立 (GB/T 22239-2019 8.1.5.1–8.1.5.3, level 3): 系统管理员 (ADMIN) runs the organisations, accounts and the
# working roles; 安全管理员 authorises — grants and revokes the three administrator roles — and answers lockouts;
# 审计管理员 only reads the audit log. One person holds at most one of them, and nobody grants one to himself.
ADMINISTRATOR_ROLES = {Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
ACCOUNT_ROLES = {Role.ADMIN, Role.SECURITY_ADMIN}


def separate_admin_duties() -> bool:
    """GONGKAI_SEPARATE_ADMIN_DUTIES (on by default); off only where one person must do everything."""
    return getattr(settings, "SEPARATE_ADMIN_DUTIES", True)


def _grants(user) -> list[tuple[str, str]]:
    """(organisation path, role) pairs the user holds; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gongkai_grants", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("organisation__path", "role"))
        user._gongkai_grants = cached
    return cached


def roles_on(user, organisation: Organisation) -> set[str]:
    """Roles the user holds on this organisation, inherited from any ancestor."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return set(Role)
    return {role for path, role in _grants(user) if organisation.path.startswith(path)}


def visible_organisations(user) -> QuerySet[Organisation]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Organisation.objects.all()
    paths = {path for path, _ in _grants(user)}
    if not paths:
        return Organisation.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Organisation.objects.filter(condition)


def root_organisations(user) -> list[Organisation]:
    """The topmost organisations of the user's grants (a grant inside another grant is not a root)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Organisation.objects.filter(parent__isnull=True))
    paths = sorted({path for path, _ in _grants(user)})
    roots = [p for p in paths if not any(p != other and p.startswith(other) for other in paths)]
    return list(Organisation.objects.filter(path__in=roots))


def can_view(user, organisation: Organisation) -> bool:
    return bool(roles_on(user, organisation))


def can_manage(user, organisation: Organisation) -> bool:
    """Change the organisation itself, its children, its users and roles; read its audit log."""
    return bool(roles_on(user, organisation) & MANAGE_ROLES)


def can_edit_records(user, organisation: Organisation) -> bool:
    """Keep the roster, leadership group, training and funding records."""
    return bool(roles_on(user, organisation) & EDIT_RECORD_ROLES)


def can_read_audit(user, organisation: Organisation) -> bool:
    """The audit administrator reads the log (read-only); the system administrator only without 三员分立."""
    roles = roles_on(user, organisation)
    return Role.AUDIT_ADMIN in roles or (not separate_admin_duties() and Role.ADMIN in roles)


def can_manage_accounts(user, organisation: Organisation) -> bool:
    """See the users of the subtree, disable them and end their sessions (system or security administrator)."""
    return bool(roles_on(user, organisation) & ACCOUNT_ROLES)


def require(allowed: bool, message: str = "您没有权限对该机构执行此操作") -> None:
    if not allowed:
        raise PermissionDenied(message)


def grantable_roles(user, organisation: Organisation) -> list[tuple[str, str]]:
    """Roles the user may grant (and revoke) on this organisation; a village clerk only on a village.

    With 三员分立 the system administrator grants the working roles and the security administrator the three
    administrator roles; without it the administrator grants every role."""
    roles = roles_on(user, organisation)
    allowed: set[str] = set()
    if Role.ADMIN in roles:
        allowed |= set(Role) - ADMINISTRATOR_ROLES if separate_admin_duties() else set(Role)
    if Role.SECURITY_ADMIN in roles and separate_admin_duties():
        allowed |= ADMINISTRATOR_ROLES
    if not organisation.is_village:
        allowed.discard(Role.VILLAGE_CLERK)
    return [(value, label) for value, label in Role.choices if value in allowed]


def administrator_role_conflict(user, role: str) -> str | None:
    """Under 三员分立: the administrator role the user already holds that excludes `role`, if any."""
    if role not in ADMINISTRATOR_ROLES or not separate_admin_duties():
        return None
    held = set(
        Membership.objects.filter(user=user, role__in=ADMINISTRATOR_ROLES).values_list("role", flat=True)
    )
    held.discard(role)
    return Role(sorted(held)[0]).label if held else None
