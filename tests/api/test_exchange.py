"""Export by profile (JSON and XML, incremental by cursor, tombstones of retracted items) and the import of an
old site: spreadsheets keeping their 索引号, saved HTML pages with a dry run naming each page's problems."""

import datetime as dt

import pytest
from lxml import etree

from gongkai.catalog import services
from gongkai.catalog.importing import disclosures_import, rows_from_html_pages
from gongkai.catalog.models import Disclosure, Status

pytestmark = pytest.mark.today("2026-03-16")
URL = "/api/v1/export/items"


def test_the_export_maps_the_items_metadata_to_the_national_profile(client, township, publish):
    publish(
        township,
        "关于春耕的通知",
        doc_no="渠政发〔2026〕1号",
        kind="document",
        published_on=dt.date(2026, 3, 2),
    )
    body = client.get(URL, {"org": "qukou"}).json()
    [item] = body["items"]
    assert item["名称"] == "关于春耕的通知"
    assert item["文号"] == "渠政发〔2026〕1号"
    assert item["发布机构"] == "渠口乡人民政府"
    assert item["分类"] == "公文" and item["有效性"] == "有效"
    assert item["成文日期"] == "2026-03-02" and item["发布日期"] == "2026-03-02"
    assert item["索引号"].startswith("qukou/2026-")
    assert body["next_cursor"]


def test_a_province_profile_renames_the_elements_and_formats_dates_in_xml(client, township, publish):
    publish(township, "关于春耕的通知", published_on=dt.date(2026, 3, 2))
    response = client.get(f"{URL}.xml", {"org": "qukou", "profile": "ningxia"})
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == "ZWGK"
    item = root.find("XXGK")
    assert item.findtext("MC") == "关于春耕的通知"
    assert item.findtext("FBRQ") == "20260302"
    assert item.find("MC").get("label") == "名称"


def test_the_export_is_incremental_and_says_when_an_item_was_retracted(client, township, publish, reviewer):
    first = publish(township, "第一条", published_on=dt.date(2026, 3, 2))
    cursor = client.get(URL, {"org": "qukou"}).json()["next_cursor"]
    assert client.get(URL, {"org": "qukou", "cursor": cursor}).json()["items"] == []
    publish(township, "第二条", published_on=dt.date(2026, 3, 3))
    services.disclosure_retract(disclosure=first, actor=reviewer, comment="内容有误")
    later = client.get(URL, {"org": "qukou", "cursor": cursor}).json()["items"]
    assert [(i["索引号"], i["状态"]) for i in later] == [
        (Disclosure.objects.get(title="第二条").index_no, "已发布"),
        (first.index_no, "已撤回"),
    ]
    assert "名称" not in later[1]  # a tombstone carries no content


def test_an_unknown_profile_or_cursor_is_a_problem(client, township):
    assert client.get(URL, {"org": "qukou", "profile": "atlantis"}).status_code == 422
    assert client.get(URL, {"org": "qukou", "cursor": "yesterday"}).status_code == 422


def test_drafts_and_scheduled_items_stay_out_of_the_export(client, township, clerk, publish):
    services.disclosure_create(
        organisation=township, actor=clerk, title="草稿", written_on=dt.date(2026, 3, 1)
    )
    assert client.get(URL, {"org": "qukou"}).json()["items"] == []


# ---- import ---------------------------------------------------------------------------------------------------


def test_an_imported_index_no_is_kept_and_never_given_again(township, admin, publish):
    rows = [
        {
            "名称": "旧网站的通知",
            "类别": "通知公告",
            "成文日期": "2026-01-05",
            "发布日期": "2026-01-06",
            "索引号": "qukou/2026-00007",
        }
    ]
    result = disclosures_import(organisation=township, actor=admin, rows=rows, dry_run=False, published=True)
    assert result.ok
    assert Disclosure.objects.get(title="旧网站的通知").index_no == "qukou/2026-00007"
    assert publish(township, "新通知", published_on=dt.date(2026, 3, 2)).index_no == "qukou/2026-00008"


def test_a_malformed_or_taken_index_no_is_named_in_the_dry_run(township, admin, publish):
    taken = publish(township, "已有", published_on=dt.date(2026, 3, 2)).index_no
    rows = [
        {
            "名称": "甲",
            "类别": "通知公告",
            "成文日期": "2026-01-05",
            "发布日期": "2026-01-06",
            "索引号": "第7号",
        },
        {
            "名称": "乙",
            "类别": "通知公告",
            "成文日期": "2026-01-05",
            "发布日期": "2026-01-06",
            "索引号": taken,
        },
    ]
    result = disclosures_import(organisation=township, actor=admin, rows=rows, dry_run=True, published=True)
    assert [n for n, _ in result.errors] == [2, 3]
    assert "格式无效" in result.errors[0][1] and "已被其他信息使用" in result.errors[1][1]
    assert Disclosure.objects.filter(status=Status.PUBLISHED).count() == 1


PAGE = """<html><head><meta name="ArticleTitle" content="渠口乡2023年秸秆禁烧工作方案">
<meta name="PubDate" content="2023-04-03 09:30"><title>渠口乡2023年秸秆禁烧工作方案_渠口乡人民政府</title></head>
<body><table class="xxgk-meta">
<tr><td>索引号：</td><td>qukou/2023-00031</td><td>发文字号：</td><td>渠政发〔2023〕9号</td></tr>
<tr><td>成文日期：</td><td>2023-03-31</td><td>发布日期：</td><td>2023-04-03</td></tr></table>
<div class="TRS_Editor"><p>各村：为做好秸秆禁烧工作，现将方案印发给你们。</p><script>alert(1)</script></div>
</body></html>"""

PAGE_WITH_A_PHONE = """<html><head><meta name="ArticleTitle" content="低保公示"></head><body>
<div id="zoom"><p>发布日期：2022-07-01</p><p>联系人张三，电话13912345678。</p></div></body></html>"""


def test_saved_pages_of_an_old_site_are_read_and_imported(township, admin):
    rows, labels = rows_from_html_pages([("2023/fa.html", PAGE.encode())])
    [row] = rows
    assert row["名称"] == "渠口乡2023年秸秆禁烧工作方案"
    assert row["索引号"] == "qukou/2023-00031" and row["文号"] == "渠政发〔2023〕9号"
    assert row["成文日期"] == "2023-03-31" and row["发布日期"] == "2023-04-03"
    result = disclosures_import(
        organisation=township, actor=admin, rows=rows, dry_run=False, published=True, row_labels=labels
    )
    assert result.ok
    item = Disclosure.objects.get(index_no="qukou/2023-00031")
    assert "秸秆禁烧" in item.body and "alert" not in item.body
    assert item.kind == "document"


def test_the_dry_run_lists_every_pages_problems_by_file_name(township, admin):
    rows, labels = rows_from_html_pages(
        [("a.html", PAGE.encode()), ("b.html", PAGE_WITH_A_PHONE.encode()), ("c.html", b"\x00\x01")]
    )
    result = disclosures_import(
        organisation=township, actor=admin, rows=rows, dry_run=True, published=True, row_labels=labels
    )
    messages = dict(result.errors)
    assert 2 not in messages
    assert (
        messages[3].startswith("b.html：") and "手机号" in messages[3]
    )  # the privacy guard on imported text
    assert messages[4].startswith("c.html：")
    assert not Disclosure.objects.exists()


def test_the_catalog_entry_travels_as_its_area_and_item_and_is_found_again(
    client, township, village, admin, publish
):
    from gongkai.catalog import exchange, standard
    from gongkai.catalog.models import CatalogEntry

    standard.catalog_adopt(organisation=township, actor=None)
    entry = (
        CatalogEntry.objects.filter(organisation=township, area__name="社会救助").exclude(level2="").first()
    )
    publish(village, "渠口村低保公示", catalog_entry=entry, published_on=dt.date(2026, 3, 2))
    [item] = client.get(URL, {"org": "qukou"}).json()["items"]
    assert item["目录领域"] == "社会救助" and item["目录事项"] == f"{entry.level1}\\{entry.level2}"
    [row] = exchange.rows_from_export([item])
    Disclosure.objects.all().delete()
    result = disclosures_import(organisation=township, actor=admin, rows=[row], dry_run=False, published=True)
    assert result.ok, result.errors
    assert Disclosure.objects.get().catalog_entry == entry  # the village files under the township's catalog

    row["目录事项"] = "不存在的事项"
    row["索引号"] = ""
    result = disclosures_import(organisation=township, actor=admin, rows=[row], dry_run=True, published=True)
    assert result.errors == [
        (2, "目录事项“社会救助：不存在的事项”不在本机构或上级机构的公开目录中，请先采用标准目录")
    ]
