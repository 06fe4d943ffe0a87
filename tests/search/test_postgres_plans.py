"""PostgreSQL: the three ways of finding the newest matches (rare / walk / windows) give the same answer,
and each is chosen from the tsvector statistics as designed. SQLite has one way and is not concerned."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from gongkai.catalog.queries import public_disclosures
from gongkai.orgs.models import OrgKind
from gongkai.orgs.services import org_insert
from gongkai.search import queries
from gongkai.search.backends import PostgresBackend, Query


def search(**kwargs):
    """The search as the portal calls it: over what the public may see now."""
    return queries.search(scope=public_disclosures(), **kwargs)


pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, new_publish):
    """Built once for the module inside a transaction rolled back at its end (each test's own writes are rolled
    back by `db`): 工作 in every item, 低保 in every fifth, 枸杞 in one; across three years and two organisations."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            county = org_insert(parent=None, kind=OrgKind.COUNTY, name="平罗县人民政府", code="pingluo")
            township = org_insert(parent=county, kind=OrgKind.TOWNSHIP, name="渠口乡人民政府", code="qukou")
            village = org_insert(parent=township, kind=OrgKind.VILLAGE, name="渠口乡渠口村", code="qukoucun")
            publish = new_publish()
            for n in range(40):
                organisation = village if n % 2 else township
                words = "低保" if n % 5 == 0 else "春耕"
                body = f"<p>{words}工作安排第{n}项。</p>" + ("<p>枸杞烘干。</p>" if n == 7 else "")
                publish(
                    organisation,
                    f"{words}工作通知{n}",
                    body=body,
                    published_on=dt.date(2023, 1, 1) + dt.timedelta(days=n * 25),
                )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_searchdocument")  # its statistics go with the rollback
            PostgresBackend._stats.clear()
            yield {"township": township, "village": village}
        finally:
            PostgresBackend._stats.clear()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def corpus_in_test(corpus, db):
    PostgresBackend._stats.clear()
    yield corpus
    PostgresBackend._stats.clear()


def query(q, organisation=None):
    return Query(
        phrases=queries.query_terms(q),
        tags=queries.filter_tags(organisation=organisation),
        visible_at=timezone.now(),
        subtree=queries.subtree_level(organisation) if organisation is not None else None,
    )


def answers(q, organisation=None, limit=1000):
    """The candidates each plan finds, forcing each in turn."""
    found = {}
    for plan in ("rare", "walk", "windows"):
        backend = PostgresBackend()
        backend.plan = lambda _query, plan=plan: plan
        found[plan] = [
            c.disclosure_id
            for c in backend.candidates(query(q, organisation), limit=limit, with_tokens=False)
        ]
    return found


# First in the module: it needs a database without the corpus, which lives until the module's end.
def test_without_statistics_the_windows_are_used(township, publish):
    publish(township, "低保公示")
    PostgresBackend._stats.clear()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'search_searchdocument' AND attname = 'tsv'"
        )
        if cursor.fetchone()[0]:
            pytest.skip("this test database has been analysed before")
    assert PostgresBackend().plan(query("低保")) == "windows"
    PostgresBackend._stats.clear()


@pytest.mark.parametrize("q", ["工作", "低保", "低保工作", "枸杞", "火星"])
@pytest.mark.parametrize("limit", [3, 1000])
@pytest.mark.parametrize("walk_rows", [8000, 4])
def test_every_plan_finds_the_same_newest_matches(corpus_in_test, q, limit, walk_rows, monkeypatch):
    # With 4 rows the walk ends early, and the windows find the rest below it.
    monkeypatch.setattr(PostgresBackend, "WALK_ROWS", walk_rows)
    found = answers(q, limit=limit)
    assert found["rare"] == found["walk"] == found["windows"]


@pytest.mark.parametrize("walk_rows", [8000, 3])
def test_every_plan_respects_the_organisation_filter(corpus_in_test, walk_rows, monkeypatch):
    village = corpus_in_test["village"]
    monkeypatch.setattr(PostgresBackend, "WALK_ROWS", walk_rows)
    found = answers("工作", organisation=village, limit=5)
    assert len(found["walk"]) == 5
    assert found["rare"] == found["walk"] == found["windows"]
    everything = answers("低保", organisation=village)
    assert everything["rare"] == everything["walk"] == everything["windows"]
    assert len(everything["rare"]) == 4


def test_the_plan_follows_the_statistics(corpus_in_test, monkeypatch):
    backend = PostgresBackend()
    assert backend.plan(query("工作")) == "rare"  # 40 documents: anything can be sorted whole
    monkeypatch.setattr(PostgresBackend, "RARE_MATCHES", 0)
    assert backend.plan(query("工作")) == "walk"  # in every document
    assert backend.plan(query("低保")) == "walk"  # in a fifth
    assert backend.plan(query("枸杞")) == "windows"  # in one
    assert backend.plan(query("工作 枸杞")) == "windows"  # the rarer word decides


def test_the_walk_leaves_the_planner_settings_as_they_were(corpus_in_test, monkeypatch):
    monkeypatch.setattr(PostgresBackend, "RARE_MATCHES", 0)
    assert [hit.disclosure.title for hit in search(q="工作", order="date").hits][:1] == ["春耕工作通知39"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"
