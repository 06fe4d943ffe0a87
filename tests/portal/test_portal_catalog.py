import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import CatalogArea, CatalogEntry, Disclosure


def catalog_url(organisation):
    return reverse("portal_catalog:catalog", args=[organisation.code])


def item_url(item):
    return reverse("portal_catalog:item", args=[item.pk])


@pytest.fixture
def social_assistance(db):
    return CatalogArea.objects.create(number=20, name="社会救助")


def test_the_catalog_lists_published_items_to_anyone(citizen, township, publish):
    item = publish(township, "2024年第二季度低保对象公示", kind="posting")

    response = citizen.get(catalog_url(township))

    assert response.status_code == 200
    body = response.content.decode()
    assert item_url(item) in body and "法定主动公开内容" in body


def test_staff_of_another_organisation_see_the_same_public_catalog(
    login, other_township_staff, township, publish
):
    item = publish(township, "春耕生产工作动态", kind="news")

    response = login(other_township_staff).get(catalog_url(township))

    assert response.status_code == 200 and item_url(item) in response.content.decode()


def test_an_unknown_organisation_is_404(citizen, db):
    assert citizen.get(reverse("portal_catalog:catalog", args=["no-such-org"])).status_code == 404


def test_post_to_the_catalog_is_not_allowed(citizen, township):
    assert citizen.post(catalog_url(township)).status_code == 405


def test_drafts_retracted_and_scheduled_items_are_not_listed(citizen, township, publish):
    shown = publish(township, "已发布通知")
    retracted = publish(township, "已撤回通知")
    # The row alone (not the workflow): an impossible state, still indexed and dated, so that the page's own
    # status check is what hides it.
    Disclosure.objects.filter(pk=retracted.pk).update(status="retracted")
    scheduled = publish(township, "定时发布通知", publish_at=timezone.now() + dt.timedelta(hours=2))
    draft = Disclosure.objects.create(organisation=township, title="草稿通知", written_on=dt.date(2024, 1, 1))

    body = citizen.get(catalog_url(township)).content.decode()

    assert item_url(shown) in body
    for hidden in (retracted, scheduled, draft):
        assert item_url(hidden) not in body


def test_the_township_catalog_includes_its_villages_unless_asked_for_its_own_only(
    citizen, township, village, publish
):
    own = publish(township, "乡政府通知")
    villages = publish(village, "渠口村村务公开")

    everything = citizen.get(catalog_url(township)).content.decode()
    own_only = citizen.get(catalog_url(township), {"scope": "own"}).content.decode()
    one_village = citizen.get(catalog_url(township), {"org": village.code}).content.decode()

    assert item_url(own) in everything and item_url(villages) in everything
    assert item_url(own) in own_only and item_url(villages) not in own_only
    assert item_url(own) not in one_village and item_url(villages) in one_village


def test_an_organisation_outside_the_subtree_cannot_be_chosen(citizen, township, other_township, publish):
    theirs = publish(other_township, "通伏乡通知")

    body = citizen.get(catalog_url(township), {"org": other_township.code}).content.decode()

    assert item_url(theirs) not in body


def test_filters_by_area_kind_and_year(citizen, township, publish, social_assistance):
    entry = CatalogEntry.objects.create(organisation=township, area=social_assistance, level1="最低生活保障")
    in_area = publish(
        township, "低保公示", kind="posting", catalog_entry=entry, published_on=dt.date(2024, 3, 1)
    )
    news = publish(township, "工作动态", kind="news", published_on=dt.date(2023, 3, 1))

    by_area = citizen.get(catalog_url(township), {"area": social_assistance.pk}).content.decode()
    by_kind = citizen.get(catalog_url(township), {"kind": "news"}).content.decode()
    by_year = citizen.get(catalog_url(township), {"year": "2023"}).content.decode()

    assert item_url(in_area) in by_area and item_url(news) not in by_area
    assert item_url(news) in by_kind and item_url(in_area) not in by_kind
    assert item_url(news) in by_year and item_url(in_area) not in by_year


def test_odd_filter_values_are_ignored(citizen, township, publish):
    item = publish(township, "通知")
    for params in (
        {"year": "abc"},
        {"year": "99999"},
        {"area": "x"},
        {"kind": "<i>"},
        {"after": "garbage"},
        {"before": "2024-13-45_1"},
        {"org": "y" * 300},
    ):
        response = citizen.get(catalog_url(township), params)
        assert response.status_code == 200 and item_url(item) in response.content.decode()


def _follow_pages(client, url, params, direction="after"):
    seen, cursor = [], None
    for _ in range(50):
        page_params = dict(params, **({direction: cursor} if cursor else {}))
        page = client.get(url, page_params).context["page"]
        seen += [item.pk for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen, page
    raise AssertionError("pagination did not end")


def test_keyset_pagination_returns_every_item_exactly_once(citizen, township, village, publish):
    items = []
    for n in range(47):
        # Several items share a date, so the id breaks ties.
        items.append(
            publish(village if n % 3 else township, f"第{n}号通知", published_on=dt.date(2024, 1, 1 + n // 4))
        )

    seen, _last = _follow_pages(citizen, catalog_url(township), {})

    assert len(seen) == len(set(seen)) == 47
    expected = sorted(items, key=lambda d: (d.published_on, d.pk), reverse=True)
    assert seen == [d.pk for d in expected]


def test_previous_page_links_go_back_to_the_same_items(citizen, township, publish):
    for n in range(45):
        publish(township, f"第{n}号通知", published_on=dt.date(2024, 2, 1) + dt.timedelta(days=n))
    first = citizen.get(catalog_url(township)).context["page"]
    second = citizen.get(catalog_url(township), {"after": first.next_cursor}).context["page"]
    back = citizen.get(catalog_url(township), {"before": second.previous_cursor}).context["page"]

    assert first.is_first and first.previous_cursor is None
    assert [d.pk for d in back.items] == [d.pk for d in first.items]
    assert back.is_first


def test_current_postings_leave_the_list_when_their_period_ends(citizen, township, publish):
    today = timezone.localdate()
    current = publish(township, "正在公示的低保名单", kind="posting", posting_days=7, published_on=today)
    ended = publish(
        township,
        "已结束的低保名单",
        kind="posting",
        posting_days=7,
        published_on=today - dt.timedelta(days=60),
    )

    body = citizen.get(catalog_url(township), {"current": "1"}).content.decode()
    found = citizen.get(reverse("search:search"), {"q": ended.index_no}).content.decode()

    assert item_url(current) in body and item_url(ended) not in body
    assert item_url(ended) in found


def test_reports_lists_the_items_linked_from_annual_reports_not_titles(citizen, township, publish):
    from gongkai.reports.models import AnnualReport

    report = publish(township, "渠口乡2024年度工作报告", kind="other", published_on=dt.date(2025, 1, 20))
    AnnualReport.objects.create(organisation=township, year=2024, disclosure=report)
    # A title like a report's, but no report was published through it: not in the 年报 column.
    lookalike = publish(township, "转发：某县2024年政府信息公开工作年度报告", kind="other")

    response = citizen.get(reverse("portal_catalog:reports", args=[township.code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert item_url(report) in page and item_url(lookalike) not in page


def test_reports_of_an_unknown_organisation_is_404_and_post_is_refused(citizen, township):
    assert citizen.get(reverse("portal_catalog:reports", args=["nobody"])).status_code == 404
    assert citizen.post(reverse("portal_catalog:reports", args=[township.code])).status_code == 405


def test_the_column_menu_links_the_catalog_once_it_has_items_and_the_reports_once_one_is_published(
    citizen, township, publish
):
    home = reverse("portal:org_home", args=[township.code])
    reports = reverse("portal_catalog:reports", args=[township.code])
    body = citizen.get(home).content.decode()
    assert catalog_url(township) not in body and reports not in body  # empty sub-columns are hidden

    publish(township, "关于春耕备耕的通知")
    body = citizen.get(home).content.decode()

    assert catalog_url(township) in body and reports not in body
