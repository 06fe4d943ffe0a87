"""Channel counts for the annual report: aggregate SQL over an organisation subtree and a year.

A record counts in the year of its own published_on (the date it went out through that channel).
"""

import datetime
from collections import Counter

from django.db.models import Count, QuerySet

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


def channel_counts(organisation, year: int, *, include_children: bool = True) -> dict[str, int]:
    """Items per channel in the year (every channel present, zeros included)."""
    counts = dict.fromkeys(Channel.values, 0)
    rows = publications(organisation, year, include_children=include_children).values("channel")
    for row in rows.annotate(n=Count("disclosure", distinct=True)).order_by():
        counts[row["channel"]] = row["n"]
    return counts


def channel_kind_counts(organisation, year: int, *, include_children: bool = True) -> dict[str, Counter]:
    """{channel: {kind: n}} — e.g. the website line of a report: 公文 30, 通知公告 38, 工作动态 68, 其他 8.
    Every channel is present; a kind with no item reads 0 (a Counter: channels know no list of kinds)."""
    out = {ch: Counter() for ch in Channel.values}
    rows = publications(organisation, year, include_children=include_children).values(
        "channel", "disclosure__kind"
    )
    for row in rows.annotate(n=Count("disclosure", distinct=True)).order_by():
        out[row["channel"]][row["disclosure__kind"]] = row["n"]
    return out


def group_count(organisation, year: int, channels=BOARDS_AND_HALL, *, include_children: bool = True) -> int:
    """Distinct items that went out through any of `channels` (one item on two boards counts once)."""
    qs = publications(organisation, year, channels=channels, include_children=include_children)
    return qs.aggregate(n=Count("disclosure", distinct=True))["n"]
