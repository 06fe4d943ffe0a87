"""Who may change the working-day calendar: the organisation's administrators (管理员), for their subtree."""

from gongkai.orgs.permissions import can_manage


def can_enter_arrangement(user, organisation) -> bool:
    """Enter or withdraw a year's announced holiday arrangement for `organisation` and everything below it."""
    return can_manage(user, organisation)
