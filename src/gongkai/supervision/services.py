"""Writes of the supervision app: the county's 考核 weights (audited) and the link checker's results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from gongkai.audit.services import audit_record
from gongkai.catalog import queries as catalog_queries
from gongkai.core.errors import DomainError
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.models import OrgKind
from gongkai.supervision import links
from gongkai.supervision.models import BrokenLink, IndicatorWeight
from gongkai.supervision.scoring import BY_CODE


class SupervisionError(DomainError):
    pass


def weight_set(*, organisation, actor, indicator: str, points: Decimal, cap: Decimal) -> IndicatorWeight:
    """Set a 考核 indicator's points and cap for the county `organisation`'s townships (its administrator only).
    Writes `supervision.weight_set`."""
    org_permissions.require(org_permissions.can_manage(actor, organisation), "只有本级管理员可以修改考核指标")
    if organisation.kind not in (OrgKind.COUNTY, OrgKind.CITY, OrgKind.PROVINCE):
        raise SupervisionError("考核指标由县级及以上机关设置")
    if indicator not in BY_CODE:
        raise SupervisionError("没有该考核指标", field="indicator")
    if points < 0 or cap < 0:
        raise SupervisionError("扣分和上限不能为负数")
    if cap < points:
        raise SupervisionError("扣分上限不能小于每项扣分", field="cap")
    with transaction.atomic():
        weight = (
            IndicatorWeight.objects.select_for_update()
            .filter(organisation=organisation, indicator=indicator)
            .first()
        )
        before = {"points": str(weight.points), "cap": str(weight.cap)} if weight else None
        if weight is None:
            weight = IndicatorWeight(organisation=organisation, indicator=indicator)
        weight.points, weight.cap, weight.updated_by = points, cap, actor
        weight.save()
        audit_record(
            actor=actor,
            action="supervision.weight_set",
            obj=weight,
            organisation=organisation,
            before=before,
            after={"indicator": indicator, "points": str(points), "cap": str(cap)},
        )
    return weight


def links_check(
    *,
    organisation,
    today: dt.date,
    base_url: str | None = None,
    limit: int = links.DEFAULT_LIMIT,
    timeout: float = links.DEFAULT_TIMEOUT,
) -> tuple[int, int]:
    """Check the links of the organisation's published items to the site and keep the broken ones (replacing the
    last run's). The network runs before the write transaction. Returns (checked, broken)."""
    base_url = settings.SITE_URL if base_url is None else base_url
    items = catalog_queries.published_bodies(organisation)[:500]
    broken, checked = links.check_items(items, base_url=base_url, limit=limit, timeout=timeout)
    with transaction.atomic():
        BrokenLink.objects.filter(organisation=organisation).delete()
        BrokenLink.objects.bulk_create(
            BrokenLink(
                organisation=organisation,
                disclosure_id=b.disclosure_id,
                url=b.url[:500],
                reason=b.reason[:200],
                checked_on=today,
            )
            for b in broken
        )
    return checked, len(broken)
