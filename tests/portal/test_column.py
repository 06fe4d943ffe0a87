"""The 政府信息公开专栏 as the inspection indicators check it (issue 12): the column home, the sub-columns, empty
ones hidden from the public and warned in the office, the header search, the footer, villages as 村务公开."""

import datetime as dt

import pytest

from gongkai.portal import queries as column

pytestmark = pytest.mark.today("2024-05-20")


@pytest.fixture
def rules_item(township, publish):
    return publish(
        township,
        "渠口乡人民政府政府信息公开工作制度",
        kind="disclosure_rules",
        published_on=dt.date(2024, 3, 1),
    )


def test_column_home_shows_latest_current_postings_with_end_dates_and_areas(
    client, township, village, publish
):
    publish(township, "关于春耕备耕的通知", published_on=dt.date(2024, 5, 6))
    posting = publish(
        village, "关于渠口村低保对象初审情况的公示", kind="posting", published_on=dt.date(2024, 5, 17)
    )
    publish(township, "关于去年低保的公示", kind="posting", published_on=dt.date(2024, 1, 8))

    page = client.get("/org/qukou/").content.decode()

    latest = page[page.index('id="latest-h"') :]
    assert "关于春耕备耕的通知" in latest and "关于去年低保的公示" in latest
    current = page[page.index('id="postings-h"') : page.index('id="latest-h"')]
    assert "关于渠口村低保对象初审情况的公示" in current
    assert f"公示期至{posting.posting_ends_on.year}年{posting.posting_ends_on.month}月" in current
    assert "关于去年低保的公示" not in current  # its 公示期 has ended


def test_column_home_lists_ten_newest(township, publish):
    for day in range(1, 13):
        publish(township, f"第{day}号通知", published_on=dt.date(2024, 4, day))
    titles = [d.title for d in column.column_home(township).latest]
    assert titles == [f"第{day}号通知" for day in range(12, 2, -1)]


def test_area_counts_list_only_areas_with_items(township, publish, db):
    from gongkai.catalog import standard
    from gongkai.catalog.models import CatalogEntry

    standard.catalog_adopt(organisation=township, actor="测试")
    entry = CatalogEntry.objects.filter(organisation=township, area__name="社会救助").first()
    publish(township, "甲", catalog_entry=entry)
    publish(township, "乙", catalog_entry=entry)
    publish(township, "丙")

    areas = column.area_counts(township)

    assert [(a.name, a.count) for a in areas] == [("社会救助", 2)]


def test_empty_sub_columns_are_hidden_from_the_public(client, township, publish):
    page = client.get("/org/qukou/").content.decode()
    nav = page[page.index('aria-label="专栏导航"') :]
    nav = nav[: nav.index("</nav>")]
    assert "政府信息公开指南" in nav and "依申请公开" in nav
    for label in ("政府信息公开制度", "法定主动公开内容", "政府信息公开年报"):
        assert label not in nav

    publish(township, "关于春耕备耕的通知")
    page = client.get("/org/qukou/").content.decode()
    assert "法定主动公开内容" in page and "政府信息公开制度" not in page


def test_rules_column_lists_items_of_their_own_kind(client, township, rules_item, publish):
    publish(township, "关于春耕备耕的通知")
    page = client.get("/org/qukou/rules/").content.decode()
    assert "渠口乡人民政府政府信息公开工作制度" in page
    assert "关于春耕备耕的通知" not in page
    home = client.get("/org/qukou/").content.decode()
    assert 'href="/org/qukou/rules/"' in home


def test_office_warns_of_each_empty_sub_column(township, rules_item):
    warnings = column.column_warnings(township, today=dt.date(2024, 5, 20))
    assert not any("政府信息公开制度" in w for w in warnings)
    assert not any("“法定主动公开内容”" in w for w in warnings)
    assert any("“政府信息公开年报”栏目没有可公开的内容" in w for w in warnings)


def test_office_dashboard_shows_the_column_warning(client, clerk, township):
    client.force_login(clerk)
    page = client.get("/office/").content.decode()
    assert "“政府信息公开制度”栏目没有可公开的内容" in page


def test_office_warns_when_a_village_has_published_nothing_for_a_quarter(township, village, publish):
    publish(village, "一季度财务公开", published_on=dt.date(2024, 1, 10))
    warnings = column.column_warnings(township, today=dt.date(2024, 5, 20))
    assert any("渠口村村务公开" in w and "第三十条" in w for w in warnings)
    publish(village, "四月财务公开", published_on=dt.date(2024, 4, 30))
    warnings = column.column_warnings(township, today=dt.date(2024, 5, 20))
    assert not any("渠口村村务公开" in w for w in warnings)


def test_every_public_page_has_the_search_box_scoped_to_its_organisation(client, township, publish):
    item = publish(township, "关于春耕备耕的通知")
    for url in ("/org/qukou/", "/org/qukou/guide/", f"/item/{item.pk}/", "/org/qukou/apply/"):
        page = client.get(url).content.decode()
        assert 'role="search"' in page, url
        assert '<input type="hidden" name="org" value="qukou">' in page, url
        assert 'name="all" value="1"> 全站' in page, url
    for url in ("/", "/track/"):
        page = client.get(url).content.decode()
        assert 'role="search"' in page and 'name="org"' not in page.split('role="search"')[1][:600]


def test_the_all_switch_searches_the_whole_site(client, township, other_township, publish):
    ours = f'href="/item/{publish(township, "渠口乡秸秆禁烧通知").pk}/"'
    theirs = f'href="/item/{publish(other_township, "通伏乡秸秆禁烧通知").pk}/"'
    scoped = client.get("/search/", {"q": "秸秆", "org": "qukou"}).content.decode()
    assert ours in scoped and theirs not in scoped
    everywhere = client.get("/search/", {"q": "秸秆", "org": "qukou", "all": "1"}).content.decode()
    assert ours in everywhere and theirs in everywhere
    assert "检索范围：全站" in everywhere


def test_footer_shows_the_settings_that_are_set(client, township, settings):
    settings.SITE_FOOTER = {
        "sponsor": "平罗县人民政府办公室",
        "undertaker": "",
        "contact": "0952-6011111",
        "site_code": "6402210001",
        "icp": "宁ICP备05000001号",
        "police": "宁公网安备 64022102000001号",
    }
    page = client.get("/org/qukou/").content.decode()
    footer = page[page.index('class="portal-footer"') :]
    assert "主办单位：平罗县人民政府办公室" in footer
    assert "网站标识码：6402210001" in footer
    assert "宁ICP备05000001号" in footer and "https://beian.miit.gov.cn/" in footer
    assert "recordcode=64022102000001" in footer
    assert "长者模式" in footer


def test_footer_leaves_out_what_is_not_set_and_names_the_organ(client, township, settings):
    settings.SITE_FOOTER = {}
    page = client.get("/org/qukou/").content.decode()
    footer = page[page.index('class="portal-footer"') :]
    assert "主办单位：渠口乡人民政府" in footer
    assert "网站标识码" not in footer and "ICP" not in footer and "公网安备" not in footer


def test_no_developer_notes_on_public_pages(client, township):
    for url in ("/", "/org/qukou/", "/org/qukou/guide/"):
        page = client.get(url).content.decode()
        assert "外部字体" not in page and "统计服务" not in page


def test_guide_lists_the_online_form_first_with_its_address(client, township):
    page = client.get("/org/qukou/guide/").content.decode()
    ways = page[page.index('class="apply-ways"') :]
    ways = ways[: ways.index("</ol>")]
    order = [ways.index(word) for word in ("网上申请", "当面提交", "邮寄", "传真", "电子邮件")]
    assert order == sorted(order)
    assert "http://testserver/org/qukou/apply/" in ways


class TestVillages:
    def test_village_page_is_its_village_affairs_column(self, client, village, publish):
        publish(village, "渠口村2024年4月财务收支公开", published_on=dt.date(2024, 5, 6))
        page = client.get("/org/qukoucun/").content.decode()
        assert "渠口乡渠口村 · 村务公开" in page
        assert "渠口村2024年4月财务收支公开" in page
        assert "第三十条" in page
        assert "0952-6860685" in page  # the township's contact
        nav = page[page.index('aria-label="专栏导航"') :]
        nav = nav[: nav.index("</nav>")]
        assert "政府信息公开指南" not in nav and "依申请公开" not in nav

    def test_village_guide_goes_to_the_village_page(self, client, village):
        response = client.get("/org/qukoucun/guide/")
        assert response.status_code == 302 and response["Location"] == "/org/qukoucun/"

    def test_village_has_no_rules_column(self, client, village):
        assert client.get("/org/qukoucun/rules/").status_code == 404

    def test_applications_about_a_village_go_to_the_township(self, client, village):
        response = client.get("/org/qukoucun/apply/")
        assert response.status_code == 302
        assert response["Location"] == "/org/qukou/apply/?about=qukoucun"
        page = client.get(response["Location"]).content.decode()
        assert "与本村有关的政府信息公开申请由渠口乡人民政府受理" in page

    def test_about_names_only_a_village_of_this_township(self, client, township, other_township):
        page = client.get("/org/qukou/apply/?about=tongfu-xiang").content.decode()
        assert "受理，请在下面填写" not in page


@pytest.mark.parametrize("url", ["/org/qukou/rules/", "/org/qukou/"])
def test_column_pages_refuse_writes(client, township, url):
    assert client.post(url).status_code == 405


def test_column_pages_of_an_unknown_organisation_are_404(client, db):
    assert client.get("/org/nowhere/rules/").status_code == 404


def test_rules_of_a_township_do_not_fill_the_countys_rules_column(client, county, township, rules_item):
    assert column.RULES not in column.present_sections(county)
    assert column.RULES in column.present_sections(township)
