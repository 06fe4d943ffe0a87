"""Who may draft, review, publish and record what in proactive disclosure.

A role on an organisation covers its subtree (orgs.permissions.roles_on), so a township reviewer reviews
its villages' items, and a village clerk (村级信息员) only ever holds a role on their own village.
"""

from gongkai.catalog import duties
from gongkai.catalog.models import Status
from gongkai.orgs.models import Role
from gongkai.orgs.permissions import can_manage, can_view, require, roles_on

DRAFT_ROLES = {Role.ADMIN, Role.REVIEWER, Role.CLERK, Role.VILLAGE_CLERK}
REVIEW_ROLES = {Role.ADMIN, Role.REVIEWER}
CATALOG_ROLES = {Role.ADMIN, Role.REVIEWER, Role.CLERK}

__all__ = ["require", "can_view"]


def can_draft(user, organisation) -> bool:
    return bool(roles_on(user, organisation) & DRAFT_ROLES)


def can_review(user, organisation) -> bool:
    """保密审查, approval, privacy override and retraction (Art. 17): reviewers and admins only."""
    return bool(roles_on(user, organisation) & REVIEW_ROLES)


def can_import_published(user, organisation) -> bool:
    """Record imported items as already published, bypassing review (issue 10 #7): administrators only."""
    return can_manage(user, organisation)


def can_edit_catalog(user, organisation) -> bool:
    return bool(roles_on(user, organisation) & CATALOG_ROLES)


def can_edit_calendar(user, organisation) -> bool:
    return can_manage(user, organisation)


def allowed_actions(user, disclosure) -> set[str]:
    """The workflow buttons the user may press on this item now."""
    org = disclosure.organisation
    draft, review = can_draft(user, org), can_review(user, org)
    actions: set[str] = set()
    if disclosure.status == Status.DRAFT and draft:
        actions |= {"edit", "submit", "attach"}
    if disclosure.status == Status.SECRECY_REVIEW and review:
        actions.add("send_back")
        if duties.conflict(user, disclosure, duties.REVIEW_PASS) is None:
            actions.add("review_pass")
    if disclosure.status == Status.APPROVAL and review:
        actions.add("send_back")
        if not disclosure.approved_at and duties.conflict(user, disclosure, duties.APPROVE) is None:
            actions.add("approve")
    if disclosure.status == Status.PUBLISHED:
        if review:
            actions |= {"retract", "validity"}
        if draft:
            actions.add("channels")
    return actions
