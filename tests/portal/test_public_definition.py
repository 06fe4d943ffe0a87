"""What the public may see, defined once (catalog.queries.public_filter) and used by the portal, search, feeds
and exports. search/queries.py and catalog/queries.py used to differ on an item published without a date."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from gongkai.catalog import indexing, queries, services
from gongkai.catalog.models import Disclosure, Status
from gongkai.portal import queries_catalog
from gongkai.search import queries as search_queries


def test_a_published_item_without_a_publication_date_is_not_public_anywhere(township, client, publish):
    dated = publish(township, "有发布日期的低保公示")
    undated = Disclosure.objects.create(
        organisation=township,
        title="没有发布日期的低保公示",
        written_on=dt.date(2024, 5, 1),
        status=Status.PUBLISHED,
        index_no=f"{township.code}/2024-09999",
    )
    indexing.index_disclosure(undated)  # the index refuses it too

    assert list(queries.public_disclosures(township)) == [dated]  # catalog.queries used to include it
    assert [row["pk"] for row in queries_catalog.export_rows(township)] == [dated.pk]
    assert client.get(reverse("portal_catalog:item", args=[undated.pk])).status_code == 404
    results = search_queries.search(scope=queries.public_disclosures(), q=undated.index_no)
    assert results.exact is None and results.hits == []


def test_an_item_scheduled_for_later_is_not_public_until_then(township, publish):
    later = timezone.now() + dt.timedelta(hours=2)
    item = publish(township, "定时发布的通知", publish_at=later)  # approved, waiting for its time

    assert not queries.public_disclosures(township).filter(pk=item.pk).exists()
    services.disclosures_publish_due(now=later)
    assert not queries.public_disclosures(township).filter(pk=item.pk).exists()  # now is still before it
    assert queries.public_disclosures(township, now=later).filter(pk=item.pk).exists()
