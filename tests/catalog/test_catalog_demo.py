"""The demo: 渠口乡's 2018 counts match its annual report, no valid ID number on any item, idempotent."""

from gongkai.catalog import queries
from gongkai.catalog.models import CatalogEntry, Disclosure, Kind, Status
from gongkai.demo import catalog as demo_catalog
from gongkai.demo import township as demo_township
from gongkai.orgs.models import Organisation
from gongkai.portal import queries_catalog
from gongkai.privacy.detect import Kind as FindingKind
from gongkai.privacy.detect import scan_table, scan_text
from gongkai.reports import sources as report_sources


def _load():
    loader = demo_township.Loader()
    demo_township.load(loader)
    demo_catalog.load(loader)
    return loader


def test_the_demo_matches_the_2018_report_is_free_of_id_numbers_and_loads_only_once(demo):
    # `demo`: tests/conftest.py ran `gongkai demo` once for the whole run (township, catalog, applications).
    qukou = Organisation.objects.get(code="qukou")

    # The figures as the annual report computes them (reports.sources reads channels.queries.publications).
    figures = report_sources.common_figures(qukou, 2018)
    website = [figures[f"website_{kind}"] for kind in ("document", "notice", "news", "other")]
    assert website == [30, 38, 68, 8] and figures["website"] == 144
    assert figures["wechat"] == 112 and figures["boards"] == 140
    # 120 documents issued by the township + 20 forwarded
    assert queries.published_in_year(qukou, 2018).filter(kind=Kind.DOCUMENT).count() == 140
    issued = Disclosure.objects.filter(
        organisation__path__startswith=qukou.path,
        kind="document",
        is_forwarded=False,
        published_on__year=2018,
    )
    assert issued.count() == 120
    assert (
        Disclosure.objects.filter(organisation__path__startswith=qukou.path, published_on__year=2018).count()
        == 506
    )
    assert queries.table_a_documents(qukou, 2018)["rules"]["issued"] == 0

    # Every village adopted the catalog; 渠口乡 has the township rows.
    assert CatalogEntry.objects.filter(organisation=qukou, statutory_article="第二十一条").count() == 8
    assert CatalogEntry.objects.filter(organisation__code="qukoucun").exists()

    items = Disclosure.objects.filter(organisation__path__startswith=qukou.path)
    assert items.count() > 400
    assert items.filter(published_on__year__gte=2019).values("organisation").distinct().count() > 5
    assert items.filter(kind=Kind.POSTING, posting_table__isnull=False).count() >= 30
    assert items.filter(title__contains="三公").exists() and items.filter(title__contains="预算").exists()
    assert queries_catalog.catalog_rows(organisation=qukou, current=True).exists()
    assert items.filter(kind=Kind.INTERPRETATION, interprets__isnull=False).count() >= 7
    id_kinds = {FindingKind.ID_NUMBER, FindingKind.ID_NUMBER_15}
    for item in items.filter(status=Status.PUBLISHED):
        for text in (item.title, item.summary, item.body):
            assert not [f for f in scan_text(text) if f.kind in id_kinds], item.title
        table = item.posting_table or {}
        assert not scan_table(table.get("rows", [])), item.title

    index_numbers = list(items.values_list("index_no", flat=True))
    assert len(set(index_numbers)) == len(index_numbers)
    assert "11640221MB1959741M/2018-00001" in index_numbers

    count = items.count()
    second = _load()
    assert second.created == []
    assert Disclosure.objects.filter(organisation__path__startswith=qukou.path).count() == count
