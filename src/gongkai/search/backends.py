"""One search interface, one backend per engine. Both answer the same question:

    the newest `limit` public documents that contain every phrase and every filter tag,
    newest first, with a relevance score when asked.

Relevance is computed only over those newest candidates. Ranking every match of a frequent term (低保 in
half a million items) by BM25 costs hundreds of milliseconds; ranking the newest thousand costs a few.
Both engines walk the sort_key order (FTS5 rowid / btree) so a frequent term stops after `limit` rows.
"""

from dataclasses import dataclass

from django.db import connection

from gongkai.search.models import KEY_SCALE


@dataclass(frozen=True)
class Candidate:
    sort_key: int
    disclosure_id: int
    score: float = 0.0  # higher is more relevant


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

    def candidates(self, query: Query, *, limit: int, ranked: bool) -> list[Candidate]:
        score = "-bm25(search_fts, 10.0, 1.0, 0.0)" if ranked else "0.0"
        sql = (
            # Only `score`, one of two constants above, is interpolated; all input goes in as parameters.
            f"SELECT d.sort_key, d.disclosure_id, {score} FROM search_fts "  # noqa: S608
            "JOIN search_searchdocument d ON d.sort_key = search_fts.rowid "
            "WHERE search_fts MATCH %s AND (d.visible_from IS NULL OR d.visible_from <= %s) "
            "ORDER BY search_fts.rowid DESC LIMIT %s"
        )
        visible_at = connection.ops.adapt_datetimefield_value(query.visible_at)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match_expression(query), visible_at, limit])
            return [Candidate(*row) for row in cursor.fetchall()]


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

    def candidates(self, query: Query, *, limit: int, ranked: bool) -> list[Candidate]:
        # ts_rank runs on the capped candidates only. Weights are {D, C, B, A}: tags count for nothing.
        score = "ts_rank('{0.0, 0.0, 0.3, 1.0}', c.tsv, q.q, 1)" if ranked else "0.0"
        sql = (
            # Only `score`, one of two constants above, is interpolated; all input goes in as parameters.
            f"SELECT c.sort_key, c.disclosure_id, {score} FROM ("  # noqa: S608
            "  SELECT d.sort_key, d.disclosure_id, d.tsv FROM search_searchdocument d"
            "  WHERE d.tsv @@ to_tsquery('simple', %s)"
            "  AND (d.visible_from IS NULL OR d.visible_from <= %s)"
            "  AND d.sort_key > %s AND d.sort_key <= %s"
            "  ORDER BY d.sort_key DESC LIMIT %s"
            ") c, (SELECT to_tsquery('simple', %s) AS q) q ORDER BY c.sort_key DESC"
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
                cursor.execute(sql, [text, query.visible_at, lower, upper, limit - len(found), text])
                found += [Candidate(sk, did, float(s)) for sk, did, s in cursor.fetchall()]
                if len(found) >= limit or lower < 0:
                    return found
                upper = lower
        return found


def get_backend():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
