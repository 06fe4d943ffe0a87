import datetime as dt

import pytest
from django.urls import reverse

from gongkai.catalog.models import Disclosure

URL = reverse("search:search")


def item_url(item):
    return reverse("portal_catalog:item", args=[item.pk])


def test_anyone_can_search_without_logging_in(citizen, township, publish):
    item = publish(township, "低保对象公示", body="<p>渠口村低保名单</p>")

    response = citizen.get(URL, {"q": "低保"})

    assert response.status_code == 200
    assert reverse("portal_catalog:item", args=[item.pk]) in response.content.decode()
    assert "<mark>低保</mark>" in response.content.decode()


def test_staff_of_another_organisation_see_the_same_public_results(
    login, other_township_staff, township, publish
):
    item = publish(township, "低保对象公示")

    response = login(other_township_staff).get(URL, {"q": "低保"})

    assert response.status_code == 200
    assert item_url(item) in response.content.decode()


def test_search_scoped_to_an_organisation_shows_only_its_subtree(citizen, township, other_township, publish):
    ours = publish(township, "渠口乡低保公示")
    theirs = publish(other_township, "通伏乡低保公示")

    body = citizen.get(URL, {"q": "低保", "org": township.code}).content.decode()

    assert item_url(ours) in body and item_url(theirs) not in body


def test_order_by_date_and_filters_are_read_from_the_query_string(citizen, township, publish):
    older = publish(township, "低保复核方案", kind="document", published_on=dt.date(2023, 1, 1))
    newer = publish(township, "低保资金公示", kind="posting", published_on=dt.date(2024, 1, 1))

    body = citizen.get(
        URL, {"q": "低保", "kind": "posting", "year": "2024", "order": "date"}
    ).content.decode()

    assert item_url(newer) in body and item_url(older) not in body


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "。。。"},
        {"q": '" OR 1=1 --'},
        {"q": "低" * 500},
        {"q": "低保", "page": "abc"},
        {"q": "低保", "page": "999999999999"},
        {"q": "低保", "year": "-1"},
        {"q": "低保", "year": "9" * 40},
        {"q": "低保", "kind": "<b>"},
        {"q": "低保", "order": "random()"},
        {"q": "低保", "org": "no-such-org"},
        {"q": "低保", "org": "x" * 500},
    ],
)
def test_empty_and_absurd_requests_render_a_page(citizen, township, publish, params):
    publish(township, "低保对象公示")

    response = citizen.get(URL, params)

    assert response.status_code == 200


def test_an_unpublished_item_is_not_in_the_results_page(citizen, township, publish):
    item = publish(township, "低保草稿")
    # The row alone (not the workflow): an impossible state that leaves its search entry behind; the results
    # must check the status themselves.
    Disclosure.objects.filter(pk=item.pk).update(status="retracted")

    body = citizen.get(URL, {"q": "低保"}).content.decode()

    assert item_url(item) not in body and "草稿" not in body


def test_an_exact_index_number_links_to_the_item(citizen, township, publish):
    item = publish(township, "防汛预案", published_on=dt.date(2019, 3, 4))  # the township's first of 2019

    body = citizen.get(URL, {"q": "qukou/2019-00001"}).content.decode()

    assert "索引号匹配" in body and reverse("portal_catalog:item", args=[item.pk]) in body


def test_post_is_not_allowed(citizen, db):
    assert citizen.post(URL, {"q": "低保"}).status_code == 405


def test_an_unknown_kind_is_ignored_not_an_empty_result(citizen, township, publish):
    item = publish(township, "低保对象公示")

    response = citizen.get(URL, {"q": "低保", "kind": "nonsense"})

    assert item_url(item) in response.content.decode()
