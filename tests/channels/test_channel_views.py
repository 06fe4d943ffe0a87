"""The channel board, confirmation, printable notices, channel settings and the LED feed: happy path, anonymous,
staff of another township, wrong method."""

import datetime as dt
import json

import pytest
from channel_fakes import make_target
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.audit.models import AuditEvent
from gongkai.channels import services
from gongkai.channels.models import Channel, ChannelTarget, Dispatch, DispatchStatus, Publication, TargetKind

pytestmark = pytest.mark.today("2024-05-06")


@pytest.fixture
def board_send(publish, township):
    make_target(township, TargetKind.NOTICE_BOARD, "渠口村公告栏")
    item = publish(township, "关于渠口村低保对象的公示", kind="posting", body="<p>名单如下。</p>")
    services.dispatch_run_once(worker="w")
    return Dispatch.objects.get(disclosure=item, target__kind=TargetKind.NOTICE_BOARD)


@pytest.fixture
def dead_send(township):
    target = make_target(
        township, TargetKind.WECOM_ROBOT, "干部群", config={"api_base": "http://127.0.0.1:9"}
    )
    from gongkai.channels.adapters import Item

    dispatch = services.dispatch_enqueue(
        organisation=township, target=target, item=Item(id=1, title="通知", url="u", organisation="o")
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(status=DispatchStatus.DEAD, last_error="无法连接")
    return Dispatch.objects.get(pk=dispatch.pk)


def test_the_board_shows_sends_by_channel_and_status(login, clerk, board_send, dead_send):
    response = login(clerk).get(reverse("channels_office:board"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "关于渠口村低保对象的公示" in text and "渠口村公告栏" in text
    assert "失败待处理" in text and "无法连接" in text and "重试" in text


def test_the_board_needs_a_login(client):
    response = client.get(reverse("channels_office:board"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_board_refuses_post(login, clerk):
    assert login(clerk).post(reverse("channels_office:board")).status_code == 405


def test_the_board_of_another_township_does_not_show_our_sends(login, other_township_clerk, board_send):
    response = login(other_township_clerk).get(reverse("channels_office:board"))
    assert "关于渠口村低保对象的公示" not in response.content.decode()


def test_a_dead_send_is_retried_from_the_office(login, clerk, dead_send):
    response = login(clerk).post(reverse("channels_office:retry", args=[dead_send.pk]))
    assert response.status_code == 302
    dead_send.refresh_from_db()
    assert dead_send.status == DispatchStatus.PENDING and dead_send.attempts == 0
    assert AuditEvent.objects.filter(action="channels.dispatch_retry").count() == 1


def test_another_townships_staff_cannot_retry(login, other_township_clerk, dead_send):
    assert (
        login(other_township_clerk).post(reverse("channels_office:retry", args=[dead_send.pk])).status_code
        == 404
    )
    dead_send.refresh_from_db()
    assert dead_send.status == DispatchStatus.DEAD


def test_retry_refuses_get_and_anonymous(login, client, clerk, dead_send):
    url = reverse("channels_office:retry", args=[dead_send.pk])
    assert client.post(url).status_code == 302
    assert login(clerk).get(url).status_code == 405


def test_staff_confirm_a_notice_with_a_photo_and_it_counts(login, clerk, board_send):
    photo = SimpleUploadedFile(
        "board.gif",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        content_type="image/gif",
    )
    response = login(clerk).post(
        reverse("channels_office:confirm", args=[board_send.pk]),
        {"confirmed_on": "2024-05-06", "note": "已张贴", "photo": photo},
    )
    assert response.status_code == 302
    board_send.refresh_from_db()
    assert board_send.status == DispatchStatus.CONFIRMED and board_send.confirmed_by == clerk
    assert board_send.photo.name
    assert Publication.objects.get(
        disclosure_id=board_send.disclosure_id, channel=Channel.NOTICE_BOARD
    ).published_on == dt.date(2024, 5, 6)


def test_a_confirmation_cannot_be_dated_in_the_future(login, clerk, board_send):
    login(clerk).post(
        reverse("channels_office:confirm", args=[board_send.pk]), {"confirmed_on": "2024-05-09"}
    )
    board_send.refresh_from_db()
    assert board_send.status == DispatchStatus.SUBMITTED


def test_another_townships_staff_cannot_confirm(login, other_township_clerk, board_send):
    url = reverse("channels_office:confirm", args=[board_send.pk])
    assert login(other_township_clerk).post(url, {"confirmed_on": "2024-05-06"}).status_code == 404


def test_the_notice_prints_as_a_pdf(login, clerk, board_send):
    response = login(clerk).get(reverse("channels_office:material", args=[board_send.pk]) + "?size=A3")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    batch = login(clerk).get(reverse("channels_office:notices_batch"))
    assert batch.status_code == 200 and batch.content.startswith(b"%PDF")


def test_the_notice_is_not_printed_for_another_township(login, other_township_clerk, board_send):
    assert (
        login(other_township_clerk).get(reverse("channels_office:material", args=[board_send.pk])).status_code
        == 404
    )


def test_settings_show_credentials_masked_and_keep_them_when_left_blank(login, admin, township):
    client = login(admin)
    response = client.post(
        reverse("channels_office:target_create"),
        {
            "kind": TargetKind.WECHAT,
            "name": "渠口乡发布",
            "enabled": "on",
            "default_on": "on",
            "config": json.dumps({"appid": "wx123"}),
            "secrets": json.dumps({"secret": "abcdef0123456789secret"}),
        },
    )
    assert response.status_code == 302
    target = ChannelTarget.objects.get(name="渠口乡发布")
    assert json.loads(target.secrets) == {"secret": "abcdef0123456789secret"}
    page = client.get(reverse("channels_office:targets")).content.decode()
    assert "abcdef0123456789secret" not in page and "ab" in page
    form = client.get(reverse("channels_office:target_edit", args=[target.pk])).content.decode()
    assert "abcdef0123456789secret" not in form
    client.post(
        reverse("channels_office:target_edit", args=[target.pk]),
        {"kind": TargetKind.WECHAT, "name": "渠口乡发布", "config": "{}", "secrets": ""},
    )
    target.refresh_from_db()
    assert json.loads(target.secrets) == {"secret": "abcdef0123456789secret"}
    event = AuditEvent.objects.filter(action="channels.target_save").last()
    assert "abcdef0123456789secret" not in json.dumps(event.after, ensure_ascii=False)


def test_only_administrators_change_settings(login, clerk, other_township_admin, township):
    target = make_target(township, TargetKind.WECOM_ROBOT, "干部群")
    assert login(clerk).get(reverse("channels_office:target_create")).status_code == 403
    assert (
        login(other_township_admin).get(reverse("channels_office:target_edit", args=[target.pk])).status_code
        == 404
    )


def test_an_administrator_unblocks_a_channel(login, admin, township, client):
    target = make_target(township, TargetKind.WECHAT, "渠口乡发布")
    ChannelTarget.objects.filter(pk=target.pk).update(
        blocked_at=dt.datetime(2024, 5, 6, tzinfo=dt.UTC), blocked_reason="45009"
    )
    url = reverse("channels_office:target_unblock", args=[target.pk])
    assert login(admin).get(url).status_code == 405
    assert login(admin).post(url).status_code == 302
    target.refresh_from_db()
    assert target.blocked_at is None


def test_the_led_feed_lists_a_posting_until_its_period_ends(publish, township, client, time_machine):
    screen = make_target(
        township,
        TargetKind.LED_SCREEN,
        "乡政府门口电子屏",
        config={"max_chars": 40, "width": 128, "height": 32},
    )
    item = publish(township, "关于渠口村低保对象的公示", kind="posting", posting_days=5)
    services.dispatch_run_once(worker="w")
    time_machine.move_to(dt.datetime(2024, 5, 8, 10, tzinfo=dt.UTC))
    feed = client.get(reverse("channels_portal:led_feed", args=[screen.pk, "json"])).json()
    assert len(feed["lines"]) == 1 and "关于渠口村低保对象的公示" in feed["lines"][0]
    assert all(len(line) <= 40 for line in feed["lines"])
    assert (
        client.get(reverse("channels_portal:led_feed", args=[screen.pk, "png"]))["Content-Type"]
        == "image/png"
    )
    item.refresh_from_db()
    after = item.posting_ends_on + dt.timedelta(days=1)
    time_machine.move_to(dt.datetime(after.year, after.month, after.day, 10, tzinfo=dt.UTC))
    assert client.get(reverse("channels_portal:led_feed", args=[screen.pk, "txt"])).content == b""
    assert client.post(reverse("channels_portal:led_feed", args=[screen.pk, "txt"])).status_code == 405


def test_staff_register_a_subscriber_and_see_the_number_masked(login, clerk, village):
    client = login(clerk)
    response = client.post(
        reverse("channels_office:subscribers"),
        {
            "organisation": village.pk,
            "name": "张三",
            "phone": "13800000001",
            "topics": ["assistance"],
            "consent_on": "2024-05-01",
            "consent_source": "written",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("channels_office:subscribers")).content.decode()
    assert "138****0001" in page and "13800000001" not in page and "低保/救助" in page


def test_subscribers_need_a_login_and_stay_in_their_township(login, client, other_township_clerk, village):
    from gongkai.channels.models import ConsentSource

    subscriber = services.subscriber_add(
        organisation=village,
        actor=None,
        name="张三",
        phone="13800000001",
        consent_on=dt.date(2024, 5, 1),
        consent_source=ConsentSource.WRITTEN,
    )
    assert client.get(reverse("channels_office:subscribers")).status_code == 302
    page = login(other_township_clerk).get(reverse("channels_office:subscribers")).content.decode()
    assert "张三" not in page
    url = reverse("channels_office:subscriber_opt_out", args=[subscriber.pk])
    assert login(other_township_clerk).post(url).status_code == 404
    assert login(other_township_clerk).get(url).status_code == 405


def test_staff_opt_a_subscriber_out(login, clerk, village):
    from gongkai.channels.models import ConsentSource, Subscriber

    subscriber = services.subscriber_add(
        organisation=village,
        actor=None,
        name="张三",
        phone="13800000001",
        consent_on=dt.date(2024, 5, 1),
        consent_source=ConsentSource.WRITTEN,
    )
    assert (
        login(clerk).post(reverse("channels_office:subscriber_opt_out", args=[subscriber.pk])).status_code
        == 302
    )
    assert Subscriber.objects.get(pk=subscriber.pk).opted_out_at is not None
