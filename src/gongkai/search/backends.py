"""One search interface, one backend per engine. Both answer the same questions:

    the newest `limit` public documents that contain every phrase and every filter tag, newest first
    (with their token strings when they are to be ranked);
    how many of the newest `sample` documents contain each phrase, and how many documents there are;
    how many documents contain a phrase, counting no further than `limit`.

Relevance is computed only over the newest candidates, in Python (ranking.py). Ranking every match of a
frequent term (工作 in a million items) by the engine's BM25 costs a hundred milliseconds and more, because
the engine first counts every document that holds the term; the newest thousand are a bounded walk of the
sort_key order (FTS5 rowid / btree), and the document frequency is estimated from a bounded sample.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from gongkai.search.models import KEY_SCALE

TOTAL_CACHE_SECONDS = 300  # the number of documents only scales the estimated document frequencies


@dataclass(frozen=True)
class Candidate:
    sort_key: int
    disclosure_id: int
    title_tokens: str = ""  # filled only when the candidates are to be ranked
    body_tokens: str = ""


def total_documents() -> int:
    """How many documents the index holds, cached for a few minutes (a count over a million rows is not free)."""
    key = f"search:total-documents:{connection.alias}"
    total = cache.get(key)
    if total is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_searchdocument")
            total = cursor.fetchone()[0]
        cache.set(key, total, TOTAL_CACHE_SECONDS)
    return total


@dataclass(frozen=True)
class Query:
    phrases: list[list[str]]  # each a phrase of tokens; all must match (title or body)
    tags: list[str]  # filter terms as SearchDocument.tags spells them; all must match
    visible_at: object  # aware datetime: documents with a later visible_from are hidden


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class SqliteBackend:
    """FTS5 (unicode61 over the space-separated tokens); rowid = sort_key, so ORDER BY rowid DESC is free."""

    def match_expression(self, query: Query) -> str:
        # Each phrase becomes "ab bc cd": FTS5 splits the quoted string into the bigram terms, in order.
        words = " AND ".join(_fts5_string(" ".join(phrase)) for phrase in query.phrases)
        expression = "{title_tokens body_tokens} : (" + words + ")"
        if query.tags:
            expression += " AND tags : (" + " AND ".join(_fts5_string(t) for t in query.tags) + ")"
        return expression

    def phrase_expression(self, phrase: list[str]) -> str:
        return "{title_tokens body_tokens} : " + _fts5_string(" ".join(phrase))

    def candidates(self, query: Query, *, limit: int, with_tokens: bool) -> list[Candidate]:
        columns = ", d.title_tokens, d.body_tokens" if with_tokens else ""
        sql = (
            # Only `columns`, one of two constants above, is interpolated; all input goes in as parameters.
            f"SELECT d.sort_key, d.disclosure_id{columns} FROM search_fts "  # noqa: S608
            "JOIN search_searchdocument d ON d.sort_key = search_fts.rowid "
            "WHERE search_fts MATCH %s AND (d.visible_from IS NULL OR d.visible_from <= %s) "
            "ORDER BY search_fts.rowid DESC LIMIT %s"
        )
        visible_at = connection.ops.adapt_datetimefield_value(query.visible_at)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match_expression(query), visible_at, limit])
            return [Candidate(*row) for row in cursor.fetchall()]

    def sample_counts(self, phrases: list[list[str]], *, sample: int) -> tuple[list[int], int]:
        """For each phrase, how many of the newest `sample` documents contain it; and the sample's size."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(sort_key), count(*) FROM (SELECT sort_key FROM search_searchdocument "
                "ORDER BY sort_key DESC LIMIT %s)",
                [sample],
            )
            oldest, size = cursor.fetchone()
            if not size:
                return [0] * len(phrases), 0
            counts = []
            for phrase in phrases:
                cursor.execute(
                    "SELECT count(*) FROM search_fts WHERE search_fts MATCH %s AND rowid >= %s",
                    [self.phrase_expression(phrase), oldest],
                )
                counts.append(cursor.fetchone()[0])
        return counts, size

    def bounded_count(self, phrase: list[str], *, limit: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [self.phrase_expression(phrase), limit],
            )
            return cursor.fetchone()[0]


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresBackend:
    """A generated tsvector (title A, body B, tags D) with a GIN index; phrases as <->, ts_rank for relevance.

    No weight restriction in the query: it would make PostgreSQL recheck (detoast) every candidate's tsvector.
    The tags need none: they contain a Han character joined to Latin letters, which no text token does.
    """

    def tsquery(self, query: Query) -> str:
        parts = ["(" + " <-> ".join(_lexeme(t) for t in phrase) + ")" for phrase in query.phrases]
        return " & ".join(parts + [_lexeme(tag) for tag in query.tags])

    # Look in the newest 60 days first, then a year, three years, everything. The planner misjudges how many
    # rows a frequent word or phrase matches; unbounded, it rechecks (detoasts) every match's tsvector.
    # Bounded by a sort_key range, a frequent term is satisfied from the first window, and a rare one costs
    # a few more GIN lookups.
    WINDOWS_DAYS = (60, 365, 3 * 365, None)

    def candidates(self, query: Query, *, limit: int, with_tokens: bool) -> list[Candidate]:
        columns = ", d.title_tokens, d.body_tokens" if with_tokens else ""
        sql = (
            # Only `columns`, one of two constants above, is interpolated; all input goes in as parameters.
            f"SELECT d.sort_key, d.disclosure_id{columns} FROM search_searchdocument d"  # noqa: S608
            " WHERE d.tsv @@ to_tsquery('simple', %s)"
            " AND (d.visible_from IS NULL OR d.visible_from <= %s)"
            " AND d.sort_key > %s AND d.sort_key <= %s"
            " ORDER BY d.sort_key DESC LIMIT %s"
        )
        text = self.tsquery(query)
        found: list[Candidate] = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(sort_key) FROM search_searchdocument")
            newest = cursor.fetchone()[0]
            if newest is None:
                return []
            upper = newest
            for days in self.WINDOWS_DAYS:
                lower = newest - days * KEY_SCALE if days is not None else -1
                cursor.execute(sql, [text, query.visible_at, lower, upper, limit - len(found)])
                found += [Candidate(*row) for row in cursor.fetchall()]
                if len(found) >= limit or lower < 0:
                    return found
                upper = lower
        return found

    def phrase_tsquery(self, phrase: list[str]) -> str:
        return " <-> ".join(_lexeme(t) for t in phrase)

    def sample_counts(self, phrases: list[list[str]], *, sample: int) -> tuple[list[int], int]:
        """For each phrase, how many of the newest `sample` documents contain it (one read of their vectors)."""
        if not phrases:
            return [], 0
        counts = ", ".join(["count(*) FILTER (WHERE s.tsv @@ to_tsquery('simple', %s))"] * len(phrases))
        with connection.cursor() as cursor:
            cursor.execute(
                # Only placeholders are interpolated; the phrases go in as parameters.
                f"SELECT count(*), {counts} FROM (SELECT tsv FROM search_searchdocument "  # noqa: S608
                "ORDER BY sort_key DESC LIMIT %s) s",
                [*(self.phrase_tsquery(p) for p in phrases), sample],
            )
            size, *found = cursor.fetchone()
        return list(found), size

    def bounded_count(self, phrase: list[str], *, limit: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_searchdocument "
                "WHERE tsv @@ to_tsquery('simple', %s) LIMIT %s) s",
                [self.phrase_tsquery(phrase), limit],
            )
            return cursor.fetchone()[0]


def get_backend():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
