"""Who may see and change what in the organisation tree. Every view and service asks here.

A role granted on an organisation applies to it and to everything below it.
"""

from django.db.models import Q, QuerySet

from gongkai.core.errors import PermissionDenied
from gongkai.orgs.models import Membership, Organisation, Role

MANAGE_ROLES = {Role.ADMIN}
EDIT_RECORD_ROLES = {Role.ADMIN, Role.CLERK, Role.REVIEWER}
ANY_ROLE = set(Role)


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
    return can_manage(user, organisation)


def require(allowed: bool, message: str = "您没有权限对该机构执行此操作") -> None:
    if not allowed:
        raise PermissionDenied(message)


def grantable_roles(user, organisation: Organisation) -> list[tuple[str, str]]:
    """Roles an admin may grant on this organisation; a village clerk only on a village."""
    if not can_manage(user, organisation):
        return []
    choices = [(value, label) for value, label in Role.choices if value != Role.VILLAGE_CLERK]
    if organisation.is_village:
        choices.append((Role.VILLAGE_CLERK, Role.VILLAGE_CLERK.label))
    return choices
