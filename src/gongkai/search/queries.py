"""Reads of the search index: full-text search for the portal, and the public listing the catalog uses.

Search sits below the catalog: it knows no catalog model. `search` is given the queryset of items the public may
see (catalog.queries.public_disclosures) and returns those items; the listing returns SearchDocument rows.
"""

import datetime as dt
import math
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from gongkai.core.text import body_text
from gongkai.search import ranking, suggest
from gongkai.search.backends import Candidate, Query, get_backend, total_documents
from gongkai.search.models import (
    BUILT_IN_SYNONYMS,
    EPOCH,
    KEY_SCALE,
    ORG_LEVELS,
    SearchDocument,
    Synonym,
    sort_key_bounds,
    sort_key_for,
)
from gongkai.search.services import VOCABULARY_STAMP_KEY, tag
from gongkai.search.tokens import (
    highlight,
    normalize,
    query_terms,  # noqa: F401 (read here by the plan tests)
    tokens_for_document,
)

MAX_QUERY_CHARS = 80  # longer input is cut, never refused
MAX_PHRASES = 8
CANDIDATE_LIMIT = 500  # relevance is computed over the newest this many matches (25 pages of 20)
FREQUENCY_SAMPLE = 2000  # document frequencies are estimated from the newest this many documents
PER_PAGE = 20
ORDERS = ("relevance", "date")
MAX_VARIANTS = 4  # synonyms added to one word of a query, at most
# The suggestions' vocabulary is read from this many newest titles: each index row also holds its body tokens, so
# reading 20,000 cost 2 s at 100,000 items under load; 3,000 give the words of the current work.
VOCABULARY_TITLES = 3_000
VOCABULARY_SECONDS = 600  # and rebuilt at most this often (sooner when a synonym changes)


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
    variants: list[str] = field(default_factory=list)  # synonyms searched along with the query's words
    suggestion: str = ""  # “您要找的是不是”: a corrected query (pinyin, a miswriting) worth offering
    corrected_from: str = ""  # the query as typed, when it found nothing and these are `q`'s results

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
    synonyms_of=None,
    correct: bool = True,
) -> SearchResults:
    """Full-text search over title, 文号, summary, body and attachment text of public disclosures.

    `scope`: the items the public may see now (a Disclosure queryset); hits are read from it, so an item the
    index still holds but the public may no longer see is never shown. `kind` must be a valid kind code (the
    caller checks it). `organisation` scopes to its subtree. Every word of `q` must match (a word of Han characters as a
    contiguous phrase of bigrams), or one of its synonyms (the platform's and those of `synonyms_of`, by default
    `organisation`, and its ancestors). An exact 索引号 is looked up first. With `correct`, a query written in
    pinyin or miswritten gets a suggestion, and when it finds nothing at all, the suggestion's results with
    `corrected_from` set. Never raises on odd input.
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
    synonyms = synonyms_applying(synonyms_of if synonyms_of is not None else organisation)
    run = dict(scope=scope, organisation=organisation, kind=kind, year=year, per_page=per_page, now=now)
    _run(results, synonyms, **run)
    if not correct:
        return results

    words = [w for w in normalize(q).split() if w]
    one_way = {normalize(row.word): normalize(row.means) for row in synonyms if not row.both_ways}
    # The vocabulary is read only for a query that may need it: letters (pinyin), a known miswriting, or nothing
    # found. A query with results in Han characters costs nothing more.
    has_letters = any(word.isascii() and word.isalpha() for word in words)
    if not (
        has_letters or any(word in one_way for word in words) or (results.searched and not results.total)
    ):
        return results
    suggested = suggest.suggest(
        words, vocabulary(), homophones=results.searched and not results.total, corrections=one_way
    )
    if not suggested or suggested == q:
        return results
    if results.total or results.exact:
        results.suggestion = suggested
        return results
    corrected = SearchResults(q=suggested, order=order, page=results.page, corrected_from=q)
    _run(corrected, synonyms, **run)
    return corrected if corrected.total else results


def _run(results: SearchResults, synonyms, *, scope, organisation, kind, year, per_page, now) -> None:
    """Fill `results` (q, order and page set) with the matches of its query and their page."""
    q = results.q
    phrases, results.variants = expand_phrases(q, synonyms)
    if not phrases:
        return
    results.searched = True
    query = Query(
        phrases=phrases,
        tags=filter_tags(organisation=organisation, kind=kind, year=year),
        visible_at=now,
        subtree=subtree_level(organisation) if organisation is not None else None,
    )
    ranked = results.order == "relevance"
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
    marked = " ".join([q, *results.variants])
    results.hits = [_hit(found[i], marked) for i in ids if i in found]


def synonyms_applying(organisation=None) -> list:
    """The built-in synonyms, the platform's, and those of `organisation` and its ancestors (a county's apply
    to its townships). One small indexed read."""
    rows = Synonym.objects.filter(organisation__isnull=True)
    if organisation is not None:
        rows = Synonym.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id__in=organisation.ancestor_ids())
        )
    return [*BUILT_IN_SYNONYMS, *rows.only("word", "means", "both_ways")]


def word_variants(word: str, synonyms) -> list[str]:
    """The words a query word also stands for: each synonym of the word, or of a part of it (低宝公示 →
    低保公示), and for a two-way synonym the other way round. Never more than MAX_VARIANTS."""
    variants: list[str] = []
    for row in synonyms:
        pairs = [(normalize(row.word), normalize(row.means))]
        if row.both_ways:
            pairs.append(pairs[0][::-1])
        for source, target in pairs:
            if source and source in word and target not in word:
                variants.append(word.replace(source, target))
    return [v for v in dict.fromkeys(variants) if v != word][:MAX_VARIANTS]


def expand_phrases(q: str, synonyms) -> tuple[list, list[str]]:
    """The query's phrases (tokens.query_terms), each widened into a group with its synonyms' phrases
    (backends.Query, tokens.as_group); and the synonyms added. Synonyms only ever add alternatives."""
    entries: list = []
    added: list[str] = []
    for word in normalize(q).split()[: MAX_PHRASES * 2]:
        phrase = tokens_for_document(word)
        if not phrase:
            continue
        group = [phrase]
        for variant in word_variants(word, synonyms):
            tokens = tokens_for_document(variant)
            if tokens and tokens not in group:
                group.append(tokens)
                added.append(variant)
        entry = group[0] if len(group) == 1 else group
        if entry not in entries:
            entries.append(entry)
    return entries[:MAX_PHRASES], list(dict.fromkeys(added))


_vocabularies: dict = {}  # per database alias: (stamp, Vocabulary)


def vocabulary() -> suggest.Vocabulary:
    """The suggestions' vocabulary: words of the newest VOCABULARY_TITLES titles and of the synonym table.

    Bounded whatever the size of the index (one walk of the sort_key index). Built by one process and shared
    through the cache for VOCABULARY_SECONDS under a stamp, which each process also keeps in memory with its
    copy; a synonym write deletes the stamp (services), so the next suggestion rebuilds it.
    """
    stamp_key = f"{VOCABULARY_STAMP_KEY}:{connection.alias}"
    data_key = f"{VOCABULARY_STAMP_KEY}:{connection.alias}:data"
    stamp = cache.get(stamp_key)
    held = _vocabularies.get(connection.alias)
    if stamp is not None and held is not None and held[0] == stamp:
        return held[1]
    if stamp is not None:
        shared = cache.get(data_key)
        if shared is not None and shared[0] == stamp:
            _vocabularies[connection.alias] = shared
            return shared[1]
    titles = SearchDocument.objects.order_by("-sort_key").values_list("title_tokens", flat=True)
    counts = suggest.word_counts(titles[:VOCABULARY_TITLES])
    extra = []  # a one-way synonym's word is a miswriting: never offered
    rows = Synonym.objects.values_list("word", "means", "both_ways")
    for word, means, both_ways in [*((s.word, s.means, s.both_ways) for s in BUILT_IN_SYNONYMS), *rows]:
        extra += [normalize(means), normalize(word)] if both_ways else [normalize(means)]
    built = (uuid.uuid4().hex, suggest.Vocabulary.build(counts, extra))
    cache.set(data_key, built, VOCABULARY_SECONDS)
    cache.set(stamp_key, built[0], VOCABULARY_SECONDS)
    _vocabularies[connection.alias] = built
    return built[1]


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


_PASSAGE_END = re.compile(r"(?<=[。！？；!?;])\s*|\s*\n\s*")


def _compact(text: str) -> str:
    return "".join(normalize(text).split())


def text_apart_from_title(text: str, title: str) -> str:
    """The text without what repeats the title: a leading copy of it, every passage (sentence) that the title
    contains, and every passage that quotes the whole title (通知 often do: “现将《…》印发给你们”). A snippet of
    what is left can never repeat the title."""
    title_compact = _compact(title)
    if not title_compact:
        return text
    stripped = text.lstrip()
    if _compact(stripped[: len(title) + 8]).startswith(title_compact):
        # Skip the characters of the title's copy, whatever spacing the body gave it.
        taken, pos = 0, 0
        while pos < len(stripped) and taken < len(title_compact):
            if not stripped[pos].isspace():
                taken += len(normalize(stripped[pos]))
            pos += 1
        stripped = stripped[pos:].lstrip(" ：:，,。.-—")
    passages = [p for p in _PASSAGE_END.split(stripped) if p and p.strip()]
    kept = [
        p
        for p in passages
        if (compact := _compact(p)) and compact not in title_compact and title_compact not in compact
    ]
    return " ".join(" ".join(kept).split())


def _hit(disclosure, q: str) -> SearchHit:
    """The hit's title and a snippet of its text that never repeats the title (the summary often does): the
    passage around the first match outside the title, else the text's first passage, else nothing."""
    words = [w for w in normalize(q).split() if w]
    title = disclosure.title
    text = text_apart_from_title(
        "\n".join(filter(None, [disclosure.summary, body_text(disclosure.body)])), title
    )
    # Attachment text only when neither the title nor the text shows any of the words.
    if _first_match(text, words) < 0 and _first_match(title, words) < 0:
        for attachment_text in disclosure.attachments.values_list("extracted_text", flat=True):
            if _first_match(attachment_text, words) >= 0:
                text = text_apart_from_title(attachment_text, title)
                break
    snippet = _snippet(text, q, words) if text else mark_safe("")  # noqa: S308 (empty)
    if _compact(body_text(str(snippet)).strip("…")) in _compact(title):
        snippet = mark_safe("")  # noqa: S308 (empty)
    return SearchHit(
        disclosure=disclosure,
        title_html=highlight(title, q, width=300),
        snippet_html=snippet,
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
