"""Writes of the search index. Search sits below the catalog: it receives plain values (`IndexItem`) and knows
nothing of the catalog's models; catalog/indexing.py reads the items and calls these functions.

The index is derived data (rebuilt at will from the disclosures), so its writes are not audited. The synonym
table (at the end) is not derived: its writes are audited.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import Q

from gongkai.audit.writes import delete_audited, save_audited
from gongkai.core import pagecache
from gongkai.core.errors import DomainError
from gongkai.search.models import ORG_LEVELS, SearchDocument, Synonym, sort_key_for
from gongkai.search.tokens import normalize, tokens_for_document

ATTACHMENT_TEXT_LIMIT = 200_000  # characters of each attachment's text that go into the index
# Filter terms start with a Han character glued to Latin letters and digits: text tokens never mix the two
# (tokens.py splits Han runs from words), so a tag can never match text, nor text a tag, on either engine.
TAG_PREFIX = "丨"
# The shared cache's stamp of the suggestions' vocabulary (queries.vocabulary); deleting it rebuilds it.
VOCABULARY_STAMP_KEY = "search:vocabulary-stamp"


def tag(name: str, value) -> str:
    return f"{TAG_PREFIX}{name}{value}"


@dataclasses.dataclass(frozen=True)
class IndexItem:
    """What the index needs of one public item, as plain values (the catalog builds it; search knows no item)."""

    disclosure_id: int
    organisation_id: int
    org_path: str
    org_ancestor_ids: Sequence[int]  # root first, the organisation itself last
    kind: str
    area_id: int | None
    published_on: dt.date
    visible_from: dt.datetime | None  # a future publish_at: indexed now, shown from then
    posting_ends_on: dt.date | None
    title_text: str  # title, 文号 and 索引号
    texts: Sequence[str]  # summary and body text
    attachment_texts: Sequence[str] = ()


def build_document(item: IndexItem) -> SearchDocument:
    texts = [*item.texts, *((text or "")[:ATTACHMENT_TEXT_LIMIT] for text in item.attachment_texts)]
    year = item.published_on.year
    ancestors = list(item.org_ancestor_ids)
    tags = [tag("o", org_id) for org_id in ancestors]
    tags += [tag("k", item.kind), tag("y", year)]
    if item.area_id:
        tags.append(tag("a", item.area_id))
    levels = {f"org_l{n}": ancestors[n] if n < len(ancestors) else None for n in range(ORG_LEVELS)}
    return SearchDocument(
        disclosure_id=item.disclosure_id,
        organisation_id=item.organisation_id,
        org_path=item.org_path,
        **levels,
        kind=item.kind,
        area_id=item.area_id,
        year=year,
        published_on=item.published_on,
        sort_key=sort_key_for(item.published_on, item.disclosure_id),
        visible_from=item.visible_from,
        posting_ends_on=item.posting_ends_on,
        title_tokens=" ".join(tokens_for_document(item.title_text)),
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


def documents_replace(disclosure_ids: Iterable[int], items: Iterable[IndexItem]) -> int:
    """Take the documents of `disclosure_ids` out of the index and put `items` in (each item's id must be among
    them). Returns how many documents were stored."""
    documents = [build_document(item) for item in items]
    with transaction.atomic():
        # Delete then insert, so a changed published_on (a new sort_key) never collides mid-update.
        SearchDocument.objects.filter(disclosure_id__in=list(disclosure_ids)).delete()
        store_documents(documents)
    return len(documents)


def documents_add(items: Iterable[IndexItem]) -> int:
    """Index items that are not indexed yet (a bulk import): one bulk insert, no delete."""
    documents = [build_document(item) for item in items]
    with transaction.atomic():
        store_documents(documents)
    return len(documents)


def documents_clear() -> None:
    """Empty the index (before a full rebuild)."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()


class SynonymError(DomainError):
    pass


SYNONYM_MAX_CHARS = 20


def _synonym_word(value: str, field: str, label: str) -> str:
    word = "".join((value or "").split())
    if not word:
        raise SynonymError(f"请填写{label}", field=field)
    if len(word) > SYNONYM_MAX_CHARS:
        raise SynonymError(f"{label}不能超过{SYNONYM_MAX_CHARS}个字", field=field)
    if not tokens_for_document(word):
        raise SynonymError(f"{label}中没有可检索的文字", field=field)
    return word


def _synonyms_changed() -> None:
    """Cached search pages and every process's vocabulary are stale once the write commits."""
    pagecache.changed()
    transaction.on_commit(lambda: cache.delete_many([f"{VOCABULARY_STAMP_KEY}:{a}" for a in connections]))


def synonym_save(*, organisation, word: str, means: str, both_ways: bool, actor, synonym=None) -> Synonym:
    """Add a synonym of `organisation` (None: the platform's defaults), or change `synonym` (which must belong to
    it). Requires two different words of at most SYNONYM_MAX_CHARS characters with something searchable; refuses a
    pair the organisation already has (either way round when two-way). Writes `search.synonym_save` to the audit
    log; the caller checks the actor's role (search/permissions.py)."""
    word = _synonym_word(word, "word", "检索词")
    means = _synonym_word(means, "means", "同时检索的词")
    if normalize(word) == normalize(means):
        raise SynonymError("两个词相同，无需设为同义词", field="means")
    if synonym is not None and synonym.organisation_id != (organisation.pk if organisation else None):
        raise SynonymError("该同义词不属于此机构")
    with transaction.atomic():
        same = Synonym.objects.select_for_update().filter(organisation=organisation)
        if synonym is not None:
            same = same.exclude(pk=synonym.pk)
        clash = Q(word=word, means=means) | Q(word=means, means=word, both_ways=True)
        if both_ways:
            clash |= Q(word=means, means=word)
        if same.filter(clash).exists():
            raise SynonymError(f"已有同义词“{word}”—“{means}”", field="means")
        row = synonym or Synonym(organisation=organisation)
        row.word, row.means, row.both_ways = word, means, both_ways
        save_audited(actor=actor, obj=row, action="search.synonym_save", organisation=organisation)
        _synonyms_changed()
    return row


def synonym_delete(*, synonym, actor) -> None:
    """Remove a synonym; writes `search.synonym_delete` to the audit log (the caller checks the role)."""
    with transaction.atomic():
        delete_audited(
            actor=actor, obj=synonym, action="search.synonym_delete", organisation=synonym.organisation
        )
        _synonyms_changed()
