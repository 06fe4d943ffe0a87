"""The office and the portal show the same 公示期 for every item of the demo (issue 9: one rule, stored once).

Every 公示 of the demo is rendered on both sides; of the other items, which have no 公示期, every one is checked
to store none and one of each kind is rendered to show that neither side invents one (rendering all 800 pages
twice takes minutes on the shared test machine).
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongkai.catalog.models import Disclosure, Kind
from gongkai.catalog.posting import posting_period
from gongkai.workdays.queries import calendar_for

PERIOD_CELL = re.compile(r"<th>公示期</th><td[^>]*>(.*?)</td>", re.S)
PERIOD = re.compile(r'<span class="posting-period">(.*?)</span>')


def shown_period(html: str) -> str | None:
    cell = PERIOD_CELL.search(html)
    if cell is None:
        return None
    period = PERIOD.search(cell.group(1))
    return period.group(1) if period else cell.group(1)


@pytest.mark.django_db
def test_the_office_and_the_portal_show_the_same_posting_period_for_every_demo_item(client, superuser):
    call_command("demo", stdout=StringIO())
    everything = list(Disclosure.objects.select_related("organisation").order_by("pk"))
    postings = [d for d in everything if d.kind == Kind.POSTING]
    others = [d for d in everything if d.kind != Kind.POSTING]
    assert len(postings) > 100 and len(everything) == len(postings) + len(others)
    assert [d.pk for d in others if d.posting_starts_on or d.posting_ends_on] == []
    items = postings + list({d.kind: d for d in others}.values())
    client.force_login(superuser)
    calendars = {}
    for item in items:
        office = client.get(reverse("catalog_office:detail", args=[item.pk]))
        portal = client.get(reverse("portal_catalog:item", args=[item.pk]))
        assert office.status_code == portal.status_code == 200, item.pk
        shown = shown_period(office.content.decode()), shown_period(portal.content.decode())
        assert shown[0] == shown[1], (item.pk, shown)
        if item.kind != Kind.POSTING:
            assert shown == (None, None), item.pk
            continue
        calendar = calendars.setdefault(item.organisation_id, calendar_for(item.organisation))
        start, end = posting_period(item.published_on, item.posting_days, calendar)
        assert (item.posting_starts_on, item.posting_ends_on) == (start, end), item.pk
        assert (
            shown[0]
            == f"{start:%Y年}{start.month}月{start.day}日至{end:%Y年}{end.month}月{end.day}日（{item.posting_days}个工作日）"
        )
