"""Channel records for the annual report (it counts distinct items from them): a subtree and a year.

A record counts in the year of its own published_on (the date it went out through that channel).
"""

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from gongkai.channels.models import Channel, ChannelTarget, Dispatch, DispatchStatus, Publication, Subscriber
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


def screen_items(screen: ChannelTarget) -> list[dict]:
    """The item snapshots sent to an LED screen (its feed picks the current ones)."""
    return list(
        Dispatch.objects.filter(
            target=screen,
            status__in=(DispatchStatus.SUBMITTED, DispatchStatus.CONFIRMED),
            withdrawn_at__isnull=True,
        )
        .order_by("-created_at")
        .values_list("item", flat=True)[:200]
    )


def subscribers(organisation):
    """The SMS subscribers of a subtree, for the office list (numbers decrypted here, shown masked there)."""
    return (
        Subscriber.objects.filter(belongs_to(organisation))
        .select_related("organisation")
        .order_by("organisation__path", "name", "id")
    )


def stale_accounts(organisation, *, today, warn_after_days: int = 10, kinds=("wechat",)):
    """Channels of the organisation with no confirmed send for `warn_after_days` days or more (the inspection
    rule: a 政务新媒体 account without an update for 14 days fails; the dashboard warns from day 10). Returns
    (target, last confirmed datetime or None, days since) for each enabled target of `kinds` that is stale."""
    stale = []
    for target in ChannelTarget.objects.filter(organisation=organisation, kind__in=kinds, enabled=True):
        last = (
            Dispatch.objects.filter(target=target, status=DispatchStatus.CONFIRMED)
            .order_by("-confirmed_at")
            .values_list("confirmed_at", flat=True)
            .first()
        )
        days = (today - timezone.localdate(last)).days if last else None
        if days is None or days >= warn_after_days:
            stale.append((target, last, days))
    return stale


def last_published_on(organisation, channel: str) -> datetime.date | None:
    """The latest date an item of `organisation` itself went out through `channel` (None: never), for the
    self-check's "account silent" rule."""
    return (
        Publication.objects.filter(disclosure__organisation=organisation, channel=channel)
        .order_by("-published_on")
        .values_list("published_on", flat=True)
        .first()
    )


def silent_accounts_warnings(organisation, *, today) -> list[str]:
    """The dashboard's lines for the inspection rule "a 政务新媒体 account without an update for 14 days fails"
    (warned from day 10), for the WeChat accounts the supervision self-check does not see: the self-check
    (supervision.rules "wechat_silent") reads the account's last confirmed publication, so an account set up
    10 days ago or more that has never published is only seen here. Counted from the day it was set up."""
    lines = []
    for target, last, days in stale_accounts(organisation, today=today):
        if last is not None:
            continue  # the self-check warns of it (its count on the dashboard)
        days = (today - timezone.localdate(target.created_at)).days
        if days >= 10:
            state = (
                "已超过14天，不符合检查要求" if days >= 14 else f"满14天即不符合检查要求（还剩{14 - days}天）"
            )
            lines.append(f"微信公众号“{target.name}”设置{days}天来没有发布过信息，{state}")
    return lines
