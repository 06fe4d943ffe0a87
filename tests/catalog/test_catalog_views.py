import datetime

import pytest
from catalog_helpers import VALID_ID, docx_bytes, xlsx_bytes
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.catalog import importing, services, standard
from gongkai.catalog.models import CatalogEntry, Disclosure, Kind, Status
from gongkai.channels.models import Channel, Publication
from gongkai.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(township, clerk, make_draft):
    return make_draft(clerk, township, title="关于开展2024年春季农田水利建设的通知")


@pytest.fixture
def published(township, clerk):
    return importing.disclosure_import_one(
        organisation=township,
        actor=clerk,
        data={
            "title": "渠口乡2024年部门预算公开",
            "kind": Kind.OTHER,
            "written_on": datetime.date(2024, 2, 1),
            "published_on": datetime.date(2024, 2, 20),
        },
    )


@pytest.fixture
def entry(township, admin):
    standard.catalog_adopt(organisation=township, actor=admin)
    return CatalogEntry.objects.filter(organisation=township).first()


@pytest.fixture
def override(township, admin):
    from gongkai.workdays.services import override_set

    return override_set(
        date=datetime.date(2024, 4, 1),
        is_workday=False,
        note="本乡防汛停工",
        organisation=township,
        actor=admin,
    )


def _objects(item, published, entry, override):
    attachment = services.attachment_add(
        disclosure=item, actor=item.created_by, name="通知.docx", data=docx_bytes("春耕")
    )
    return {
        "item": item.pk,
        "published": published.pk,
        "entry": entry.pk,
        "override": override.pk,
        "attachment": attachment.pk,
        "publication": published.publications.get().pk,
    }


# url name, kwargs (from the objects above), method that works
GET_PAGES = [
    ("list", {}),
    ("create", {}),
    ("review_queue", {}),
    ("catalog", {}),
    ("entry_create", {}),
    ("posting_upload", {}),
    ("import", {}),
    ("calendar", {}),
    ("detail", {"pk": "item"}),
    ("edit", {"pk": "item"}),
    ("entry_edit", {"pk": "entry"}),
    ("attachment_download", {"pk": "attachment"}),
]
POST_ONLY = [
    ("delete", {"pk": "item"}),
    ("validity", {"pk": "published"}),
    ("attachment_add", {"pk": "item"}),
    ("publication_add", {"pk": "published"}),
    ("attachment_delete", {"pk": "attachment"}),
    ("publication_delete", {"pk": "publication"}),
    ("catalog_adopt", {}),
    ("entry_delete", {"pk": "entry"}),
    ("calendar_delete", {"pk": "override"}),
]
OBJECT_PAGES = [p for p in GET_PAGES + POST_ONLY if p[1]]


def _url(name, kwargs, objects):
    return reverse(f"catalog_office:{name}", kwargs={k: objects[v] for k, v in kwargs.items()})


@pytest.fixture
def objects(item, published, entry, override):
    return _objects(item, published, entry, override)


@pytest.mark.parametrize(("name", "kwargs"), GET_PAGES + POST_ONLY + [("transition", {"pk": "item"})])
def test_anonymous_visitors_are_sent_to_the_login_page(client, objects, name, kwargs):
    if name == "transition":
        url = reverse("catalog_office:transition", kwargs={"pk": objects["item"], "action": "submit"})
    else:
        url = _url(name, kwargs, objects)
    response = client.post(url) if (name, kwargs) in POST_ONLY or name == "transition" else client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize(("name", "kwargs"), OBJECT_PAGES)
def test_staff_of_another_township_get_404_for_this_townships_records(
    login, other_township_staff, objects, name, kwargs
):
    client = login(other_township_staff)
    url = _url(name, kwargs, objects)
    response = client.post(url) if (name, kwargs) in POST_ONLY else client.get(url)
    assert response.status_code == 404
    assert Disclosure.objects.filter(pk=objects["item"]).exists()


def test_a_workflow_action_by_staff_of_another_township_is_404(login, other_township_staff, item):
    response = login(other_township_staff).post(
        reverse("catalog_office:transition", args=[item.pk, "submit"])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), POST_ONLY)
def test_post_only_urls_refuse_get(login, admin, objects, name, kwargs):
    assert login(admin).get(_url(name, kwargs, objects)).status_code == 405


@pytest.mark.parametrize(("name", "kwargs"), GET_PAGES)
def test_pages_refuse_put(login, admin, objects, name, kwargs):
    assert login(admin).put(_url(name, kwargs, objects)).status_code == 405


@pytest.mark.parametrize(("name", "kwargs"), GET_PAGES)
def test_every_page_renders_for_an_admin(login, admin, objects, name, kwargs):
    assert login(admin).get(_url(name, kwargs, objects)).status_code == 200


def test_the_list_shows_only_the_current_organisations_items_and_filters_them(
    login, clerk, other_township_staff, item, published
):
    page = login(clerk).get(reverse("catalog_office:list"), {"status": "published"}).content.decode()
    assert published.title in page and item.title not in page
    late = login(clerk).get(reverse("catalog_office:list"), {"late": "on"}).content.decode()
    assert published.title not in late
    other = login(other_township_staff).get(reverse("catalog_office:list")).content.decode()
    assert published.title not in other


def test_a_clerk_creates_a_draft_through_the_editor(login, clerk, township):
    response = login(clerk).post(
        reverse("catalog_office:create"),
        {
            "organisation": township.pk,
            "title": "渠口乡召开2024年春季农田水利建设动员会",
            "kind": "news",
            "document_class": "ordinary",
            "written_on": "2024-03-04",
            "body": "<p>会议<script>x</script></p>",
            "validity": "valid",
            "mode": "proactive",
            "audience": "public",
        },
    )
    created = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "catalog_office:detail", args=[created.pk]
    )
    assert "script" not in created.body and created.status == Status.DRAFT


def test_the_editor_shows_the_rule_refusal_for_a_township(login, clerk, township):
    response = login(clerk).post(
        reverse("catalog_office:create"),
        {
            "organisation": township.pk,
            "title": "规章",
            "kind": "document",
            "document_class": "rule",
            "written_on": "2024-03-04",
            "validity": "valid",
            "mode": "proactive",
            "audience": "public",
        },
    )
    assert response.status_code == 200 and "乡镇人民政府无规章制定权" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_the_item_page_shows_privacy_findings_with_positions_and_submission_is_blocked(
    login, clerk, township, make_draft
):
    d = make_draft(clerk, township, body=f"<p>身份证号{VALID_ID}</p>")
    client = login(clerk)
    page = client.get(reverse("catalog_office:detail", args=[d.pk])).content.decode()
    assert "正文第5字：公民身份号码 11*************02X" in page
    response = client.post(reverse("catalog_office:transition", args=[d.pk, "submit"]), follow=True)
    assert "发现个人信息" in response.content.decode()
    assert Disclosure.objects.get(pk=d.pk).status == Status.DRAFT


def test_the_workflow_through_the_office_buttons(
    login, village_clerk, reviewer, approver, village, make_draft
):
    d = make_draft(
        village_clerk,
        village,
        title="关于渠口村2024年第一季度低保对象初审情况的公示",
        kind=Kind.POSTING,
        posting_days=7,
    )
    clerk_client = login(village_clerk)
    clerk_client.post(reverse("catalog_office:transition", args=[d.pk, "submit"]))
    assert Disclosure.objects.get(pk=d.pk).status == Status.SECRECY_REVIEW
    assert (
        clerk_client.post(reverse("catalog_office:transition", args=[d.pk, "review_pass"])).status_code == 403
    )
    reviewer_client = login(reviewer)
    assert d.title in reviewer_client.get(reverse("catalog_office:review_queue")).content.decode()
    reviewer_client.post(
        reverse("catalog_office:transition", args=[d.pk, "review_pass"]), {"comment": "无涉密内容"}
    )
    # Separation of duties: another reviewer approves.
    page = reviewer_client.get(reverse("catalog_office:detail", args=[d.pk])).content.decode()
    assert "审批发布</button>" not in page and "职责分离" in page
    reviewer_client = login(approver)
    reviewer_client.post(reverse("catalog_office:transition", args=[d.pk, "approve"]))
    d.refresh_from_db()
    assert d.status == Status.PUBLISHED and d.index_no.startswith("qukoucun/")
    page = reviewer_client.get(reverse("catalog_office:detail", args=[d.pk])).content.decode()
    assert "无涉密内容" in page and d.index_no in page and "正在公示" in page


def test_an_unknown_workflow_action_is_404(login, clerk, item):
    assert (
        login(clerk).post(reverse("catalog_office:transition", args=[item.pk, "publish_now"])).status_code
        == 404
    )


def test_attachments_are_uploaded_through_the_item_page_and_checked_by_content(login, clerk, item):
    client = login(clerk)
    url = reverse("catalog_office:attachment_add", args=[item.pk])
    client.post(url, {"file": SimpleUploadedFile("setup.pdf", b"MZ" + b"\x00" * 100)})
    client.post(url, {"file": SimpleUploadedFile("通知.docx", docx_bytes("春耕生产"))})
    assert list(item.attachments.values_list("file_type", flat=True)) == ["docx"]


def test_staff_record_a_channel_on_the_item_page(login, clerk, published):
    login(clerk).post(
        reverse("catalog_office:publication_add", args=[published.pk]),
        {"channel": "wechat", "published_on": "2024-02-21", "note": ""},
    )
    assert Publication.objects.filter(disclosure=published, channel=Channel.WECHAT).exists()


def test_a_reviewer_marks_a_document_repealed(login, reviewer, published):
    login(reviewer).post(
        reverse("catalog_office:validity", args=[published.pk]),
        {"validity": "repealed", "changed_on": "2024-06-01"},
    )
    published.refresh_from_db()
    assert published.repealed_on == datetime.date(2024, 6, 1)


def test_the_catalog_is_adopted_and_edited_in_the_office(login, admin, township):
    client = login(admin)
    client.post(reverse("catalog_office:catalog_adopt"))
    entry = CatalogEntry.objects.filter(organisation=township, level1="最低生活保障").first()
    assert entry is not None
    client.post(
        reverse("catalog_office:entry_edit", args=[entry.pk]),
        {
            "level1": "最低生活保障",
            "level2": "审核信息（村级）",
            "channels": ["notice_board", "website"],
            "levels": "乡级、村级",
            "audience": "specific_group",
            "mode": "proactive",
            "sort_order": 1,
        },
    )
    entry.refresh_from_db()
    assert entry.level2 == "审核信息（村级）" and entry.levels == ["乡级", "村级"]
    assert "审核信息（村级）" in client.get(reverse("catalog_office:catalog")).content.decode()


def test_a_readonly_viewer_cannot_adopt_the_catalog(login, county_viewer):
    assert login(county_viewer).post(reverse("catalog_office:catalog_adopt")).status_code == 403


ROSTER = [["户主姓名", "身份证号", "联系电话", "患病情况"], ["马永福", VALID_ID, "13912345678", "慢性病"]]


def test_list_publishing_previews_and_creates_a_posting_with_only_masked_columns(login, clerk):
    client = login(clerk)
    client.post(
        reverse("catalog_office:posting_upload"),
        {"file": SimpleUploadedFile("低保名单.xlsx", xlsx_bytes(ROSTER))},
    )
    page = client.get(reverse("catalog_office:posting_columns")).content.decode()
    assert "身份证号脱敏" in page
    form = {
        "title": "关于渠口乡2024年第二季度低保对象审批情况的公示",
        "written_on": "2024-06-20",
        "posting_days": 7,
        "col_0": "on",
        "mask_0": "keep",
        "col_1": "on",
        "mask_1": "id_number",
        "col_2": "on",
        "mask_2": "mobile",
        "col_3": "on",
        "mask_3": "drop",
    }
    preview = client.post(
        reverse("catalog_office:posting_columns"), {**form, "preview": "1"}
    ).content.decode()
    assert "11*************02X" in preview and VALID_ID not in preview and "慢性病" not in preview
    client.post(reverse("catalog_office:posting_columns"), {**form, "create": "1"})
    d = Disclosure.objects.get()
    assert d.kind == Kind.POSTING and d.posting_table["columns"] == ["户主姓名", "身份证号", "联系电话"]
    assert VALID_ID not in str(d.posting_table) and "13912345678" not in str(d.posting_table)


def test_an_admin_imports_published_items_dry_run_then_commit(login, admin):
    rows = [
        ["名称", "类别", "成文日期", "发布日期", "文号"],
        ["渠口乡2019年部门预算公开", "其他", "2019-02-01", "2019-02-20", ""],
        [
            "渠口乡人民政府关于做好2019年春耕生产工作的通知",
            "公文",
            "2019-03-01",
            "2019-03-05",
            "渠政发〔2019〕2号",
        ],
    ]
    client = login(admin)
    url = reverse("catalog_office:import")
    assert "直接记为已发布" in client.get(url).content.decode()
    upload = {"published": "on"}
    page = client.post(
        url, {"file": SimpleUploadedFile("历史信息.xlsx", xlsx_bytes(rows)), "dry_run": "1", **upload}
    )
    assert "全部可以导入" in page.content.decode() and not Disclosure.objects.exists()
    response = client.post(
        url, {"file": SimpleUploadedFile("历史信息.xlsx", xlsx_bytes(rows)), "commit": "1", **upload}
    )
    assert response.status_code == 302 and Disclosure.objects.filter(status=Status.PUBLISHED).count() == 2


def test_bulk_import_shows_row_errors(login, reviewer):
    rows = [["名称", "类别", "成文日期", "发布日期"], ["坏行", "新闻", "2019-02-01", "2019-02-20"]]
    page = login(reviewer).post(
        reverse("catalog_office:import"),
        {"file": SimpleUploadedFile("a.xlsx", xlsx_bytes(rows)), "commit": "1"},
    )
    assert "第2行" in page.content.decode() and not Disclosure.objects.exists()


def test_a_clerk_imports_drafts_and_cannot_choose_direct_publication(login, clerk):
    rows = [["名称", "类别", "成文日期"], ["渠口乡2019年部门预算公开", "其他", "2019-02-01"]]
    client = login(clerk)
    url = reverse("catalog_office:import")
    assert "直接记为已发布" not in client.get(url).content.decode()
    response = client.post(
        url, {"file": SimpleUploadedFile("a.xlsx", xlsx_bytes(rows)), "commit": "1", "published": "on"}
    )
    assert response.status_code == 302
    assert list(Disclosure.objects.values_list("status", flat=True)) == [Status.DRAFT]


def test_a_readonly_viewer_cannot_import(login, county_viewer):
    assert login(county_viewer).get(reverse("catalog_office:import")).status_code == 403


def test_an_admin_adds_and_deletes_a_local_holiday(login, admin, township):
    client = login(admin)
    client.post(
        reverse("catalog_office:calendar"), {"date": "2025-04-01", "is_workday": "0", "note": "本乡放假"}
    )
    override = CalendarOverride.objects.get(organisation=township)
    assert not override.is_workday
    client.post(reverse("catalog_office:calendar_delete", args=[override.pk]))
    assert not CalendarOverride.objects.exists()


def test_a_clerk_sees_the_calendar_but_cannot_change_it(login, clerk):
    client = login(clerk)
    assert client.get(reverse("catalog_office:calendar")).status_code == 200
    response = client.post(
        reverse("catalog_office:calendar"), {"date": "2025-04-01", "is_workday": "0", "note": "x"}
    )
    assert response.status_code == 403 and not CalendarOverride.objects.exists()


def test_the_office_menu_lists_the_disclosure_pages(login, clerk):
    page = login(clerk).get(reverse("office:dashboard")).content.decode()
    assert reverse("catalog_office:list") in page and reverse("catalog_office:calendar") in page
