"""The search interface; the same cases run on SQLite (FTS5) and on PostgreSQL (tsvector) via DATABASE_URL."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalog.indexing import index_disclosure
from gongkai.catalog.models import Attachment, Disclosure
from gongkai.catalog.queries import public_disclosures
from gongkai.search import queries
from gongkai.search.models import SearchDocument
from gongkai.search.services import documents_replace


def search(**kwargs):
    """The search as the portal calls it: over what the public may see now."""
    return queries.search(scope=public_disclosures(), **kwargs)


def titles(results):
    return [hit.disclosure.title for hit in results.hits]


def test_a_two_character_word_matches(township, publish):
    publish(township, "2024年5月低保对象公示", body="<p>经村民代表评议，拟纳入最低生活保障。</p>")
    publish(township, "春耕备耕工作动态", body="<p>组织农机下田。</p>")

    assert titles(search(q="低保")) == ["2024年5月低保对象公示"]


def test_救助_matches_in_the_body(township, publish):
    publish(township, "临时救助审批结果", body="<p>对因病致困家庭给予临时救助。</p>")
    publish(township, "防汛值班安排", body="<p>汛期值班表。</p>")

    assert titles(search(q="救助")) == ["临时救助审批结果"]


def test_a_four_character_phrase_matches_only_where_contiguous(township, publish):
    publish(township, "最低生活保障标准调整", body="<p>城乡最低生活保障标准提高。</p>")
    # The same bigrams 最低, 生活 but not contiguous.
    publish(township, "关于生活垃圾与最低温度的提示", body="<p>最低气温零下十度，注意生活安全。</p>")

    assert titles(search(q="最低生活")) == ["最低生活保障标准调整"]


def test_every_word_of_the_query_must_match(township, publish):
    publish(township, "低保资金发放公示", body="<p>渠口村低保资金。</p>")
    publish(township, "特困供养资金发放公示", body="<p>特困人员供养。</p>")

    assert titles(search(q="资金 低保")) == ["低保资金发放公示"]


def test_attachment_text_and_document_number_are_searched(township, publish):
    with_attachment = publish(township, "2024年财政预算公开")
    Attachment.objects.create(
        disclosure=with_attachment,
        file="attachments/x.pdf",
        original_name="预算表.pdf",
        file_type="pdf",
        size=10,
        extracted_text="三公经费预算 公务接待费 3.2万元",
    )
    index_disclosure(with_attachment)
    publish(township, "关于印发防汛预案的通知", doc_no="渠政发〔2024〕17号")

    assert titles(search(q="公务接待")) == ["2024年财政预算公开"]
    assert titles(search(q="渠政发")) == ["关于印发防汛预案的通知"]


def test_relevance_puts_a_title_match_before_a_newer_body_match(township, publish):
    publish(
        township,
        "乡村道路养护通知",
        body="<p>道路养护，顺带说明低保复核。</p>",
        published_on=dt.date(2024, 6, 1),
    )
    publish(township, "低保复核工作方案", body="<p>开展低保复核。</p>", published_on=dt.date(2024, 1, 1))

    assert titles(search(q="低保", order="relevance")) == ["低保复核工作方案", "乡村道路养护通知"]
    assert titles(search(q="低保", order="date")) == ["乡村道路养护通知", "低保复核工作方案"]


def test_filters_by_organisation_subtree_kind_and_year(township, village, other_township, publish):
    publish(township, "乡级低保公示", kind="posting", published_on=dt.date(2023, 3, 1))
    publish(village, "村级低保公示", kind="posting", published_on=dt.date(2024, 3, 1))
    publish(village, "村级低保工作动态", kind="news", published_on=dt.date(2024, 4, 1))
    publish(other_township, "外乡低保公示", kind="posting", published_on=dt.date(2024, 3, 1))

    assert set(titles(search(q="低保", organisation=township))) == {
        "乡级低保公示",
        "村级低保公示",
        "村级低保工作动态",
    }
    assert titles(search(q="低保", organisation=village, kind="posting")) == ["村级低保公示"]
    assert titles(search(q="低保", organisation=township, year=2023)) == ["乡级低保公示"]


def test_unpublished_retracted_and_scheduled_items_never_appear(township, publish):
    publish(township, "已发布的低保公示")
    draft = Disclosure.objects.create(
        organisation=township, title="草稿低保公示", written_on=dt.date(2024, 5, 1), status="draft"
    )
    index_disclosure(draft)
    retracted = publish(township, "撤回的低保公示")
    # The row alone (not the workflow): an impossible state that leaves its search entry behind; the results
    # must check the status themselves.
    Disclosure.objects.filter(pk=retracted.pk).update(status="retracted")
    index_disclosure(retracted)
    publish(township, "定时发布的低保公示", publish_at=timezone.now() + dt.timedelta(days=1))

    assert titles(search(q="低保")) == ["已发布的低保公示"]
    assert not SearchDocument.objects.filter(disclosure__in=[draft, retracted]).exists()


def test_taking_an_item_out_of_the_index_is_safe_twice(township, publish):
    item = publish(township, "低保名单")
    documents_replace([item.pk], [])
    documents_replace([item.pk], [])

    assert search(q="低保").hits == []


def test_reindexing_after_an_edit_finds_the_new_text_only(township, publish):
    item = publish(township, "春耕通知")
    Disclosure.objects.filter(pk=item.pk).update(title="秋收通知", published_on=dt.date(2024, 9, 1))
    index_disclosure(item)

    assert titles(search(q="秋收")) == ["秋收通知"]
    assert search(q="春耕").hits == []


def test_highlight_marks_the_match_and_escapes_html(township, publish):
    publish(township, "<script>低保</script>公示", body="<p>a &lt;b&gt; 低保 名单</p>")

    hit = search(q="低保").hits[0]
    assert "<mark>低保</mark>" in hit.title_html
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<mark>低保</mark>" in hit.snippet_html and "<b>" not in hit.snippet_html


def test_an_exact_index_number_is_found_first(township, publish):
    township.credit_code = "11640221MB1234567X"
    township.save()
    item = publish(township, "防汛预案", published_on=dt.date(2024, 5, 6))

    results = search(q=" 11640221MB1234567X/2024-00001 ")
    assert results.exact == item


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "！？。，、",
        '"',
        '"低保',
        "低保 AND OR NOT",
        "NEAR(低保 救助)",
        "低保*",
        "title_tokens:低保",
        "{tags}: o1",
        "(低保) - 救助 ^ ''",
        "'; DROP TABLE search_searchdocument; --",
        "低保:* & !救助 <-> |",
        "\\' \\\\ %_",
        "低" * 500,
        "字 " * 300,
        "\x00低保",
    ],
)
def test_absurd_queries_do_not_crash(township, publish, q):
    publish(township, "低保公示", body="<p>救助</p>")

    results = search(q=q)
    assert len(results.q) <= queries.MAX_QUERY_CHARS
    assert results.total >= 0


def test_syntax_words_are_searched_as_plain_words(township, publish):
    publish(township, "Notice AND guide", body="<p>near or not</p>")
    publish(township, "其他", body="<p>nothing</p>")

    assert titles(search(q="AND")) == ["Notice AND guide"]
    assert titles(search(q="near")) == ["Notice AND guide"]


def test_more_matches_than_the_candidate_cap_are_reported_as_capped(township, publish, monkeypatch):
    monkeypatch.setattr(queries, "CANDIDATE_LIMIT", 3)
    for day in range(1, 6):
        publish(township, f"第{day}批低保公示", published_on=dt.date(2024, 3, day))

    results = search(q="低保", order="date", per_page=2)
    assert results.capped and results.total == 3 and results.pages == 2
    assert titles(results) == ["第5批低保公示", "第4批低保公示"]


def test_pages_of_results_do_not_overlap(township, publish):
    for day in range(1, 8):
        publish(township, f"第{day}期低保动态", published_on=dt.date(2024, 3, day))

    seen = []
    for page in (1, 2, 3):
        seen += titles(search(q="低保", order="date", page=page, per_page=3))
    assert sorted(seen) == sorted(f"第{d}期低保动态" for d in range(1, 8))


def test_filter_tags_never_match_words_of_the_text(township, publish):
    publish(township, "Notice", kind="notice", body="<p>o1 k y2024</p>")
    publish(township, "其他事项", kind="other")

    assert search(q="knotice").hits == []
    assert search(q=f"o{township.pk}").hits == []
    assert titles(search(q="y2024")) == ["Notice"]
