"""Keeping the search index in step with the catalog. The catalog's publish and retract services call
`index_disclosure` / `unindex_disclosure`; `search_reindex` rebuilds everything with `index_many`.

The index is derived data (rebuilt at will from the disclosures), so its writes are not audited.
"""

import html
import re
from collections.abc import Iterable

from django.db import connection, transaction

from gongkai.catalog.models import Attachment, Disclosure, Status
from gongkai.search.models import ORG_LEVELS, SearchDocument, sort_key_for
from gongkai.search.tokens import tokens_for_document

ATTACHMENT_TEXT_LIMIT = 200_000  # characters of each attachment's text that go into the index
_TAG = re.compile(r"<[^>]*>")
# Filter terms start with a Han character glued to Latin letters and digits: text tokens never mix the two
# (tokens.py splits Han runs from words), so a tag can never match text, nor text a tag, on either engine.
TAG_PREFIX = "丨"


def tag(name: str, value) -> str:
    return f"{TAG_PREFIX}{name}{value}"


def body_text(body_html: str) -> str:
    """Plain text of an already-sanitised body: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub(" ", body_html or ""))


def is_indexable(disclosure: Disclosure) -> bool:
    """Published with a date. A future `publish_at` is indexed but hidden until then (visible_from)."""
    return disclosure.status == Status.PUBLISHED and disclosure.published_on is not None


def build_document(disclosure: Disclosure, attachment_texts: Iterable[str] = ()) -> SearchDocument:
    organisation = disclosure.organisation
    area_id = disclosure.catalog_entry.area_id if disclosure.catalog_entry_id else None
    title_text = " ".join(filter(None, [disclosure.title, disclosure.doc_no, disclosure.index_no or ""]))
    texts = [disclosure.summary, body_text(disclosure.body)]
    texts += [(text or "")[:ATTACHMENT_TEXT_LIMIT] for text in attachment_texts]
    year = disclosure.published_on.year
    tags = [tag("o", org_id) for org_id in organisation.ancestor_ids()]
    tags += [tag("k", disclosure.kind), tag("y", year)]
    if area_id:
        tags.append(tag("a", area_id))
    ancestors = organisation.ancestor_ids()
    levels = {f"org_l{n}": ancestors[n] if n < len(ancestors) else None for n in range(ORG_LEVELS)}
    return SearchDocument(
        disclosure_id=disclosure.pk,
        organisation_id=organisation.pk,
        org_path=organisation.path,
        **levels,
        kind=disclosure.kind,
        area_id=area_id,
        year=year,
        published_on=disclosure.published_on,
        sort_key=sort_key_for(disclosure.published_on, disclosure.pk),
        visible_from=disclosure.publish_at,
        posting_days=disclosure.posting_days,
        title_tokens=" ".join(tokens_for_document(title_text)),
        body_tokens=" ".join(tokens_for_document(" ".join(texts))),
        tags=" ".join(tags),
    )


def store_documents(documents: list[SearchDocument], *, batch_size: int = 1000) -> None:
    """Insert new index rows, and on SQLite their FTS5 entries (PostgreSQL derives its tsvector itself).

    Every insert into the index goes through here; deletes and updates reach FTS5 by trigger (migration
    0003 says why inserts do not).
    """
    if not documents:
        return
    # In sort_key order: FTS5 flushes its pending terms whenever a rowid is not above the previous one (an
    # import of old items in any other order indexed 2.5 times slower; bench/bench_import_ceiling.py).
    documents = sorted(documents, key=lambda d: d.sort_key)
    # One executemany of plain values: bulk_create's per-value compilation cost as much as the insert itself.
    fields = [f for f in SearchDocument._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(documents), batch_size):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 (names from the model)
                [
                    [f.get_db_prep_save(getattr(d, f.attname), connection) for f in fields]
                    for d in documents[start : start + batch_size]
                ],
            )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title_tokens, body_tokens, tags) VALUES (%s, %s, %s, %s)",
                [(d.sort_key, d.title_tokens, d.body_tokens, d.tags) for d in documents],
            )


def index_disclosure(disclosure: Disclosure) -> SearchDocument | None:
    """Put a disclosure in the index if it is public, take it out otherwise. Safe to call for any status.

    Reads the disclosure afresh (with its organisation, catalog entry and attachment texts); returns the
    SearchDocument, or None when the disclosure is not public.
    """
    with transaction.atomic():
        fresh = (
            Disclosure.objects.select_related("organisation", "catalog_entry")
            .filter(pk=disclosure.pk)
            .first()
        )
        if fresh is None or not is_indexable(fresh):
            SearchDocument.objects.filter(disclosure_id=disclosure.pk).delete()
            return None
        texts = fresh.attachments.values_list("extracted_text", flat=True)
        document = build_document(fresh, texts)
        # Delete then insert, so a changed published_on (a new sort_key) never collides mid-update.
        SearchDocument.objects.filter(disclosure_id=fresh.pk).delete()
        store_documents([document])
        return document


def unindex_disclosure(disclosure: Disclosure) -> None:
    """Take a disclosure out of the index (retraction). Safe to call when it is not indexed."""
    with transaction.atomic():
        SearchDocument.objects.filter(disclosure_id=disclosure.pk).delete()


def index_many(disclosure_ids: Iterable[int], *, batch_size: int = 2000) -> int:
    """(Re)index many disclosures in batches; non-public ones are removed. Returns how many are indexed."""
    ids = list(disclosure_ids)
    indexed = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            SearchDocument.objects.filter(disclosure_id__in=batch).delete()
            rows = Disclosure.objects.select_related("organisation", "catalog_entry").filter(
                pk__in=batch, status=Status.PUBLISHED, published_on__isnull=False
            )
            texts: dict[int, list[str]] = {}
            for disclosure_id, text in (
                Attachment.objects.filter(disclosure_id__in=batch)
                .exclude(extracted_text="")
                .values_list("disclosure_id", "extracted_text")
            ):
                texts.setdefault(disclosure_id, []).append(text)
            documents = [build_document(d, texts.get(d.pk, ())) for d in rows]
            store_documents(documents)
            indexed += len(documents)
    return indexed


def reindex_all(*, batch_size: int = 2000) -> int:
    """Drop the whole index and rebuild it from the published disclosures."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
    ids = Disclosure.objects.filter(status=Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)
    return index_many(ids.iterator(chunk_size=batch_size), batch_size=batch_size)


def index_new(
    disclosures: Iterable[Disclosure], *, attachment_texts: dict[int, list[str]] | None = None
) -> int:
    """Index freshly inserted disclosures from memory (a bulk import): no re-read, one bulk insert.

    Each disclosure must have its pk, `organisation` and (if set) `catalog_entry` loaded, and must not be
    indexed yet. Non-public ones are skipped. Returns how many were indexed.
    """
    texts = attachment_texts or {}
    documents = [build_document(d, texts.get(d.pk, ())) for d in disclosures if is_indexable(d)]
    with transaction.atomic():
        store_documents(documents)
    return len(documents)
