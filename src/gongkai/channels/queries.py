"""Channel records for the annual report (it counts distinct items from them): a subtree and a year.

A record counts in the year of its own published_on (the date it went out through that channel).
"""

import datetime

from django.db.models import QuerySet

from gongkai.channels.models import Channel, Publication
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


def last_published_on(organisation, channel: str) -> datetime.date | None:
    """The latest date an item of `organisation` itself went out through `channel` (None: never), for the
    self-check's "account silent" rule."""
    return (
        Publication.objects.filter(disclosure__organisation=organisation, channel=channel)
        .order_by("-published_on")
        .values_list("published_on", flat=True)
        .first()
    )
