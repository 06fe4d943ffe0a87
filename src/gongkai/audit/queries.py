"""Reads of the audit log."""

from django.db.models import Q, QuerySet

from gongkai.audit.models import AuditEvent


def events_in_subtree(organisation) -> QuerySet[AuditEvent]:
    """The events of the organisations now in `organisation`'s subtree.

    By the organisation's present place in the tree, not the path stored with the event: after a village
    moves to another township, its history goes with it to the new township's administrators. Events
    without an organisation (e.g. a failed login for an unknown name) are matched by their stored path.
    """
    return AuditEvent.objects.filter(
        Q(organisation__path__startswith=organisation.path)
        | Q(organisation__isnull=True, org_path__startswith=organisation.path)
    )
