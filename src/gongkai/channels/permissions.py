"""Who may do what with channels: staff who edit records (经办人 and above) retry and confirm sends; channel
settings and credentials are for administrators."""

from gongkai.orgs.permissions import can_edit_records, can_manage, can_view  # noqa: F401


def can_send(user, organisation) -> bool:
    return can_edit_records(user, organisation)


def can_configure(user, organisation) -> bool:
    return can_manage(user, organisation)
