"""Who may plan key works and link items to their stages.

Planning a key work and linking items is drafting work (经办人 and above on the organisation, which covers its
villages); every staff member who can see the organisation can read its key works.
"""

from gongkai.orgs.models import Role
from gongkai.orgs.permissions import can_view, roles_on

PLAN_ROLES = {Role.ADMIN, Role.REVIEWER, Role.CLERK}

__all__ = ["can_view", "can_plan"]


def can_plan(user, organisation) -> bool:
    return bool(roles_on(user, organisation) & PLAN_ROLES)
