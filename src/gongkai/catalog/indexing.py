"""Keeping the search index in step with the catalog.

Search sits below the catalog: this module reads the items and hands search.services plain values
(`IndexItem`). The workflow calls `index_disclosure` when an item is published or retracted; the bulk import
and the demo call `index_new`; `gongkai search_reindex` rebuilds everything with `reindex_all`.
"""

from collections.abc import Iterable

from gongkai.catalog.models import Attachment, Disclosure, Status
from gongkai.core.text import body_text
from gongkai.search import services as search_services
from gongkai.search.services import IndexItem


def is_indexable(disclosure: Disclosure) -> bool:
    """Published with a date. A future `publish_at` is indexed but hidden until then (visible_from)."""
    return disclosure.status == Status.PUBLISHED and disclosure.published_on is not None


def index_item(disclosure: Disclosure, attachment_texts: Iterable[str] = ()) -> IndexItem:
    """The index's view of an item (its `organisation` and `catalog_entry` loaded)."""
    organisation = disclosure.organisation
    return IndexItem(
        disclosure_id=disclosure.pk,
        organisation_id=organisation.pk,
        org_path=organisation.path,
        org_ancestor_ids=tuple(organisation.ancestor_ids()),
        kind=disclosure.kind,
        area_id=disclosure.catalog_entry.area_id if disclosure.catalog_entry_id else None,
        published_on=disclosure.published_on,
        visible_from=disclosure.publish_at,
        posting_ends_on=disclosure.posting_ends_on,
        title_text=" ".join(filter(None, [disclosure.title, disclosure.doc_no, disclosure.index_no or ""])),
        texts=(disclosure.summary, body_text(disclosure.body)),
        attachment_texts=tuple(attachment_texts),
    )


def _attachment_texts(disclosure_ids: list[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    rows = (
        Attachment.objects.filter(disclosure_id__in=disclosure_ids)
        .exclude(extracted_text="")
        .values_list("disclosure_id", "extracted_text")
    )
    for disclosure_id, text in rows:
        texts.setdefault(disclosure_id, []).append(text)
    return texts


def index_many(disclosure_ids: Iterable[int], *, batch_size: int = 2000) -> int:
    """(Re)index items by id in batches; those not public are taken out. Returns how many are indexed."""
    ids = list(disclosure_ids)
    indexed = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        rows = Disclosure.objects.select_related("organisation", "catalog_entry").filter(
            pk__in=batch, status=Status.PUBLISHED, published_on__isnull=False
        )
        texts = _attachment_texts(batch)
        indexed += search_services.documents_replace(
            batch, [index_item(d, texts.get(d.pk, ())) for d in rows]
        )
    return indexed


def index_disclosure(disclosure: Disclosure) -> None:
    """Put an item in the index if it is public, take it out otherwise. Safe to call for any status."""
    index_many([disclosure.pk])


def index_new(
    disclosures: Iterable[Disclosure], *, attachment_texts: dict[int, list[str]] | None = None
) -> int:
    """Index freshly inserted items from memory (a bulk import): no re-read, one bulk insert.

    Each item must have its pk, `organisation` and (if set) `catalog_entry` loaded, and must not be indexed yet.
    Items not public are skipped. Returns how many were indexed.
    """
    texts = attachment_texts or {}
    return search_services.documents_add(
        index_item(d, texts.get(d.pk, ())) for d in disclosures if is_indexable(d)
    )


def reindex_all(*, batch_size: int = 2000) -> int:
    """Drop the whole index and rebuild it from the published items."""
    search_services.documents_clear()
    ids = Disclosure.objects.filter(status=Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)
    return index_many(ids.iterator(chunk_size=batch_size), batch_size=batch_size)
