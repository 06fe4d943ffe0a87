import datetime as dt

from django.core.management import call_command

from gongkai.catalog.indexing import index_many
from gongkai.catalog.models import Disclosure
from gongkai.catalog.queries import public_disclosures
from gongkai.search import queries
from gongkai.search.models import SearchDocument


def search(**kwargs):
    """The search as the portal calls it: over what the public may see now."""
    return queries.search(scope=public_disclosures(), **kwargs)


def test_reindex_command_rebuilds_the_index_from_published_items(township, publish):
    publish(township, "低保公示")
    Disclosure.objects.create(
        organisation=township, title="低保草稿", written_on=dt.date(2024, 1, 1), status="draft"
    )
    # Published items written behind the services' back (e.g. an import) are picked up too.
    Disclosure.objects.create(
        organisation=township,
        title="导入的低保通知",
        written_on=dt.date(2024, 1, 1),
        published_on=dt.date(2024, 1, 2),
        status="published",
        index_no="qukou/2024-99999",
    )
    SearchDocument.objects.all().delete()

    call_command("search_reindex")

    assert sorted(hit.disclosure.title for hit in search(q="低保").hits) == [
        "低保公示",
        "导入的低保通知",
    ]


def test_index_many_removes_items_that_are_no_longer_public(township, publish):
    item = publish(township, "低保公示")
    # The row alone (not the workflow): the search entry stays behind, as if a reindex had been lost.
    Disclosure.objects.filter(pk=item.pk).update(status="retracted")

    assert index_many([item.pk]) == 0
    assert not SearchDocument.objects.exists()
