"""One item approved in the office reaches every channel in that one action: the portal shows it; the fake
WeChat server gets exactly one draft and one publish and the article URL is kept; the robot and the SMS gateway
each get exactly one correct, signed request; the notice prints with a QR code of the item's URL; the LED feed
lists it; each confirmed send is a channel record of the annual report."""

import datetime as dt
import io

import pypdfium2
import pytest
import zxingcpp
from channel_fakes import FakeRobots, FakeSmsGateway, FakeWeChat, make_target
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog import services as catalog_services
from gongkai.channels import services
from gongkai.channels.models import Channel, ConsentSource, Dispatch, DispatchStatus, Publication, TargetKind

pytestmark = pytest.mark.today("2024-05-06")


@pytest.fixture
def fakes():
    servers = {
        "wechat": FakeWeChat().start(),
        "robots": FakeRobots().start(),
        "sms": FakeSmsGateway().start(),
    }
    yield servers
    for server in servers.values():
        server.stop()


def _drain(rounds=6):
    for _ in range(rounds):
        Dispatch.objects.exclude(status__in=(DispatchStatus.CONFIRMED, DispatchStatus.DEAD)).update(
            next_attempt_at=timezone.now()
        )
        services.dispatch_run_once(worker="w")


def test_one_approval_reaches_every_channel_once(
    login, client, clerk, reviewer, admin, township, village, fakes
):
    wechat, robots, sms = fakes["wechat"], fakes["robots"], fakes["sms"]
    make_target(
        township,
        TargetKind.WECHAT,
        "渠口乡发布",
        config={"api_base": wechat.url, "appid": wechat.appid},
        secrets={"secret": wechat.secret},
    )
    make_target(
        township,
        TargetKind.DINGTALK_ROBOT,
        "村务钉钉群",
        config={"api_base": robots.url},
        secrets={"access_token": robots.ding_token, "secret": robots.ding_secret},
    )
    make_target(
        township,
        TargetKind.SMS_GATEWAY,
        "企信通",
        config={"base_url": sms.url, "template": "SMS_001", "sign": "渠口乡"},
        secrets={"token": sms.token},
    )
    make_target(township, TargetKind.NOTICE_BOARD, "乡政府公开栏")
    screen = make_target(township, TargetKind.LED_SCREEN, "门口电子屏")
    services.subscriber_add(
        organisation=village,
        actor=None,
        name="张三",
        phone="13800000001",
        topics=["assistance"],
        consent_on=dt.date(2024, 5, 1),
        consent_source=ConsentSource.WRITTEN,
    )
    draft = catalog_services.disclosure_create(
        organisation=township,
        actor=clerk,
        title="关于渠口村2024年农村低保对象的公示",
        kind="posting",
        posting_days=5,
        written_on=dt.date(2024, 5, 6),
        body="<p>经村民代表会议评议，现予公示。</p>",
    )
    catalog_services.disclosure_submit(disclosure=draft, actor=clerk)
    catalog_services.disclosure_review_pass(disclosure=draft, actor=reviewer)

    response = login(admin).post(reverse("catalog_office:transition", args=[draft.pk, "approve"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    url = f"/item/{draft.pk}/"
    assert draft.title in client.get(url).content.decode()  # the portal shows it

    _drain()
    rows = {d.target.kind: d for d in Dispatch.objects.filter(disclosure=draft).select_related("target")}
    assert {k: d.status for k, d in rows.items()} == {
        TargetKind.WEBSITE: DispatchStatus.CONFIRMED,
        TargetKind.WECHAT: DispatchStatus.CONFIRMED,
        TargetKind.DINGTALK_ROBOT: DispatchStatus.CONFIRMED,
        TargetKind.SMS_GATEWAY: DispatchStatus.CONFIRMED,
        TargetKind.NOTICE_BOARD: DispatchStatus.SUBMITTED,  # waiting for staff to put it up
        TargetKind.LED_SCREEN: DispatchStatus.SUBMITTED,
    }
    assert (wechat.calls("/cgi-bin/draft/add"), wechat.calls("/cgi-bin/freepublish/submit")) == (1, 1)
    assert rows[TargetKind.WECHAT].receipt["article_url"].startswith("https://mp.weixin.qq.com/s/")
    assert len(robots.messages) == 1 and url in robots.messages[0]["body"]["markdown"]["text"]
    assert [r["path"] for r in sms.requests] == ["/send"]
    [sent] = sms.sent.values()
    assert (
        sent["body"]["mobiles"] == ["13800000001"]
        and sent["body"]["out_id"] == rows[TargetKind.SMS_GATEWAY].key
    )

    clerk_client = login(clerk)
    notice = clerk_client.get(reverse("channels_office:material", args=[rows[TargetKind.NOTICE_BOARD].pk]))
    page = pypdfium2.PdfDocument(io.BytesIO(notice.content))[0].render(scale=3).to_pil()
    [qr] = zxingcpp.read_barcodes(page)
    assert qr.text.endswith(url)
    feed = client.get(reverse("channels_portal:led_feed", args=[screen.pk, "json"])).json()
    assert feed["lines"] == []  # the 公示 starts the day after publication
    clerk_client.post(
        reverse("channels_office:confirm", args=[rows[TargetKind.NOTICE_BOARD].pk]),
        {"confirmed_on": "2024-05-06"},
    )

    channels = set(Publication.objects.filter(disclosure=draft).values_list("channel", flat=True))
    assert channels == {
        Channel.WEBSITE,
        Channel.WECHAT,
        Channel.WORK_GROUP,
        Channel.SMS,
        Channel.NOTICE_BOARD,
    }
