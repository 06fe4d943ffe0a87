"""Channel records for the annual report (it counts distinct items from them): a subtree and a year.

A record counts in the year of its own published_on (the date it went out through that channel).
"""

import datetime

from django.db.models import Count, QuerySet

from gongkai.channels.models import Channel, ChannelTarget, Dispatch, DispatchStatus, Publication
from gongkai.orgs.queries import belongs_to

BOARDS_AND_HALL = (Channel.NOTICE_BOARD, Channel.VILLAGE_BOARD, Channel.SERVICE_HALL)


def publications(
    organisation,
    year: int,
    *,
    channel: str | None = None,
    kind: str | None = None,
    channels=None,
    include_children: bool = True,
) -> QuerySet[Publication]:
    """The records behind a count (for the report's drill-down), oldest first."""
    qs = Publication.objects.filter(
        published_on__gte=datetime.date(year, 1, 1), published_on__lte=datetime.date(year, 12, 31)
    )
    qs = qs.filter(
        belongs_to(organisation, include_children=include_children, via="disclosure__organisation")
    )
    if channel:
        qs = qs.filter(channel=channel)
    if channels:
        qs = qs.filter(channel__in=channels)
    if kind:
        qs = qs.filter(disclosure__kind=kind)
    return qs.select_related("disclosure", "disclosure__organisation").order_by("published_on", "id")


# ---- the dispatch outbox ----------------------------------------------------------------------------------------


def dispatches(organisation, *, status: str | None = None, kind: str | None = None, include_children=True):
    """The sends of a subtree for the channel board, newest first."""
    qs = Dispatch.objects.filter(
        belongs_to(organisation, include_children=include_children, via="organisation")
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(target__kind=kind)
    return qs.select_related("target", "organisation").order_by("-created_at", "-id")


def dispatch_counts(organisation, *, since=None, include_children=True) -> dict[tuple[str, str], int]:
    """(target kind, status) → number of sends, for the board's table (one aggregate query)."""
    qs = Dispatch.objects.filter(
        belongs_to(organisation, include_children=include_children, via="organisation")
    )
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    rows = qs.values("target__kind", "status").annotate(n=Count("id"))
    return {(r["target__kind"], r["status"]): r["n"] for r in rows}


def last_delivery(organisation, kind: str):
    """The newest confirmed send of one kind by this organisation (e.g. its last WeChat article), or None."""
    return (
        Dispatch.objects.filter(organisation=organisation, target__kind=kind, status=DispatchStatus.CONFIRMED)
        .order_by("-confirmed_at", "-id")
        .select_related("target")
        .first()
    )


def targets(organisation):
    return ChannelTarget.objects.filter(organisation=organisation).order_by("kind", "name")
