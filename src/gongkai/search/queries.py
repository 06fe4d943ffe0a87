"""Reads of the search index: full-text search for the portal, and the public listing the catalog uses.

Search sits below the catalog: it knows no catalog model. `search` is given the queryset of items the public may
see (catalog.queries.public_disclosures) and returns those items; the listing returns SearchDocument rows.
"""

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from gongkai.core.text import body_text
from gongkai.search import ranking
from gongkai.search.backends import Candidate, Query, get_backend, total_documents
from gongkai.search.models import EPOCH, KEY_SCALE, ORG_LEVELS, SearchDocument, sort_key_bounds, sort_key_for
from gongkai.search.services import tag
from gongkai.search.tokens import highlight, normalize, query_terms

MAX_QUERY_CHARS = 80  # longer input is cut, never refused
MAX_PHRASES = 8
CANDIDATE_LIMIT = 500  # relevance is computed over the newest this many matches (25 pages of 20)
FREQUENCY_SAMPLE = 2000  # document frequencies are estimated from the newest this many documents
PER_PAGE = 20
ORDERS = ("relevance", "date")


@dataclass
class SearchHit:
    disclosure: object  # a catalog.Disclosure
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchResults:
    q: str
    order: str
    page: int
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    capped: bool = False  # more than CANDIDATE_LIMIT matches: total is a lower bound
    pages: int = 0
    exact: object | None = None  # the item whose 索引号 is exactly the query
    searched: bool = False  # False when the query has no searchable word

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clean_query(q: str | None) -> str:
    """Control and format characters dropped (NUL cannot even be sent to PostgreSQL), spaces collapsed, cut."""
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" else ch for ch in (q or "")[: MAX_QUERY_CHARS * 4]
    )
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def filter_tags(*, organisation=None, kind: str | None = None, year: int | None = None) -> list[str]:
    tags = []
    if organisation is not None:
        tags.append(tag("o", organisation.pk))  # every document carries its organisation's ancestors too
    if kind:
        tags.append(tag("k", kind))
    if year:
        tags.append(tag("y", year))
    return tags


def search(
    *,
    scope,
    q: str | None,
    organisation=None,
    kind: str | None = None,
    year: int | None = None,
    order: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    now=None,
) -> SearchResults:
    """Full-text search over title, 文号, summary, body and attachment text of public disclosures.

    `scope`: the items the public may see now (a Disclosure queryset); hits are read from it, so an item the
    index still holds but the public may no longer see is never shown. `kind` must be a valid kind code (the
    caller checks it). `organisation` scopes to its subtree. Every word of `q` must match (a word of Han characters as a
    contiguous phrase of bigrams). An exact 索引号 is looked up first. Never raises on odd input.
    """
    now = now or timezone.now()
    q = clean_query(q)
    order = order if order in ORDERS else "relevance"
    results = SearchResults(q=q, order=order, page=max(1, page))
    if not q:
        return results

    if organisation is not None:
        scope = scope.filter(organisation__path__startswith=organisation.path)
    results.exact = scope.select_related("organisation").filter(index_no=q).first()

    phrases = query_terms(q)[:MAX_PHRASES]
    if not phrases:
        return results
    results.searched = True
    query = Query(
        phrases=phrases,
        tags=filter_tags(organisation=organisation, kind=kind, year=year),
        visible_at=now,
        subtree=subtree_level(organisation) if organisation is not None else None,
    )
    ranked = order == "relevance"
    backend = get_backend()
    candidates = backend.candidates(query, limit=CANDIDATE_LIMIT + 1, with_tokens=ranked)
    results.capped = len(candidates) > CANDIDATE_LIMIT
    candidates = candidates[:CANDIDATE_LIMIT]
    if ranked and len(candidates) > 1:
        candidates = rank(backend, candidates, phrases)
    results.total = len(candidates)
    results.pages = math.ceil(results.total / per_page)
    results.page = min(results.page, max(results.pages, 1))
    window = candidates[(results.page - 1) * per_page : results.page * per_page]
    ids = [c.disclosure_id for c in window]
    found = scope.select_related("organisation").in_bulk(ids)
    results.hits = [_hit(found[i], q) for i in ids if i in found]
    return results


def rank(backend, candidates: list[Candidate], phrases: list[list[str]]) -> list[Candidate]:
    """The candidates by BM25 (ranking.py), ties newest first."""
    if len(phrases) == 1:
        # One phrase: its idf multiplies every score alike, so the order needs no document frequency.
        idfs = [1.0]
    else:
        total = total_documents()
        hits, size = backend.sample_counts(phrases, sample=FREQUENCY_SAMPLE)
        idfs = [
            ranking.idf(
                ranking.estimated_document_frequency(
                    found, size, total, lambda bound, p=phrase: backend.bounded_count(p, limit=bound)
                ),
                total,
            )
            for phrase, found in zip(phrases, hits, strict=True)
        ]
    scores = ranking.bm25([(c.title_tokens, c.body_tokens) for c in candidates], phrases, idfs)
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], -candidates[i].sort_key))
    return [candidates[i] for i in order]


def _first_match(text: str, words: list[str]) -> int:
    norm = normalize(text)
    found = [i for i in (norm.find(word) for word in words) if i >= 0]
    return min(found) if found else -1


def _snippet(text: str, q: str, words: list[str], width: int = 120) -> SafeString:
    """highlight() walks the text character by character, so give it only the stretch around the first match.

    Where normalising changes the length (full-width letters, ligatures), offsets may shift slightly; the
    window is generous enough for that and highlight() finds the exact spans itself.
    """
    at = _first_match(text, words)
    window = text[max(0, at - width // 2) : at + width + width // 2] if at >= 0 else text[:width]
    return highlight(window, q, width=width)


def _hit(disclosure, q: str) -> SearchHit:
    words = [w for w in normalize(q).split() if w]
    text = " ".join(" ".join(filter(None, [disclosure.summary, body_text(disclosure.body)])).split())
    # Attachment text only when neither the title nor the text shows any of the words.
    if _first_match(text, words) < 0 and _first_match(disclosure.title, words) < 0:
        for attachment_text in disclosure.attachments.values_list("extracted_text", flat=True):
            if _first_match(attachment_text, words) >= 0:
                text = " ".join(attachment_text.split())
                break
    return SearchHit(
        disclosure=disclosure,
        title_html=highlight(disclosure.title, q, width=300),
        snippet_html=_snippet(text, q, words),
    )


def subtree_level(organisation) -> tuple[int, int] | None:
    """(depth, id) when SearchDocument has an org_l<depth> column for the organisation's depth."""
    depth = len(organisation.ancestor_ids()) - 1
    return (depth, organisation.pk) if 0 <= depth < ORG_LEVELS else None


def subtree_filter(organisation) -> Q:
    level = subtree_level(organisation)
    if level is not None:
        return Q(**{f"org_l{level[0]}": level[1]})
    return Q(org_path__startswith=organisation.path)


def listing_documents(
    *, organisation, include_children: bool = True, kind=None, area_id=None, year=None, now=None
):
    """SearchDocument rows of the public catalog, newest first (sort_key desc, one index walk)."""
    now = now or timezone.now()
    rows = SearchDocument.objects.filter(Q(visible_from__isnull=True) | Q(visible_from__lte=now))
    if include_children:
        rows = rows.filter(subtree_filter(organisation))
    else:
        rows = rows.filter(organisation=organisation)
    if kind:
        rows = rows.filter(kind=kind)
    if area_id:
        rows = rows.filter(area_id=area_id)
    if year:
        low, high = sort_key_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
        rows = rows.filter(sort_key__gte=low, sort_key__lte=high)
    return rows.order_by("-sort_key")


def listing_years(organisation) -> list[int]:
    """Years that have public items in the subtree, newest first (two index lookups)."""
    rows = SearchDocument.objects.filter(subtree_filter(organisation))
    newest = rows.order_by("-sort_key").values_list("year", flat=True).first()
    oldest = rows.order_by("sort_key").values_list("year", flat=True).first()
    if newest is None:
        return []
    return list(range(newest, oldest - 1, -1))


_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{1,18})$")


def parse_cursor(value: str | None) -> int | None:
    """`2024-05-06_123` (发布日期_id) → sort key; None when absent or malformed."""
    m = _CURSOR.match(value or "")
    if not m:
        return None
    try:
        day = dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None
    return sort_key_for(day, int(m.group(2)))


def cursor_for(sort_key: int) -> str:
    days, disclosure_id = divmod(sort_key, KEY_SCALE)
    return f"{(EPOCH + dt.timedelta(days=days)).isoformat()}_{disclosure_id}"
