"""Search that forgives, on the demo township: a villager's ways of writing 低保 all reach its 公示."""

import pytest
from django.urls import reverse

from gongkai.catalog.queries import public_disclosures
from gongkai.core.text import body_text
from gongkai.search import queries

URL = reverse("search:search")


def is_dibao_posting(title):
    return "低保" in title and title.endswith("公示")


@pytest.mark.parametrize("query", ["dibao", "di bao", "低宝"])
def test_pinyin_and_a_miswriting_find_the_dibao_postings_of_the_demo(client, demo, query):
    results = queries.search(scope=public_disclosures(), q=query, organisation=demo)

    postings = [hit.disclosure for hit in results.hits if is_dibao_posting(hit.disclosure.title)]
    assert postings
    body = client.get(URL, {"q": query, "org": demo.code}).content.decode()
    assert reverse("portal_catalog:item", args=[postings[0].pk]) in body
    if query == "低宝":
        assert "您要找的是不是：" in body and "已同时检索：低保" in body
    else:
        assert f"没有找到“{query}”的结果，已为您显示“<strong>低保</strong>”的结果" in body


@pytest.mark.parametrize("query", ["火星基地", "db", "渠口乡"])
def test_an_unrelated_or_good_query_on_the_demo_gets_no_suggestion(client, demo, query):
    body = client.get(URL, {"q": query, "org": demo.code}).content.decode()

    assert "您要找的是不是" not in body and "已为您显示" not in body


def test_no_snippet_of_the_demo_repeats_its_title(demo):
    for query in ("低保", "公示", "临时救助", "渠口乡"):
        results = queries.search(scope=public_disclosures(), q=query, organisation=demo, per_page=100)
        assert results.hits
        for hit in results.hits:
            snippet = body_text(str(hit.snippet_html)).strip("…")
            title = hit.disclosure.title
            assert not snippet or snippet not in title, (query, title)
            assert title not in snippet, (query, title)
