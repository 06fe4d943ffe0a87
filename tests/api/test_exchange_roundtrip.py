"""The demo's items go out through the export (GB/T 21063.3 / 集约化 profile) and come back through the import into a
catalog emptied of items, with identical metadata — 索引号 kept."""

import json

import pytest

from gongkai.accounts.models import User
from gongkai.catalog import exchange
from gongkai.catalog.importing import disclosures_import
from gongkai.catalog.models import Disclosure, IndexCounter
from gongkai.catalog.queries import public_disclosures
from gongkai.orgs.models import Organisation
from gongkai.participation.models import Consultation

METADATA = (
    "index_no",
    "title",
    "kind",
    "document_class",
    "doc_no",
    "written_on",
    "published_on",
    "validity",
    "repealed_on",
    "subject_id",
    "organisation__code",
    "posting_days",
)


def _metadata(root):
    """The published items of `root`'s subtree (the demo has a second township, 黄渠桥镇, beside it)."""
    items = public_disclosures().filter(organisation__path__startswith=root.path)
    return {row[0]: row for row in items.values_list(*METADATA)}


def _export_all(root) -> list[dict]:
    items, cursor = [], None
    while True:
        page = exchange.export_page(organisation=root, cursor=cursor, limit=200)
        if not page["items"]:
            return items
        items += page["items"]
        cursor = page["next_cursor"]


def _empty_the_catalog():
    # A consultation keeps its draft (PROTECT): a township moving its catalog brings no consultations with it.
    Consultation.objects.all().delete()
    Disclosure.objects.update(interprets=None)
    Disclosure.objects.all().delete()
    IndexCounter.objects.all().delete()


def test_the_demos_items_round_trip_through_export_and_import(demo):
    root = Organisation.objects.get(code="qukou")
    before = _metadata(root)
    assert len(before) > 50
    exported = json.loads(json.dumps(_export_all(root), ensure_ascii=False))  # as it travels
    assert {item["索引号"] for item in exported if item["状态"] == "已发布"} == set(before)

    try:
        _empty_the_catalog()
    except Exception as exc:  # noqa: BLE001 - say what keeps an item from being removed
        pytest.fail(f"could not empty the catalog: {exc}")
    assert not Disclosure.objects.exists()
    actor = User.objects.create(username="migration-root", is_superuser=True)
    result = disclosures_import(
        organisation=root,
        actor=actor,
        rows=exchange.rows_from_export(exported),
        dry_run=False,
        published=True,
    )
    assert result.ok, result.errors[:5]
    assert _metadata(root) == before
