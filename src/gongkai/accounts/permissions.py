"""Who may act on a staff account (disable it, end its sessions)."""

from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.models import Membership, Organisation


def can_manage_user(actor, user) -> bool:
    """A superuser may act on anyone but himself; a system or security administrator on an account whose every
    role lies inside organisations where the actor holds one of those roles (never on a superuser or himself)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active or actor.pk == user.pk:
        return False
    if actor.is_superuser:
        return True
    if user.is_superuser:
        return False
    organisation_ids = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    if not organisation_ids:
        return False
    return all(
        org_permissions.can_manage_accounts(actor, organisation)
        for organisation in Organisation.objects.filter(pk__in=organisation_ids)
    )
