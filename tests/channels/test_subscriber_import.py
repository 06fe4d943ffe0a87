"""XLSX import of SMS subscribers: the template, the upload's checks, the dry run listing every row's problems and
what it would create or update (writing nothing), and 确认导入 in one transaction with one audit row; numbers
encrypted and shown masked; staff of another township and read-only staff cannot import into our villages."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.channels import services, subscriber_import
from gongkai.channels.models import ConsentSource, Subscriber

pytestmark = pytest.mark.today("2024-05-06")
HEADERS = ["姓名", "手机号", "村", "订阅内容", "同意日期", "来源"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT = reverse("channels_sms:import")


def workbook(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name="订阅人.xlsx", content_type=XLSX):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def existing(village):
    return services.subscriber_add(
        organisation=village,
        actor=None,
        name="老王",
        phone="13700000007",
        topics=["notice"],
        consent_on=dt.date(2024, 1, 2),
        consent_source=ConsentSource.WRITTEN,
    )


@pytest.fixture
def opted_out(village):
    subscriber = services.subscriber_add(
        organisation=village,
        actor=None,
        name="赵六",
        phone="13600000006",
        consent_on=dt.date(2024, 1, 2),
        consent_source=ConsentSource.WRITTEN,
    )
    services.subscriber_opt_out(organisation=village, phone="13600000006", actor=None)
    return subscriber


ROWS = [
    ["张三", "13800000001", "渠口村", "低保/救助、补贴", dt.datetime(2024, 5, 1), "书面登记"],  # 2 create
    ["老王", 13700000007, "渠口乡渠口村", "", "2024/4/30", ""],  # 3 update (number cell, full name)
    ["李四", "1380000000", "渠口村", "", "2024-05-01", ""],  # 4 bad phone
    ["王五", "13900000003", "红星村", "", "2024-05-01", ""],  # 5 unknown village
    ["张三", "13800000001", "渠口村", "", "2024-05-01", ""],  # 6 duplicate of 2
    ["孙七", "13500000005", "渠口村", "", None, ""],  # 7 no consent date
    ["周八", "13400000004", "渠口村", "彩票", "2024-05-01", "电话"],  # 8 unknown topic and source
    ["赵六", "13600000006", "渠口村", "", "2024-01-03", ""],  # 9 opted out after this consent
    ["吴九", "13300000003", "渠口村", "", "2099-01-01", ""],  # 10 consent in the future
    [None, None, None, None, None, None],  # a blank line: skipped silently
]


def test_the_template_downloads_with_the_header_row(login, clerk):
    response = login(clerk).get(reverse("channels_sms:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    rows = subscriber_import.read_workbook(response.content)  # the example row reads back
    assert rows[0].name == "张三" and rows[0].phone == "13800000000"


def test_the_dry_run_lists_every_problem_and_writes_nothing(login, clerk, village, existing, opted_out):
    client = login(clerk)
    before = (Subscriber.objects.count(), AuditEvent.objects.count())
    page = client.post(IMPORT, {"file": upload(workbook(ROWS))})
    assert page.status_code == 200
    html = page.content.decode()
    assert "共 9 行：新增 1 人，更新 1 人，不导入 7 行。" in html
    for problem in (
        "手机号“138***0000”不是11位手机号码",
        "村“红星村”不在本机构或其下级中",
        "与第 2 行重复（同一村同一号码）",
        "缺少同意日期",
        "订阅内容“彩票”无法识别",
        "来源“电话”无法识别",
        "该号码已于 2024-05-06 退订，需退订后本人重新同意",
        "同意日期晚于今天",
    ):
        assert problem in html, problem
    assert "138****0001" in html and "13800000001" not in html  # masked in the page
    assert (Subscriber.objects.count(), AuditEvent.objects.count()) == before
    assert 'name="payload"' in html and "13800000001" not in html


def test_confirming_imports_in_one_transaction_with_one_audit_row(login, clerk, village, existing, opted_out):
    client = login(clerk)
    page = client.post(IMPORT, {"file": upload(workbook(ROWS))}).content.decode()
    payload = page.split('name="payload" value="', 1)[1].split('"', 1)[0]
    response = client.post(IMPORT, {"confirm": "1", "payload": payload})
    assert response.status_code == 302 and response["Location"] == reverse("channels_office:subscribers")
    created = Subscriber.objects.get(name="张三")
    assert created.organisation == village and created.topics == ["assistance", "subsidy"]
    assert created.consent_on == dt.date(2024, 5, 1) and created.consent_source == ConsentSource.WRITTEN
    updated = Subscriber.objects.get(pk=existing.pk)
    assert updated.consent_on == dt.date(2024, 4, 30) and updated.consent_source == ConsentSource.IMPORT
    assert updated.topics == []
    assert Subscriber.objects.get(pk=opted_out.pk).opted_out_at is not None  # not subscribed again
    assert Subscriber.objects.count() == 3
    [event] = AuditEvent.objects.filter(action="channels.subscribers_import")
    assert event.after["created"] == 1 and event.after["updated"] == 1
    assert event.after["skipped_lines"] == [4, 5, 6, 7, 8, 9, 10]
    assert "1380000" not in json.dumps(event.after)
    with connection.cursor() as cursor:  # the number is stored encrypted
        cursor.execute("SELECT phone FROM channels_subscriber WHERE id = %s", [created.pk])
        assert "13800000001" not in cursor.fetchone()[0]
    listing = client.get(reverse("channels_office:subscribers")).content.decode()
    assert "138****0001" in listing and "13800000001" not in listing


def test_a_consent_given_after_the_opt_out_subscribes_again(login, clerk, village, opted_out):
    Subscriber.objects.filter(pk=opted_out.pk).update(
        opted_out_at=timezone.make_aware(dt.datetime(2024, 5, 1, 9))
    )
    rows = [["赵六", "13600000006", "渠口村", "", timezone.localdate().isoformat(), "现场登记"]]
    plan = services.subscribers_import_plan(
        organisation=village.parent, rows=subscriber_import.read_workbook(workbook(rows))
    )
    [line] = plan.lines
    assert line.action == "update" and not line.problems


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: upload(b"PK\x03\x04", name="订阅人.xls"), "仅支持 .xlsx"),
        (lambda: upload(b"not a zip at all", name="a.xlsx"), "不是 XLSX 工作簿"),
        (lambda: upload(b"PK\x03\x04" + b"0" * (1024 * 1024), name="a.xlsx"), "文件过大"),
        (lambda: upload(workbook([], ["姓名", "电话"])), "缺少：手机号、村、订阅内容、同意日期、来源"),
        (lambda: upload(workbook([])), "表头以下没有数据行"),
        (lambda: upload(workbook([["a"]]), content_type="text/csv"), "文件类型不是 XLSX"),
    ],
)
def test_the_upload_is_checked(login, clerk, make, error):
    page = login(clerk).post(IMPORT, {"file": make()}).content.decode()
    assert error in page
    assert 'name="payload"' not in page


def test_a_changed_or_expired_payload_is_refused(login, clerk, village, time_machine):
    client = login(clerk)
    page = client.post(IMPORT, {"file": upload(workbook(ROWS[:1]))}).content.decode()
    payload = page.split('name="payload" value="', 1)[1].split('"', 1)[0]
    forged = payload[:-6] + ("AAAAAA" if payload[-6:] != "AAAAAA" else "BBBBBB")
    assert "已过期或无效" in client.post(IMPORT, {"confirm": "1", "payload": forged}).content.decode()
    time_machine.move_to(timezone.now() + dt.timedelta(hours=2))
    client = login(clerk)  # the staff session itself has lapsed by then
    assert "已过期或无效" in client.post(IMPORT, {"confirm": "1", "payload": payload}).content.decode()
    assert not Subscriber.objects.exists()


def test_staff_of_another_township_cannot_import_into_our_villages(login, other_township_clerk, village):
    page = login(other_township_clerk).post(IMPORT, {"file": upload(workbook(ROWS[:1]))}).content.decode()
    assert "村“渠口村”不在本机构或其下级中" in page
    assert "确认导入</button>" not in page


def test_read_only_staff_and_anonymous_cannot_import(client, login, county_viewer):
    assert client.get(IMPORT).status_code == 302
    assert client.get(reverse("channels_sms:import_template")).status_code == 302
    assert login(county_viewer).get(IMPORT).status_code == 403


def test_applying_a_plan_outside_the_organisation_is_refused(township, other_township, clerk, village):
    rows = subscriber_import.read_workbook(workbook(ROWS[:1]))
    plan = services.subscribers_import_plan(organisation=township, rows=rows)
    with pytest.raises(services.ChannelError):
        services.subscribers_import_apply(organisation=other_township, actor=clerk, plan=plan)
    assert not Subscriber.objects.exists()
