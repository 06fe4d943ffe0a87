"""Search that forgives: synonyms (an editable table in the office), pinyin and miswritten words, and snippets
that never repeat the title."""

from collections import Counter

import pytest
from django.urls import reverse

from gongkai.audit.models import AuditEvent
from gongkai.catalog.queries import public_disclosures
from gongkai.core.text import body_text
from gongkai.search import queries, suggest
from gongkai.search.models import Synonym
from gongkai.search.services import synonym_save

URL = reverse("search:search")
OFFICE = reverse("search_office:synonyms")


def search(q, **kwargs):
    return queries.search(scope=public_disclosures(), q=q, **kwargs)


def titles(results):
    return [hit.disclosure.title for hit in results.hits]


# The pure part: the vocabulary and the suggestion.


def vocabulary(**counts):
    return suggest.Vocabulary.build(Counter(counts))


def test_title_tokens_chain_back_into_their_han_runs():
    assert suggest.runs_from_title_tokens("关于 于低 低保 保对 对象 2024 公示") == ["关于低保对象", "公示"]
    assert suggest.word_counts(["低保 保公 公示", "低保"])["低保"] == 2


def test_full_pinyin_and_spaced_pinyin_spell_the_word():
    words = vocabulary(低保=9, 公示=30, 特困=4)
    assert suggest.suggest(["dibao"], words, homophones=False, corrections={}) == "低保"
    assert suggest.suggest(["di", "bao"], words, homophones=False, corrections={}) == "低保"
    assert suggest.suggest(["dibao", "gongshi"], words, homophones=False, corrections={}) == "低保 公示"


def test_two_initials_are_never_guessed_and_longer_ones_only_when_one_word_owns_them():
    words = vocabulary(低保=9, 党办=8, 低保公示=6, 多部=1)
    assert suggest.suggest(["db"], words, homophones=True, corrections={}) is None
    assert suggest.suggest(["dbgs"], words, homophones=False, corrections={}) == "低保公示"
    shared = vocabulary(低保公示=5, 对比公示=4)
    assert suggest.suggest(["dbgs"], shared, homophones=False, corrections={}) is None


def test_a_han_word_that_only_sounds_like_a_vocabulary_word_is_corrected_when_asked():
    words = vocabulary(低保=9, 公示=30)
    assert suggest.suggest(["低宝"], words, homophones=True, corrections={}) == "低保"
    assert suggest.suggest(["低宝公示"], words, homophones=True, corrections={}) == "低保公示"
    assert suggest.suggest(["低宝"], words, homophones=False, corrections={}) is None
    assert suggest.suggest(["低宝"], words, homophones=False, corrections={"低宝": "低保"}) == "低保"


def test_words_that_are_fine_or_unknown_get_no_suggestion():
    words = vocabulary(低保=9, 公示=30)
    for query in (["低保"], ["火星基地"], ["pdf"], ["2024"], ["xyzzy"]):
        assert suggest.suggest(query, words, homophones=True, corrections={}) is None, query


# Synonyms widen, never narrow.


def test_a_default_synonym_finds_the_word_the_items_use(township, publish):
    item = publish(township, "关于2024年第一季度低保对象审批情况的公示", body="<p>经村民代表评议</p>")

    results = search("低宝")

    assert titles(results) == [item.title]
    assert "低保" in results.variants
    assert results.suggestion == "低保"  # a one-way synonym is a miswriting: offered as the right word


def test_a_synonym_only_adds_results(township, publish):
    publish(township, "城乡居民医保缴费通知")
    publish(township, "新农合报销比例调整")

    assert len(search("新农合").hits) == 2
    assert titles(search("城乡居民医保")) == ["城乡居民医保缴费通知"]  # one-way: the reverse is not widened
    assert len(search("新农合 报销").hits) == 1  # the other word still has to match


def test_a_two_way_synonym_works_both_ways_and_in_part_of_a_word(township, publish):
    publish(township, "医疗保险参保登记")
    publish(township, "医保政策解读")

    assert len(search("医保").hits) == 2
    assert len(search("医疗保险").hits) == 2
    assert len(search("低宝对象").hits) == 0  # nothing to find, but the word was widened
    assert search("低宝对象").variants == ["低保对象"]


# Pinyin and miswritten queries.


def test_pinyin_with_no_hits_shows_the_results_of_the_word_it_spells(citizen, township, publish):
    item = publish(township, "关于2024年第一季度低保对象审批情况的公示")
    publish(township, "渠口乡春耕生产通知")

    for query in ("dibao", "di bao", "DiBao"):
        results = search(query)
        assert results.corrected_from == query
        assert results.q == "低保"
        assert titles(results) == [item.title], query

    body = citizen.get(URL, {"q": "di bao"}).content.decode()
    assert "没有找到“di bao”的结果，已为您显示“<strong>低保</strong>”的结果" in body
    assert reverse("portal_catalog:item", args=[item.pk]) in body


def test_a_query_with_results_is_offered_the_correction_not_replaced(citizen, township, publish):
    publish(township, "低保对象公示")
    typo = publish(township, "dibao 系统使用说明")

    results = search("dibao")

    assert titles(results) == [typo.title]
    assert results.suggestion == "低保"
    body = citizen.get(URL, {"q": "dibao", "org": township.code}).content.decode()
    link = f"{URL}?q=%E4%BD%8E%E4%BF%9D&amp;org={township.code}"
    assert f'您要找的是不是：<a href="{link}">低保</a>' in body


def test_an_unrelated_query_gets_no_suggestion(citizen, township, publish):
    publish(township, "低保对象公示")
    publish(township, "春耕生产通知")

    for query in ("火星基地", "db", "xyzzy", "春耕"):
        results = search(query)
        assert not results.suggestion and not results.corrected_from, query
        body = citizen.get(URL, {"q": query}).content.decode()
        assert "您要找的是不是" not in body and "已为您显示" not in body


def test_the_api_search_widens_and_corrects_the_same_way(client, township, publish):
    item = publish(township, "关于低保对象审批情况的公示")

    for query in ("低宝", "dibao"):
        data = client.get("/api/v1/search", {"q": query}).json()
        assert [hit["item"]["id"] for hit in data["hits"]] == [item.pk], query


# Snippets.


def test_a_snippet_never_repeats_the_title(township, publish):
    title = "关于渠口村低保对象审批情况的公示"
    publish(
        township, title, summary=title, body=f"<h2>{title}</h2><p>经村民代表会议评议，拟纳入低保3户。</p>"
    )
    only_title = "低保工作推进会"
    publish(township, only_title, body=f"<p>{only_title}</p>")

    hits = {hit.disclosure.title: hit for hit in search("低保").hits}

    snippet = body_text(str(hits[title].snippet_html))
    assert "经村民代表会议评议" in snippet
    assert title not in snippet
    assert str(hits[only_title].snippet_html) == ""


def test_a_title_match_shows_the_body_not_the_title(township, publish):
    publish(township, "低保资金发放公告", body="<p>本月资金已于15日发放到户。</p>")

    [hit] = search("低保").hits

    assert body_text(str(hit.snippet_html)) == "本月资金已于15日发放到户。"


# The office page of synonyms.


def test_an_administrator_adds_a_synonym_that_changes_the_results(login, admin, township, publish, citizen):
    item = publish(township, "独生子女父母奖励扶助金发放公示")
    assert search("独奖").total == 0

    response = login(admin).post(OFFICE, {"word": "独奖", "means": "独生子女父母奖励"})

    assert response.status_code == 302
    row = Synonym.objects.get(word="独奖")
    assert row.organisation == township
    event = AuditEvent.objects.get(action="search.synonym_save")
    assert event.organisation_id == township.pk
    results = search("独奖", organisation=township)
    assert titles(results) == [item.title]
    client_body = citizen.get(URL, {"q": "独奖", "org": township.code}).content.decode()
    assert reverse("portal_catalog:item", args=[item.pk]) in client_body


def test_a_township_synonym_applies_to_its_own_searches_only(admin, township, other_township, publish):
    ours = publish(township, "独生子女父母奖励扶助金发放公示")
    theirs = publish(other_township, "独生子女父母奖励扶助金发放公示")
    synonym_save(organisation=township, word="独奖", means="独生子女父母奖励", both_ways=False, actor=admin)

    assert titles(search("独奖", organisation=township)) == [ours.title]
    assert search("独奖", organisation=other_township).total == 0
    # The whole site searched from the township's page: its synonyms apply, so both items are found.
    assert {h.disclosure for h in search("独奖", synonyms_of=township).hits} == {ours, theirs}


def test_the_office_page_lists_defaults_and_own_synonyms(login, admin, township):
    synonym_save(organisation=township, word="独奖", means="独生子女父母奖励", both_ways=False, actor=admin)

    body = login(admin).get(OFFICE).content.decode()

    assert "独奖" in body and "新农合" in body and "新增同义词" in body


def test_deleting_a_synonym_is_audited(login, admin, township):
    row = synonym_save(
        organisation=township, word="独奖", means="独生子女父母奖励", both_ways=False, actor=admin
    )

    response = login(admin).post(reverse("search_office:synonym_delete", args=[row.pk]))

    assert response.status_code == 302
    assert not Synonym.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="search.synonym_delete", organisation_id=township.pk).exists()


def test_a_duplicate_or_empty_synonym_is_refused_in_plain_words(login, admin, township):
    synonym_save(organisation=township, word="独奖", means="独生子女父母奖励", both_ways=False, actor=admin)
    client = login(admin)

    duplicate = client.post(OFFICE, {"word": "独奖", "means": "独生子女父母奖励"}).content.decode()
    same = client.post(OFFICE, {"word": "低保", "means": "低保"}).content.decode()

    assert "已有同义词“独奖”—“独生子女父母奖励”" in duplicate
    assert "两个词相同，无需设为同义词" in same
    assert Synonym.objects.filter(organisation=township).count() == 1


def test_staff_of_another_township_cannot_touch_the_first_ones_synonyms(
    login, admin, township, other_township_staff
):
    row = synonym_save(
        organisation=township, word="独奖", means="独生子女父母奖励", both_ways=False, actor=admin
    )
    client = login(other_township_staff)

    assert client.post(reverse("search_office:synonym_delete", args=[row.pk])).status_code == 404
    client.post(OFFICE, {"word": "独奖", "means": "别的"})  # goes to their own township, if they may
    assert list(Synonym.objects.filter(organisation=township)) == [row]
    assert "独生子女父母奖励" not in client.get(OFFICE).content.decode()


def test_a_clerk_reads_but_cannot_edit_synonyms(login, clerk):
    client = login(clerk)

    assert client.get(OFFICE).status_code == 200
    assert client.post(OFFICE, {"word": "独奖", "means": "独生子女父母奖励"}).status_code == 403
    assert not Synonym.objects.filter(word="独奖").exists()


def test_only_a_superuser_edits_the_platform_synonyms(login, admin, superuser, township, publish):
    item = publish(township, "独生子女父母奖励扶助金发放公示")
    assert login(admin).post(OFFICE, {"word": "独奖", "means": "奖励", "platform": "1"}).status_code == 403

    assert (
        login(superuser).post(OFFICE, {"word": "独奖", "means": "奖励", "platform": "1"}).status_code == 302
    )
    row = Synonym.objects.get(organisation__isnull=True, word="独奖")
    assert titles(search("独奖")) == [item.title]  # a platform synonym applies to every search
    assert login(admin).post(reverse("search_office:synonym_delete", args=[row.pk])).status_code == 403
    assert Synonym.objects.filter(pk=row.pk).exists()


def test_a_new_instance_has_the_built_in_synonyms_and_an_empty_table(db):
    assert not Synonym.objects.exists()  # a restore needs an empty instance (backup.services.nonempty_tables)
    assert ("低宝", "低保") in {(s.word, s.means) for s in queries.synonyms_applying()}


def test_the_public_cannot_reach_the_office_page(citizen, db):
    assert citizen.get(OFFICE).status_code == 302
    assert citizen.post(OFFICE, {"word": "独奖", "means": "奖励"}).status_code == 302
    assert not Synonym.objects.filter(word="独奖").exists()


@pytest.mark.parametrize("method", ["get", "put"])
def test_delete_takes_only_post(login, admin, township, method):
    row = synonym_save(organisation=township, word="独奖", means="奖励", both_ways=False, actor=admin)

    response = getattr(login(admin), method)(reverse("search_office:synonym_delete", args=[row.pk]))

    assert response.status_code == 405
    assert Synonym.objects.filter(pk=row.pk).exists()
