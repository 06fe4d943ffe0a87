"""The public pages read a fixed number of queries, whatever the number of rows they list (no query per row):
lists read `.values()` rows (portal.queries_catalog.listed_items), the item page its relations in one join.
The numbers are pinned, so a change that adds a query per row, or a query per page, fails here."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.catalog.models import CatalogArea, CatalogEntry

pytestmark = pytest.mark.today("2024-06-20")


@pytest.fixture
def entry(township):
    area = CatalogArea.objects.create(number=20, name="社会救助")
    return CatalogEntry.objects.create(
        organisation=township, area=area, level1="最低生活保障", level2="低保对象"
    )


def publish_many(publish, organisations, entry, count):
    items = []
    for n in range(count):
        organisation = organisations[n % len(organisations)]
        items.append(
            publish(
                organisation,
                f"关于第{n + 1}批低保对象的公示",
                kind="posting",
                published_on=dt.date(2024, 6, 15) - dt.timedelta(days=n % 15),  # the newest still 正在公示
                catalog_entry=entry if n % 2 else None,
                posting_days=7,
            )
        )
    return items


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/org/qukou/catalog/",
        "/org/qukou/",
        "/org/qukou/catalog/?kind=posting&year=2024",
        "/org/qukou/feed.xml",
    ],
)
def test_a_list_reads_as_many_queries_for_25_rows_as_for_3(client, township, village, entry, publish, url):
    publish_many(publish, [township, village], entry, 3)
    queries_of(client, url)  # the first request of the process reads a few things once
    few, _ = queries_of(client, url)
    items = publish_many(publish, [township, village], entry, 22)
    many, body = queries_of(client, url)
    assert items[15].title in body  # the newest: published on the 15th, the higher id
    assert many == few


def test_the_pages_read_a_pinned_number_of_queries(client, township, village, entry, publish):
    items = publish_many(publish, [township, village], entry, 25)
    counts = {
        "catalog page 1": queries_of(client, "/org/qukou/catalog/")[0],
        "column home": queries_of(client, "/org/qukou/")[0],
        "village item": queries_of(client, f"/item/{items[1].pk}/")[0],
        "township item": queries_of(client, f"/item/{items[0].pk}/")[0],
    }
    # catalog page 1: organisation, its subtree's codes, the page's keys, its rows, the count, areas, 2 × years,
    # 3 × sub-columns present. Column home: organisation, newest and 正在公示 (keys + rows each), area counts +
    # names, 3 × sub-columns present, villages, key works, other organs, footer organ. Item: the item with its
    # organisation, organ, subject, area and annual report in one join, its 政策解读, its key work (its stage and
    # work read only when there is one), sub-columns present (1 for a village, 3 for an organ), attachments. Every column page also asks
    # whether its township offers 订阅短信提醒 (channels' SMS target; kept per generation when the cache is on).
    assert counts == {"catalog page 1": 12, "column home": 15, "village item": 6, "township item": 8}
