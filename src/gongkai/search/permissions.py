"""Who may edit the search synonyms: an organisation's 管理员 for its own (a county's administrator holds the role
on each township below, so edits theirs too); the platform's defaults only a superuser (a 管理员 of the root)."""

from gongkai.orgs.permissions import can_manage


def can_edit_synonyms(user, organisation) -> bool:
    """`organisation` None: the platform's defaults."""
    if organisation is None:
        return bool(getattr(user, "is_superuser", False) and user.is_active)
    return can_manage(user, organisation)
