import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import Attachment, CatalogArea, CatalogEntry, Disclosure, SubjectClass


def item_url(item):
    return reverse("portal_catalog:item", args=[item.pk])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def notice(township, publish):
    area = CatalogArea.objects.create(number=20, name="社会救助")
    entry = CatalogEntry.objects.create(
        organisation=township, area=area, level1="最低生活保障", level2="低保对象"
    )
    parent = SubjectClass.objects.create(name="民政、扶贫、救灾")
    subject = SubjectClass.objects.create(parent=parent, name="减灾救灾")
    return publish(
        township,
        "关于2024年第二季度低保对象的公示",
        kind="posting",
        doc_no="渠政发〔2024〕12号",
        written_on=dt.date(2024, 4, 28),
        published_on=dt.date(2024, 4, 30),
        subject=subject,
        catalog_entry=entry,
        posting_days=7,
        summary="公示本季度新纳入的低保对象。",
        body="<p>经村民代表评议，<strong>现予公示</strong>。</p>",
        posting_table={"columns": ["姓名", "村组", "保障人数"], "rows": [["王*军", "渠口村四队", "3"]]},
    )


def test_the_item_page_shows_the_official_metadata(citizen, notice):
    response = citizen.get(item_url(notice))

    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "qukou/2024-00001",
        "渠口乡人民政府",
        "2024年4月28日",
        "2024年4月30日",
        "渠政发〔2024〕12号",
        "民政、扶贫、救灾\\减灾救灾",
        "社会救助",
        "最低生活保障 / 低保对象",
        "有效",
        "主动公开",
        "全社会",
    ):
        assert text in body, text


def test_a_posting_shows_its_period_from_start_to_end_in_working_days(citizen, notice):
    body = citizen.get(item_url(notice)).content.decode()

    # Published Tue 2024-04-30, which is not counted; May 1–5 is the Labour Day holiday; the 7 working days are
    # 5-6, 5-7, 5-8, 5-9, 5-10, 5-11 (调休 Saturday) and 5-13.
    assert "公示期" in body and "2024年5月6日至2024年5月13日（7个工作日）" in body
    assert "公示期已结束" in body


def test_the_body_is_shown_as_stored_and_the_posting_table_as_a_table(citizen, notice):
    body = citizen.get(item_url(notice)).content.decode()

    assert "<strong>现予公示</strong>" in body
    assert "<th>姓名</th>" in body and "<td>王*军</td>" in body


def test_an_interpretation_and_its_document_link_to_each_other(citizen, township, publish):
    document = publish(township, "渠口乡防汛应急预案", kind="document")
    reading = publish(township, "《渠口乡防汛应急预案》政策解读", kind="interpretation", interprets=document)

    assert item_url(document) in citizen.get(item_url(reading)).content.decode()
    assert item_url(reading) in citizen.get(item_url(document)).content.decode()


@pytest.mark.parametrize("status", ["draft", "secrecy_review", "approval", "retracted"])
def test_an_item_that_is_not_published_is_404(citizen, township, publish, status):
    item = publish(township, "内部事项")
    # The row alone (not the workflow): an impossible state, still indexed and dated, so that the page's own
    # status check is what hides it.
    Disclosure.objects.filter(pk=item.pk).update(status=status)

    assert citizen.get(item_url(item)).status_code == 404


def test_a_scheduled_item_is_404_until_its_time(citizen, township, publish):
    item = publish(township, "定时发布", publish_at=timezone.now() + dt.timedelta(days=1))

    assert citizen.get(item_url(item)).status_code == 404


def test_staff_of_another_organisation_cannot_see_an_unpublished_item_either(
    login, other_township_staff, township, publish
):
    item = publish(township, "待审核事项")
    # The row alone (not the workflow): an impossible state, still indexed and dated, so that the page's own
    # status check is what hides it.
    Disclosure.objects.filter(pk=item.pk).update(status="secrecy_review")

    assert login(other_township_staff).get(item_url(item)).status_code == 404


def test_post_to_an_item_is_not_allowed(citizen, notice):
    assert citizen.post(item_url(notice)).status_code == 405


def _attach(item, name="低保名单.pdf", file_type="pdf", content=b"%PDF-1.4 test"):
    attachment = Attachment(disclosure=item, original_name=name, file_type=file_type, size=len(content))
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def test_an_attachment_of_a_public_item_downloads_with_its_type_and_name(citizen, notice, media):
    attachment = _attach(notice)

    response = citizen.get(reverse("portal_catalog:attachment", args=[notice.pk, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        "attachment" in response["Content-Disposition"]
        and "filename*=utf-8''" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert (
        reverse("portal_catalog:attachment", args=[notice.pk, attachment.pk])
        in citizen.get(item_url(notice)).content.decode()
    )


def test_an_attachment_of_a_retracted_item_is_404(citizen, notice, media):
    attachment = _attach(notice)
    # The row alone (not the workflow): an impossible state, still indexed and dated, so that the page's own
    # status check is what hides it.
    Disclosure.objects.filter(pk=notice.pk).update(status="retracted")

    assert (
        citizen.get(reverse("portal_catalog:attachment", args=[notice.pk, attachment.pk])).status_code == 404
    )


def test_an_attachment_cannot_be_fetched_through_another_public_item(
    citizen, township, notice, publish, media
):
    hidden = publish(township, "草稿")
    # The row alone (not the workflow): an impossible state, still indexed and dated, so that the page's own
    # status check is what hides it.
    Disclosure.objects.filter(pk=hidden.pk).update(status="draft")
    attachment = _attach(hidden)

    assert (
        citizen.get(reverse("portal_catalog:attachment", args=[notice.pk, attachment.pk])).status_code == 404
    )


def test_post_to_an_attachment_is_not_allowed(citizen, notice, media):
    attachment = _attach(notice)

    assert (
        citizen.post(reverse("portal_catalog:attachment", args=[notice.pk, attachment.pk])).status_code == 405
    )


def test_the_rss_feed_lists_the_latest_public_items(citizen, township, village, publish):
    newest = publish(village, "村务公开：2024年6月财务收支", published_on=dt.date(2024, 6, 30))
    publish(township, "乡政府通知", published_on=dt.date(2024, 6, 1))
    hidden = publish(township, "撤回的通知", published_on=dt.date(2024, 7, 1))
    # The row alone (not the workflow): an impossible state, still indexed and dated, so that the page's own
    # status check is what hides it.
    Disclosure.objects.filter(pk=hidden.pk).update(status="retracted")

    response = citizen.get(reverse("portal_catalog:feed", args=[township.code]))

    assert response.status_code == 200 and "rss" in response["Content-Type"]
    titles = [node.text for node in ET.fromstring(response.content).iter("title")]
    assert titles[1:] == ["村务公开：2024年6月财务收支", "乡政府通知"]
    assert item_url(newest) in response.content.decode()


def test_the_feed_of_an_unknown_organisation_is_404_and_post_is_refused(citizen, township):
    assert citizen.get(reverse("portal_catalog:feed", args=["nobody"])).status_code == 404
    assert citizen.post(reverse("portal_catalog:feed", args=[township.code])).status_code == 405


def test_the_csv_export_has_the_metadata_of_public_items_only(citizen, township, notice, publish):
    hidden = publish(township, "撤回的通知")
    # The row alone (not the workflow): an impossible state, still indexed and dated, so that the page's own
    # status check is what hides it.
    Disclosure.objects.filter(pk=hidden.pk).update(status="retracted")

    response = citizen.get(reverse("portal_catalog:export_csv", args=[township.code]))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["索引号"] for row in rows] == ["qukou/2024-00001"]
    assert rows[0]["类别"] == "公示" and rows[0]["目录领域"] == "社会救助" and rows[0]["有效性"] == "有效"
    assert rows[0]["网址"].endswith(item_url(notice))


def test_the_json_export_is_valid_json_with_the_items(citizen, township, village, notice, publish):
    publish(village, "村务公开")

    response = citizen.get(reverse("portal_catalog:export_json", args=[township.code]))

    data = json.loads(b"".join(response.streaming_content))
    assert data["organisation"]["code"] == township.code
    assert {item["title"] for item in data["items"]} == {"关于2024年第二季度低保对象的公示", "村务公开"}
    assert data["items"][-1]["catalog_entry_area_name"] == "社会救助"


def test_an_empty_export_is_still_valid(citizen, other_township):
    response = citizen.get(reverse("portal_catalog:export_json", args=[other_township.code]))

    assert json.loads(b"".join(response.streaming_content))["items"] == []


def test_exports_of_an_unknown_organisation_are_404_and_post_is_refused(citizen, township):
    for name in ("portal_catalog:export_csv", "portal_catalog:export_json"):
        assert citizen.get(reverse(name, args=["nobody"])).status_code == 404
        assert citizen.post(reverse(name, args=[township.code])).status_code == 405
