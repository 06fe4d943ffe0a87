"""BM25 over the candidates (search/ranking.py) as pure functions, and ranking in search() on both engines."""

import datetime as dt

import pytest
from django.db import connection

from gongkai.catalog.indexing import index_many
from gongkai.catalog.queries import public_disclosures
from gongkai.search import queries, ranking


def search(**kwargs):
    """The search as the portal calls it: over what the public may see now."""
    return queries.search(scope=public_disclosures(), **kwargs)


def titles(results):
    return [hit.disclosure.title for hit in results.hits]


def test_idf_is_larger_for_rarer_words_and_floored_for_common_ones():
    assert ranking.idf(1, 1000) > ranking.idf(10, 1000) > ranking.idf(100, 1000)
    assert ranking.idf(900, 1000) == ranking.MIN_IDF
    assert ranking.idf(5000, 1000) == ranking.MIN_IDF  # an estimate above the total is clamped
    assert ranking.idf(0, 0) > 0


def test_occurrences_count_only_contiguous_whole_tokens():
    tokens = " 最低 低生 生活 保障 生活 最低 "
    assert ranking.occurrences(["最低", "低生", "生活"], tokens) == 1
    assert ranking.occurrences(["生活"], tokens) == 2
    assert ranking.occurrences(["生活", "最低"], tokens) == 1
    # A single character is a token only where it stands alone.
    assert ranking.occurrences(["低"], tokens) == 0
    assert ranking.occurrences(["低"], " 低 ") == 1


def test_a_title_occurrence_outweighs_one_in_the_body():
    scores = ranking.bm25([("低保 公示", "通知"), ("通知", "低保 公示")], [["低保"]], [1.0])
    assert scores[0] > scores[1] > 0


def test_more_occurrences_and_shorter_documents_rank_higher():
    padding = " ".join(["工作"] * 50)
    more, once, long_once, none = ranking.bm25(
        [("", "救助 救助 救助"), ("", "救助 其他 其他"), ("", f"救助 {padding}"), ("", "其他")],
        [["救助"]],
        [1.0],
    )
    assert more > once > long_once > none == 0


def test_a_rare_word_weighs_more_than_a_common_one():
    rare_in_title, common_in_title = ranking.bm25(
        [("低保", "工作"), ("工作", "低保")],
        [["低保"], ["工作"]],
        [ranking.idf(3, 1000), ranking.idf(900, 1000)],
    )
    assert rare_in_title > common_in_title


def test_no_documents_no_scores():
    assert ranking.bm25([], [["低保"]], [1.0]) == []


def test_document_frequency_is_exact_when_the_sample_is_the_whole_index():
    def never(bound):
        raise AssertionError("no count needed")

    assert ranking.estimated_document_frequency(7, 50, 50, never) == 7


def test_a_frequent_phrase_is_scaled_from_the_sample_without_counting():
    def never(bound):
        raise AssertionError("a frequent phrase must not be counted")

    assert ranking.estimated_document_frequency(500, 2000, 1_000_000, never) == 250_000


def test_a_rare_phrase_is_counted_up_to_the_bound():
    asked = []

    def count(bound):
        asked.append(bound)
        return 42

    assert ranking.estimated_document_frequency(1, 2000, 1_000_000, count, bound=1000) == 42
    assert asked == [1000]
    # Rare lately but frequent in older documents: at least the bound.
    assert ranking.estimated_document_frequency(0, 2000, 1_000_000, lambda bound: bound, bound=1000) == 1000


@pytest.fixture
def common_word_corpus(township, publish):
    """工作 in every item, 低保 in two: the item with the rare word in its title is the more relevant."""
    for n in range(10):
        publish(
            township, f"第{n}次工作例会", body="<p>部署近期工作。</p>", published_on=dt.date(2024, 1, 1 + n)
        )
    publish(township, "工作安排", body="<p>做好低保复核。</p>", published_on=dt.date(2024, 6, 2))
    publish(township, "低保复核", body="<p>认真开展工作。</p>", published_on=dt.date(2024, 6, 1))


def test_two_words_rank_by_the_rarer_one(common_word_corpus):
    results = search(q="工作 低保", order="relevance")
    assert titles(results) == ["低保复核", "工作安排"]
    assert titles(search(q="工作 低保", order="date")) == ["工作安排", "低保复核"]


def test_frequencies_estimated_from_a_sample_rank_the_same(common_word_corpus, monkeypatch):
    # A sample smaller than the index: 工作 is scaled from it, 低保 (absent from the newest three but for
    # one) is counted by the bounded count — both backend queries run on this engine.
    monkeypatch.setattr(queries, "FREQUENCY_SAMPLE", 3)
    assert titles(search(q="工作 低保", order="relevance")) == ["低保复核", "工作安排"]


def test_one_word_ranks_by_title_then_newest(township, publish):
    publish(township, "春耕通知", body="<p>救助</p>", published_on=dt.date(2024, 5, 3))
    publish(township, "救助公示", body="<p>名单</p>", published_on=dt.date(2024, 5, 1))
    publish(township, "秋收通知", body="<p>救助</p>", published_on=dt.date(2024, 5, 2))

    assert titles(search(q="救助")) == ["救助公示", "春耕通知", "秋收通知"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_fts5_entries_follow_index_retract_and_reindex(township, publish):
    from gongkai.search.services import documents_replace

    def fts_matches(word):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH %s", [f'"{word}"'])
            return cursor.fetchone()[0]

    item = publish(township, "低保公示")
    assert fts_matches("低保") == 1
    documents_replace([item.pk], [])
    assert fts_matches("低保") == 0
    assert index_many([item.pk]) == 1
    assert index_many([item.pk]) == 1  # re-indexing replaces, never duplicates
    assert fts_matches("低保") == 1
    item.delete()  # a cascade from the disclosure takes the entry out too
    assert fts_matches("低保") == 0
