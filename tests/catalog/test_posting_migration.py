"""The data migration that stores every published 公示's period by the one rule (catalog 0003, search 0004)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Organisations stay at their newest state: the test makes organisations with the historical models.
ORGS = ("orgs", "0004_three_administrator_roles")
BEFORE = [("catalog", "0002_disclosure_is_forwarded"), ("search", "0003_fts_insert_by_service"), ORGS]
AFTER = [
    ("catalog", "0003_disclosure_posting_starts_on"),
    ("search", "0004_searchdocument_posting_ends_on"),
    ORGS,
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_postings_get_their_start_and_the_one_rules_end_and_it_reverses():
    old = migrate(BEFORE)
    org = old.get_model("orgs", "Organisation").objects.create(
        name="渠口乡人民政府", code="qukou", kind="township"
    )
    org.path = f"/{org.pk}/"
    org.save()
    Disclosure = old.get_model("catalog", "Disclosure")
    # Stored with the portal's old end (the publication day counted): 2024-05-11 instead of 2024-05-13.
    posting = Disclosure.objects.create(
        organisation_id=org.pk,
        title="低保公示",
        kind="posting",
        status="published",
        written_on=dt.date(2024, 4, 29),
        published_on=dt.date(2024, 4, 30),
        posting_days=7,
        posting_ends_on=dt.date(2024, 5, 11),
    )
    notice = Disclosure.objects.create(
        organisation_id=org.pk,
        title="通知",
        kind="notice",
        status="published",
        written_on=dt.date(2024, 4, 29),
    )
    old.get_model("search", "SearchDocument").objects.create(
        disclosure_id=posting.pk,
        organisation_id=org.pk,
        org_path=org.path,
        kind="posting",
        year=2024,
        published_on=dt.date(2024, 4, 30),
        sort_key=1,
    )
    if connection.vendor == "sqlite":  # documents reach FTS5 through the service, as search.services does
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_fts(rowid, title_tokens, body_tokens, tags) VALUES (1, '', '', '')"
            )

    new = migrate(AFTER)
    row = new.get_model("catalog", "Disclosure").objects.get(pk=posting.pk)
    assert (row.posting_starts_on, row.posting_ends_on) == (dt.date(2024, 5, 6), dt.date(2024, 5, 13))
    assert new.get_model("catalog", "Disclosure").objects.get(pk=notice.pk).posting_starts_on is None
    document = new.get_model("search", "SearchDocument").objects.get(disclosure_id=posting.pk)
    assert document.posting_ends_on == dt.date(2024, 5, 13)

    back = migrate(BEFORE)
    assert back.get_model("catalog", "Disclosure").objects.get(pk=posting.pk).posting_ends_on == dt.date(
        2024, 5, 13
    )
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())  # back to the newest schema for the tests that follow
