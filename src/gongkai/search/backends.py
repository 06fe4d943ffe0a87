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

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from gongkai.search.models import KEY_SCALE
from gongkai.search.tokens import as_group

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
    # Each a phrase of tokens, or a group of alternative phrases (a word and its synonyms; tokens.as_group); all
    # must match (title or body), a group by any of its phrases.
    phrases: list
    tags: list[str]  # filter terms as SearchDocument.tags spells them; all must match
    visible_at: object  # aware datetime: documents with a later visible_from are hidden
    # The organisation filter as an index column too, (depth, organisation id): SearchDocument.org_l<depth>.
    # The tag already filters; the column lets PostgreSQL walk the (org_lN, sort_key) index.
    subtree: tuple[int, int] | None = None


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class SqliteBackend:
    """FTS5 (unicode61 over the space-separated tokens); rowid = sort_key, so ORDER BY rowid DESC is free."""

    def group_expression(self, entry) -> str:
        # Each phrase becomes "ab bc cd": FTS5 splits the quoted string into the bigram terms, in order.
        alternatives = [_fts5_string(" ".join(phrase)) for phrase in as_group(entry)]
        return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"

    def match_expression(self, query: Query) -> str:
        words = " AND ".join(self.group_expression(entry) for entry in query.phrases)
        expression = "{title_tokens body_tokens} : (" + words + ")"
        if query.tags:
            expression += " AND tags : (" + " AND ".join(_fts5_string(t) for t in query.tags) + ")"
        return expression

    def phrase_expression(self, phrase) -> str:
        """A phrase or a group of alternative phrases, as an FTS5 expression."""
        return "{title_tokens body_tokens} : " + self.group_expression(phrase)

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
    """A generated tsvector (title A, body B, tags D) with a GIN index; phrases as <->.

    No weight restriction in the query: it would make PostgreSQL recheck (detoast) every candidate's tsvector.
    The tags need none: they contain a Han character joined to Latin letters, which no text token does.
    """

    def tsquery(self, query: Query) -> str:
        parts = ["(" + self.phrase_tsquery(entry) + ")" for entry in query.phrases]
        return " & ".join(parts + [_lexeme(tag) for tag in query.tags])

    # Which plan answers "the newest `limit` matches" cheaply depends on how common the words are, which the
    # planner misjudges for phrases (it multiplies the bigrams' frequencies; they are not independent):
    # - rare (at most RARE_MATCHES documents can match): one GIN lookup, every match sorted;
    # - common (every word in at least WALK_FRACTION of the documents): walk the sort_key index (or the
    #   organisation's (org_lN, sort_key) index) newest first and test each row, about limit / share rows, at
    #   most WALK_ROWS; a GIN lookup would first list every document holding 工作 (~30 ms at a million). What
    #   the walk has not found is then looked for below it, as in:
    # - windows: the newest 60 days, a year, three years, everything, so that only matches in a window are
    #   rechecked (phrases need the positions in each row's tsvector); after a window with few matches, the
    #   rest in one lookup.
    # The frequencies come from the statistics ANALYZE keeps for the tsvector (the 1,000 most common lexemes).
    WINDOWS_DAYS = (60, 365, 3 * 365, None)
    RARE_MATCHES = 3000
    WALK_FRACTION = 0.1
    WALK_ROWS = 8000
    STATS_SECONDS = 600
    _stats: dict = {}  # per database alias: (read at, ({lexeme: frequency}, bound for the others) or None)

    def lexeme_frequencies(self) -> tuple[dict[str, float], float] | None:
        """The share of documents holding each common lexeme, and an upper bound for any other; None before
        the first ANALYZE. Read from pg_stats and kept for STATS_SECONDS."""
        cached = self._stats.get(connection.alias)
        if cached and time.monotonic() - cached[0] < self.STATS_SECONDS:
            return cached[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'search_searchdocument' AND attname = 'tsv'"
            )
            row = cursor.fetchone()
        value = None
        if row and row[0] and row[1]:
            lexemes, freqs = row
            # The frequencies are followed by their minimum, maximum and the share of empty vectors.
            value = (dict(zip(lexemes, freqs[: len(lexemes)], strict=True)), float(freqs[len(lexemes)]))
        self._stats[connection.alias] = (time.monotonic(), value)
        return value

    def plan(self, query: Query) -> str:
        """'rare', 'walk' or 'windows' (see above)."""
        stats = self.lexeme_frequencies()
        if stats is None:
            return "windows"
        frequencies, below = stats
        # A phrase is no more common than its rarest token; a group of alternatives at most the sum of theirs.
        shares = [
            min(
                1.0,
                sum(
                    min((frequencies.get(token, below) for token in phrase), default=1.0)
                    for phrase in as_group(entry)
                ),
            )
            for entry in query.phrases
        ]
        text_share = min(shares, default=1.0)
        share = min([text_share] + [frequencies.get(tag, below) for tag in query.tags])
        if share * total_documents() <= self.RARE_MATCHES:
            return "rare"
        if text_share >= self.WALK_FRACTION:
            return "walk"
        return "windows"

    def candidates(self, query: Query, *, limit: int, with_tokens: bool) -> list[Candidate]:
        columns = ", d.title_tokens, d.body_tokens" if with_tokens else ""
        subtree = ""
        subtree_params: list = []
        if query.subtree is not None:
            depth, organisation_id = query.subtree
            subtree = f" AND d.org_l{int(depth)} = %s"
            subtree_params = [organisation_id]
        text = self.tsquery(query)
        params = [text, query.visible_at, *subtree_params]
        sql = (
            # Only `columns` (one of two constants) and `subtree` (an integer column name) are interpolated;
            # all input goes in as parameters.
            f"SELECT d.sort_key, d.disclosure_id{columns} FROM search_searchdocument d"  # noqa: S608
            " WHERE d.tsv @@ to_tsquery('simple', %s)"
            f" AND (d.visible_from IS NULL OR d.visible_from <= %s){subtree}"
        )
        order = " ORDER BY d.sort_key DESC LIMIT %s"
        plan = self.plan(query)
        found: list[Candidate] = []
        with connection.cursor() as cursor:
            if plan == "rare":
                cursor.execute(sql + order, [*params, limit])
                return [Candidate(*row) for row in cursor.fetchall()]
            cursor.execute("SELECT max(sort_key), min(sort_key) FROM search_searchdocument")
            newest, oldest = cursor.fetchone()
            if newest is None:
                return []
            upper = newest
            if plan == "walk":
                # The newest WALK_ROWS rows (of the subtree), in index order, tested one by one; the outer
                # LIMIT stops the walk as soon as enough match.
                walk = (
                    f"SELECT d.sort_key, d.disclosure_id{columns} FROM ("  # noqa: S608 (as `sql` above)
                    f"  SELECT * FROM search_searchdocument d WHERE TRUE{subtree}"
                    "   ORDER BY d.sort_key DESC LIMIT %s"
                    ") d WHERE d.tsv @@ to_tsquery('simple', %s) AND (d.visible_from IS NULL OR d.visible_from <= %s)"
                    + order
                )
                with transaction.atomic():
                    # SET LOCAL would last to the end of an enclosing transaction, hence the explicit reset.
                    cursor.execute("SET LOCAL enable_bitmapscan = off")
                    try:
                        cursor.execute(
                            walk,
                            [*subtree_params, self.WALK_ROWS, text, query.visible_at, limit],
                        )
                        found = [Candidate(*row) for row in cursor.fetchall()]
                    finally:
                        cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT")
                if len(found) >= limit:
                    return found
                cursor.execute(
                    f"SELECT min(sort_key) FROM (SELECT d.sort_key FROM search_searchdocument d "  # noqa: S608
                    f"WHERE TRUE{subtree} ORDER BY d.sort_key DESC LIMIT %s) w",
                    [*subtree_params, self.WALK_ROWS],
                )
                walked_to = cursor.fetchone()[0]
                if walked_to is None or walked_to == oldest:
                    return found  # the walk covered everything
                upper = walked_to - 1
            span_days = max((newest - oldest) // KEY_SCALE, 1)
            for days in self.WINDOWS_DAYS:
                lower = newest - days * KEY_SCALE if days is not None else -1
                if lower >= upper:
                    continue  # the walk already covered this window
                cursor.execute(
                    sql + " AND d.sort_key > %s AND d.sort_key <= %s" + order,
                    [*params, lower, upper, limit - len(found)],
                )
                found += [Candidate(*row) for row in cursor.fetchall()]
                if len(found) >= limit or lower < 0:
                    return found
                upper = lower
                # Few matches in the newest `days`: at that rate the rest is small, and one lookup without a
                # range is cheaper than range bitmaps of a year and more (a rare word: none in 60 days).
                if len(found) * span_days / days <= self.RARE_MATCHES:
                    cursor.execute(
                        sql + " AND d.sort_key <= %s" + order, [*params, upper, limit - len(found)]
                    )
                    return found + [Candidate(*row) for row in cursor.fetchall()]
        return found

    def phrase_tsquery(self, phrase) -> str:
        """A phrase (tokens in a row, <->) or a group of alternative phrases (|)."""
        alternatives = [" <-> ".join(_lexeme(t) for t in p) for p in as_group(phrase)]
        if len(alternatives) == 1:
            return alternatives[0]
        return " | ".join(f"({a})" for a in alternatives)

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
