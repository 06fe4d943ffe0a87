"""Villagers subscribe themselves on the portal (issue 13): the form, the SMS code through the township's own
SMS channel (6 digits, kept hashed, 10 minutes, 5 tries, resend after 60 s, hourly caps per number and per
address), the subscription with consent date and source 门户自助订阅, and unsubscribing in one confirmation."""

import datetime as dt
import re

import pytest
from channel_fakes import FakeSmsGateway, make_target
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.channels import services
from gongkai.channels.models import (
    ConsentSource,
    PhoneCheck,
    PhoneCheckPurpose,
    Subscriber,
    TargetKind,
    Topic,
)

pytestmark = pytest.mark.today("2024-05-06")
PHONE = "13912345678"


@pytest.fixture
def gateway():
    server = FakeSmsGateway().start()
    yield server
    server.stop()


@pytest.fixture
def code_target(township, gateway):
    return make_target(
        township,
        TargetKind.SMS_GATEWAY,
        "企信通",
        config={
            "base_url": gateway.url,
            "sign": "渠口乡",
            "template": "SMS_001",
            "code_template": "SMS_CODE",
        },
        secrets={"token": gateway.token},
    )


def sent_codes(gateway) -> list[tuple[list[str], str]]:
    """(numbers, code) of each verification SMS the gateway sent."""
    return [
        (s["body"]["mobiles"], s["body"]["params"]["code"])
        for s in gateway.sent.values()
        if s["body"]["template"] == "SMS_CODE"
    ]


def start(client, code="qukou", **fields):
    data = {"phone": PHONE, "village": "qukoucun", "topics": ["assistance", "subsidy"], "consent": "on"}
    data.update(fields)
    return client.post(reverse("channels_portal:subscribe", args=[code]), data)


def test_the_column_offers_subscription_only_where_the_township_has_an_sms_channel(
    client, township, village, gateway
):
    assert client.get("/org/qukou/subscribe/").status_code == 404
    assert "订阅短信提醒" not in client.get("/org/qukou/").content.decode()
    make_target(township, TargetKind.SMS_GATEWAY, "无验证码模板", config={"base_url": gateway.url})
    assert client.get("/org/qukou/subscribe/").status_code == 404  # no code template: cannot confirm numbers
    make_target(
        township,
        TargetKind.SMS_GATEWAY,
        "企信通",
        config={"base_url": gateway.url, "code_template": "SMS_CODE"},
    )
    assert 'href="/org/qukou/subscribe/"' in client.get("/org/qukou/").content.decode()
    # the village's column links to the form with the village chosen
    village_home = client.get("/org/qukoucun/").content.decode()
    assert 'href="/org/qukoucun/subscribe/"' in village_home
    page = client.get("/org/qukoucun/subscribe/").content.decode()
    assert re.search(r'<option value="qukoucun" selected>渠口乡渠口村</option>', page)
    assert "<legend>订阅内容" in page and "我同意渠口乡人民政府通过短信" in page
    for label in ("低保/救助", "补贴", "工程", "财务", "通知"):
        assert label in page


def test_a_villager_subscribes_with_the_code_sent_to_their_phone(
    client, township, village, code_target, gateway
):
    response = start(client, name="王秀兰")
    assert response.status_code == 302 and "/org/qukou/subscribe/confirm/?t=" in response["Location"]
    [(numbers, code)] = sent_codes(gateway)
    assert numbers == [PHONE] and re.fullmatch(r"\d{6}", code)
    request = gateway.requests[-1]
    assert request["headers"]["authorization"] == f"Bearer {gateway.token}"
    assert request["headers"]["idempotency-key"].startswith("code-")

    page = client.get(response["Location"]).content.decode()
    assert "139****5678" in page and PHONE not in page
    token = re.search(r'name="t" value="([^"]+)"', page).group(1)
    wrong = "000000" if code != "000000" else "111111"
    page = client.post(response["Location"], {"t": token, "code": wrong}).content.decode()
    assert "验证码不正确，还可以再试4次" in page
    assert not Subscriber.objects.exists()

    done = client.post(response["Location"], {"t": token, "code": code})
    text = done.content.decode()
    assert "订阅成功" in text and "139****5678" in text and "低保/救助、补贴" in text
    subscriber = Subscriber.objects.get()
    assert (subscriber.organisation, subscriber.name, subscriber.phone) == (village, "王秀兰", PHONE)
    assert subscriber.topics == [Topic.ASSISTANCE, Topic.SUBSIDY]
    assert (subscriber.consent_on, subscriber.consent_source) == (dt.date(2024, 5, 6), ConsentSource.PORTAL)
    with connection.cursor() as cursor:  # the number is stored encrypted, the code only hashed
        cursor.execute("SELECT phone FROM channels_subscriber")
        assert PHONE not in cursor.fetchone()[0]
        cursor.execute("SELECT phone, code_hash FROM channels_phonecheck")
        stored_phone, stored_code = cursor.fetchone()
        assert PHONE not in stored_phone and code not in stored_code
    event = AuditEvent.objects.get(action="channels.subscriber_add")
    assert event.after["phone"] == "139****5678" and "我同意渠口乡人民政府" in event.after["consent"]
    # the code is spent
    again = client.post(response["Location"], {"t": token, "code": code}).content.decode()
    assert "验证码已失效，请重新获取" in again
    # the next SMS of the township goes to them
    assert services.subscriber_numbers(township, topics=(Topic.ASSISTANCE,)) == [PHONE]
    assert services.subscriber_numbers(township, topics=(Topic.PROJECT,)) == []


def test_plain_chinese_errors_and_nothing_sent(client, township, village, code_target, gateway):
    page = start(client, topics=[], consent="").content.decode()
    assert "请至少选择一项订阅内容" in page and "请阅读并勾选同意后再获取验证码" in page
    page = start(client, phone="12912345678").content.decode()
    assert "请填写正确的11位手机号码" in page
    page = start(client, village="").content.decode()
    assert "请选择您所在的村（社区）" in page
    assert gateway.requests == []
    start(client, phone="139 1234 5678")  # spaces are fine
    assert sent_codes(gateway)[0][0] == [PHONE]


def _send(township, village, now, address="10.0.0.1", phone=PHONE):
    return services.phone_check_send(
        township=township,
        purpose=PhoneCheckPurpose.SUBSCRIBE,
        phone=phone,
        village=village,
        topics=[Topic.NOTICE],
        address=address,
        now=now,
    )


def test_resend_waits_60_seconds_and_codes_are_capped_per_number_and_address(township, village, code_target):
    now = timezone.now()
    _send(township, village, now)
    with pytest.raises(services.ChannelError, match="请\\d+秒后再重新获取"):
        _send(township, village, now + dt.timedelta(seconds=30))
    for minute in range(1, 5):
        _send(township, village, now + dt.timedelta(minutes=minute))
    with pytest.raises(services.ChannelError, match="该号码获取验证码次数过多"):
        _send(township, village, now + dt.timedelta(minutes=6))
    _send(township, village, now + dt.timedelta(minutes=61))  # an hour later
    later = now + dt.timedelta(minutes=62)
    for i in range(services.CODES_PER_ADDRESS_HOUR):  # ten numbers from one address
        _send(township, village, later, phone=f"137000000{i:02d}", address="10.0.0.9")
    with pytest.raises(services.ChannelError, match="同一网络地址获取验证码过于频繁"):
        _send(township, village, later, phone="13700000099", address="10.0.0.9")
    _send(township, village, later, phone="13700000099", address="10.0.0.2")


def _code(gateway, n=-1) -> str:
    return sent_codes(gateway)[n][1]


def test_a_code_expires_after_10_minutes_and_allows_5_tries(township, village, code_target, gateway):
    now = timezone.now()
    check = _send(township, village, now)
    code = _code(gateway)
    with pytest.raises(services.ChannelError, match="验证码已过期"):
        services.phone_check_confirm(
            check_id=check.pk, township=township, code=code, now=now + dt.timedelta(minutes=10)
        )
    check = _send(township, village, now + dt.timedelta(minutes=11))
    code = _code(gateway)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(services.ChannelError, match=f"还可以再试{left}次"):
            services.phone_check_confirm(check_id=check.pk, township=township, code=wrong)
    with pytest.raises(services.ChannelError, match="错误次数过多"):
        services.phone_check_confirm(check_id=check.pk, township=township, code=wrong)
    with pytest.raises(services.ChannelError, match="错误次数过多"):
        services.phone_check_confirm(check_id=check.pk, township=township, code=code)
    assert PhoneCheck.objects.get(pk=check.pk).tries == 5 and not Subscriber.objects.exists()
    with pytest.raises(services.ChannelError, match="6位数字"):
        services.phone_check_confirm(check_id=check.pk, township=township, code="12ab")


def test_a_failed_sms_is_said_plainly(township, village):
    make_target(
        township,
        TargetKind.SMS_GATEWAY,
        "坏网关",
        config={"base_url": "http://127.0.0.1:9", "template": "T", "code_template": "C"},
        secrets={"token": "x"},
    )
    with pytest.raises(services.ChannelError, match="短信发送失败，请稍后再试"):
        _send(township, village, timezone.now())
    assert PhoneCheck.objects.get().used_at is not None  # never usable, still counted


def _subscribe(township, village, gateway, phone=PHONE, topics=(Topic.ASSISTANCE,)):
    check = services.phone_check_send(
        township=township, purpose=PhoneCheckPurpose.SUBSCRIBE, phone=phone, village=village, topics=topics
    )
    subscriber = services.phone_check_confirm(check_id=check.pk, township=township, code=_code(gateway))
    PhoneCheck.objects.update(sent_at=timezone.now() - dt.timedelta(minutes=2))  # past the 60 s wait
    return subscriber


def test_unsubscribe_with_phone_and_code_in_one_confirmation(client, township, village, code_target, gateway):
    _subscribe(township, village, gateway)
    page = client.post("/org/qukou/unsubscribe/", {"phone": "13800000000"}).content.decode()
    assert "该号码没有订阅本乡镇的短信提醒" in page
    response = client.post("/org/qukou/unsubscribe/", {"phone": PHONE})
    assert "/org/qukou/unsubscribe/confirm/?t=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    token = re.search(r'name="t" value="([^"]+)"', page).group(1)
    assert "确认退订" in page
    done = client.post(response["Location"], {"t": token, "code": _code(gateway)}).content.decode()
    assert "已退订" in done and "139****5678" in done
    assert Subscriber.objects.get().opted_out_at is not None
    assert services.subscriber_numbers(township) == []
    PhoneCheck.objects.update(sent_at=timezone.now() - dt.timedelta(minutes=2))
    # subscribing again works and renews the consent
    _subscribe(township, village, gateway)
    subscriber = Subscriber.objects.get()
    assert subscriber.opted_out_at is None and subscriber.consent_source == ConsentSource.PORTAL


def test_the_signed_link_shown_on_subscribing_unsubscribes_in_one_step(
    client, township, village, code_target, gateway
):
    start(client)
    location = reverse("channels_portal:subscribe_confirm", args=["qukou"])
    check = PhoneCheck.objects.get()
    from django.core import signing

    token = signing.dumps(check.pk, salt="gongkai.channels.phone-check")
    done = client.post(location, {"t": token, "code": _code(gateway)}).content.decode()
    link = re.search(r'href="http://testserver(/org/qukou/unsubscribe/\?s=[^"]+)"', done).group(1)
    confirm = client.get(link.replace("&amp;", "&")).content.decode()
    assert "139****5678" in confirm and "确认退订" in confirm
    assert Subscriber.objects.get().opted_out_at is None  # looking does not unsubscribe
    signed = re.search(r'name="s" value="([^"]+)"', confirm).group(1)
    done = client.post("/org/qukou/unsubscribe/", {"s": signed}).content.decode()
    assert "已退订" in done
    assert Subscriber.objects.get().opted_out_at is not None
    forged = client.get("/org/qukou/unsubscribe/?s=" + signed[:-2] + "xx").content.decode()
    assert "退订链接无效" in forged


def test_a_village_of_another_township_cannot_be_chosen(township, village, other_township, code_target):
    from gongkai.orgs.models import OrgKind
    from gongkai.orgs.services import org_insert

    foreign = org_insert(parent=other_township, kind=OrgKind.VILLAGE, name="通伏乡通伏村", code="tongfucun")
    with pytest.raises(services.ChannelError, match="请选择您所在的村"):
        _send(township, foreign, timezone.now())


def test_the_unsubscribe_page_of_a_notice_sms_answers_where_no_codes_are_sent(
    client, township, village, gateway
):
    make_target(township, TargetKind.SMS_GATEWAY, "企信通", config={"base_url": gateway.url, "template": "T"})
    page = client.get("/org/qukoucun/unsubscribe/")
    assert page.status_code == 200
    assert "本乡镇暂未开通网上退订，请致电0952-6860685" in page.content.decode()
    assert client.get("/org/qukou/subscribe/").status_code == 404


def test_every_notice_sms_carries_the_unsubscribe_page(publish, township, village, code_target, gateway):
    services.subscriber_add(
        organisation=village,
        actor=None,
        name="张三",
        phone=PHONE,
        topics=[Topic.ASSISTANCE],
        consent_on=dt.date(2024, 5, 1),
        consent_source=ConsentSource.WRITTEN,
    )
    item = publish(village, "关于渠口村2024年农村低保对象的公示", kind="posting")
    item_township = publish(township, "关于2024年农村低保对象的公示", kind="posting")
    from gongkai.catalog.services import channel_item

    assert channel_item(item).unsubscribe_url.endswith("/org/qukou/unsubscribe/")  # the village's township
    services.dispatch_run_once(worker="w")
    [notice] = [s["body"] for s in gateway.sent.values() if s["body"]["template"] == "SMS_001"]
    assert notice["mobiles"] == [PHONE]
    assert notice["params"]["url"].endswith(f"/item/{item_township.pk}/")
    assert notice["params"]["unsub"].endswith("/org/qukou/unsubscribe/")
