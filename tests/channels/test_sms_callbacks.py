"""SMS callbacks as the vendors push them (JSON bodies exactly as their documents give them, posted to our public
addresses): delivery reports confirm or fail a send — once, however often they are pushed — and unblock a send
whose result was unknown; a reply keyword ends a subscription. The sends themselves go to the fake Aliyun and
Tencent servers on 127.0.0.1 of channel_fakes (signatures checked there).

Formats: Aliyun SmsReport https://help.aliyun.com/zh/sms/developer-reference/smsreport-2 and SmsUp
https://help.aliyun.com/zh/sms/developer-reference/smsup-http; Tencent 短信下发状态通知
https://cloud.tencent.com/document/api/382/5807 and 短信回复 https://cloud.tencent.com/document/api/382/5809.
"""

import datetime as dt
import json

import pytest
from channel_fakes import FakeTencentSms, make_target
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.audit.models import AuditEvent
from gongkai.channels import services
from gongkai.channels.adapters import Item
from gongkai.channels.adapters.sms import AliyunSms
from gongkai.channels.models import (
    Channel,
    Dispatch,
    DispatchAttempt,
    DispatchStatus,
    OptOutSource,
    Publication,
    Subscriber,
    TargetKind,
)

pytestmark = pytest.mark.today("2024-05-06")

ITEM = Item(
    id=9,
    title="关于渠口村2024年低保对象的公示",
    url="https://gk.example.cn/item/9/",
    organisation="渠口乡人民政府",
    topics=("assistance",),
)
PHONES = ("13800000001", "13900000002")


@pytest.fixture
def aliyun_target(township, aliyun):
    return make_target(
        township,
        TargetKind.SMS_ALIYUN,
        "阿里云短信",
        config={"endpoint": aliyun.url, "sign": "渠口乡", "template": "SMS_154950909"},
        secrets={"access_key_id": aliyun.key_id, "access_key_secret": aliyun.secret},
    )


@pytest.fixture
def tencent(township):
    server = FakeTencentSms().start()
    target = make_target(
        township,
        TargetKind.SMS_TENCENT,
        "腾讯云短信",
        config={
            "endpoint": server.url,
            "sdk_app_id": server.sdk_app_id,
            "sign": "渠口乡",
            "template": "1234567",
        },
        secrets={"secret_id": server.secret_id, "secret_key": server.secret_key},
    )
    yield server, target
    server.stop()


@pytest.fixture
def subscribers(village):
    return [
        services.subscriber_add(
            organisation=village,
            actor=None,
            name=name,
            phone=phone,
            topics=["assistance"],
            consent_on=dt.date(2024, 5, 1),
            consent_source="written",
        )
        for name, phone in zip(("张三", "李四"), PHONES, strict=True)
    ]


def vendor():
    """The vendor's side: no session, no cookie, and Django's CSRF check enforced as in production."""
    return Client(enforce_csrf_checks=True)


def push(url, body):
    return vendor().post(url, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def urls(target):
    token = services.sms_callback_token(target)
    return (
        reverse("channels_callbacks:report", args=[target.pk, token]),
        reverse("channels_callbacks:reply", args=[target.pk, token]),
    )


def aliyun_report(dispatch, phone, success=True, code="DELIVERED"):
    return {
        "phone_number": phone,
        "send_time": "2024-05-06 10:00:00",
        "report_time": "2024-05-06 10:00:05",
        "success": success,
        "err_code": code,
        "err_msg": "用户接收成功" if success else "失败",
        "sms_size": "1",
        "biz_id": dispatch.external_id,
        "out_id": dispatch.key,
    }


def _submitted(target):
    dispatch = services.dispatch_enqueue(organisation=target.organisation, target=target, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    dispatch.refresh_from_db()
    return dispatch


def test_aliyun_reports_confirm_a_send_once_however_often_they_are_pushed(
    township, aliyun_target, aliyun, subscribers, publish
):
    item = publish(township, "关于渠口村2024年低保对象的公示")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    dispatch = Dispatch.objects.get(disclosure=item, target=aliyun_target)
    report_url, _ = urls(aliyun_target)

    first = push(report_url, [aliyun_report(dispatch, PHONES[0])])
    assert first.status_code == 200 and first.json() == {"code": 0, "msg": "成功"}
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SUBMITTED and dispatch.receipt["waiting"] == 1

    body = [aliyun_report(dispatch, PHONES[0]), aliyun_report(dispatch, PHONES[1])]
    assert push(report_url, body).json() == {"code": 0, "msg": "成功"}
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.CONFIRMED and dispatch.receipt["delivered"] == 2
    assert Publication.objects.filter(disclosure=item, channel=Channel.SMS).count() == 1
    before = (
        dispatch.updated_at,
        DispatchAttempt.objects.filter(dispatch=dispatch).count(),
        dict(dispatch.receipt),
    )

    again = push(report_url, body)  # Aliyun pushes again on any non-200 and does not promise once
    assert again.status_code == 200
    dispatch.refresh_from_db()
    assert (
        dispatch.updated_at,
        DispatchAttempt.objects.filter(dispatch=dispatch).count(),
        dispatch.receipt,
    ) == before
    assert len(aliyun.sent) == 1
    assert PHONES[0] not in json.dumps(dispatch.receipt)  # numbers are kept hashed in the unencrypted receipt


def test_an_sms_timeout_is_unblocked_by_the_report_and_never_resent(
    township, aliyun_target, aliyun, subscribers, monkeypatch
):
    monkeypatch.setattr(AliyunSms, "timeout", 0.3)
    original = aliyun.answer

    def slow(request):
        answer = original(request)  # accepted by the vendor, answered too late
        if request["headers"].get("x-acs-action") == "SendSms":
            import time

            time.sleep(0.8)
        return answer

    aliyun.answer = slow
    dispatch = services.dispatch_enqueue(organisation=township, target=aliyun_target, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.FAILED: 1}
    dispatch.refresh_from_db()
    assert dispatch.needs_check and dispatch.external_id == ""
    aliyun.answer = original
    biz_id = aliyun.sent[0]["BizId"]
    report_url, _ = urls(aliyun_target)

    row = {**aliyun_report(dispatch, PHONES[0]), "biz_id": biz_id}
    assert push(report_url, [row]).status_code == 200
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SUBMITTED and dispatch.external_id == biz_id
    assert dispatch.needs_check  # the polling still asks for the number that has not reported

    assert push(report_url, [{**row, "phone_number": PHONES[1]}]).status_code == 200
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.CONFIRMED
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {}
    assert len(aliyun.sent) == 1


def test_reports_that_every_number_failed_end_the_send_with_the_vendors_code(
    township, aliyun_target, aliyun, subscribers
):
    dispatch = _submitted(aliyun_target)
    report_url, _ = urls(aliyun_target)
    body = [aliyun_report(dispatch, p, success=False, code="MK:0001") for p in PHONES]
    assert push(report_url, body).status_code == 200
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.DEAD
    assert "MK:0001" in dispatch.last_error and "2 个号码" in dispatch.last_error
    assert DispatchAttempt.objects.filter(dispatch=dispatch, worker="vendor-callback").count() == 1


def test_a_report_for_a_send_in_a_workers_hands_is_pushed_again_later(
    township, aliyun_target, aliyun, subscribers
):
    dispatch = _submitted(aliyun_target)
    Dispatch.objects.filter(pk=dispatch.pk).update(status=DispatchStatus.SENDING, claim="x")
    report_url, _ = urls(aliyun_target)
    answer = push(report_url, [aliyun_report(dispatch, PHONES[0])])
    assert answer.status_code == 503 and answer.json()["code"] != 0  # Aliyun retries after 1, 5, 10 minutes


def test_tencent_reports_match_the_serial_numbers(township, tencent, subscribers):
    server, target = tencent
    dispatch = _submitted(target)
    serials = dispatch.receipt["serials"]
    assert len(serials) == 2
    report_url, _ = urls(target)
    body = [
        {
            "user_receive_time": "2024-05-06 10:00:05",
            "nationcode": "86",
            "mobile": phone,
            "report_status": "SUCCESS",
            "errmsg": "DELIVRD",
            "description": "用户短信送达成功",
            "sid": serial,
        }
        for phone, serial in zip(PHONES, serials, strict=True)
    ]
    answer = push(report_url, body)
    assert answer.status_code == 200 and answer.json() == {"result": 0, "errmsg": "OK"}
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.CONFIRMED
    assert sum(1 for r in server.requests if r["headers"].get("x-tc-action") == "SendSms") == 1


def test_callbacks_need_the_secret_address_and_post(township, aliyun_target, subscribers):
    report_url, reply_url = urls(aliyun_target)
    wrong = reverse("channels_callbacks:report", args=[aliyun_target.pk, "0" * 32])
    assert push(wrong, []).status_code == 404
    other = make_target(township, TargetKind.SMS_GATEWAY, "企信通", config={}, secrets={})
    assert (
        push(
            reverse("channels_callbacks:report", args=[other.pk, services.sms_callback_token(other)]), []
        ).status_code
        == 404
    )
    assert vendor().get(report_url).status_code == 405
    assert vendor().post(report_url, data="not json", content_type="application/json").status_code == 400
    assert push(reply_url, {"not": "an array"}).status_code == 400  # Aliyun always pushes an array


def test_callbacks_are_rate_limited_per_target(township, aliyun_target, settings):
    settings.SMS_CALLBACKS_PER_MINUTE = 2
    report_url, _ = urls(aliyun_target)
    assert [push(report_url, []).status_code for _ in range(3)] == [200, 200, 429]


def test_an_aliyun_reply_keyword_opts_the_number_out(
    township, village, aliyun_target, subscribers, other_township
):
    elsewhere = services.subscriber_add(
        organisation=other_township,
        actor=None,
        name="王五",
        phone=PHONES[0],
        consent_on=dt.date(2024, 5, 1),
        consent_source="written",
    )
    _, reply_url = urls(aliyun_target)
    body = [
        {
            "phone_number": PHONES[0],
            "content": " td ",
            "send_time": "2024-05-06 10:01:00",
            "dest_code": "1234",
            "sequence_id": "1234567890",
        },
        {
            "phone_number": PHONES[1],
            "content": "谢谢，已收到",
            "send_time": "2024-05-06 10:02:00",
            "dest_code": "1234",
            "sequence_id": "1234567891",
        },
    ]
    answer = push(reply_url, body)
    assert answer.status_code == 200 and answer.json() == {"code": 0, "msg": "成功"}
    first, second = (Subscriber.objects.get(pk=s.pk) for s in subscribers)
    assert first.opted_out_at is not None and first.opt_out_source == OptOutSource.REPLY
    assert second.opted_out_at is None  # not a keyword
    assert Subscriber.objects.get(pk=elsewhere.pk).opted_out_at is None  # another township's subscription
    assert AuditEvent.objects.filter(action="channels.subscriber_opt_out").count() == 1
    assert push(reply_url, body).status_code == 200  # pushed again: nothing more to end
    assert AuditEvent.objects.filter(action="channels.subscriber_opt_out").count() == 1


def test_a_tencent_reply_keyword_opts_the_number_out(township, tencent, subscribers):
    _, target = tencent
    _, reply_url = urls(target)
    body = {
        "extend": "",
        "mobile": PHONES[1],
        "nationcode": "86",
        "sign": "渠口乡",
        "text": "退订",
        "time": 1714960869,
    }
    answer = push(reply_url, body)
    assert answer.status_code == 200 and answer.json() == {"result": 0, "errmsg": "OK"}
    assert Subscriber.objects.get(pk=subscribers[1].pk).opt_out_source == OptOutSource.REPLY
    assert Subscriber.objects.get(pk=subscribers[0].pk).opted_out_at is None
    assert services.subscriber_numbers(township) == [PHONES[0]]


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("TD", True),
        ("td", True),
        (" T ", True),
        ("退订", True),
        ("n", True),
        ("0000", True),
        ("ＴＤ", True),
        ("TD。", True),
        ("退订谢谢", False),
        ("000", False),
        ("", False),
        ("好", False),
    ],
)
def test_the_opt_out_keywords(text, ends):
    assert services.is_opt_out_reply(text) is ends


def test_numbers_as_vendors_write_them():
    assert services.mobile_from_vendor("+8613800000001") == "13800000001"
    assert services.mobile_from_vendor("8613800000001") == "13800000001"
    assert services.mobile_from_vendor("13800000001", "86") == "13800000001"
    assert services.mobile_from_vendor("13800000001", "852") == ""
    assert services.mobile_from_vendor("1381111****") == ""


def test_administrators_see_the_callback_addresses_and_clerks_do_not(
    login, admin, clerk, aliyun_target, tencent
):
    _, tencent_target = tencent
    page = login(admin).get(reverse("channels_sms:callbacks")).content.decode()
    for target in (aliyun_target, tencent_target):
        report_url, reply_url = urls(target)
        assert f"http://testserver{report_url}" in page and f"http://testserver{reply_url}" in page
    assert login(clerk).get(reverse("channels_sms:callbacks")).status_code == 403


def test_changing_the_salt_changes_the_address(township, aliyun_target):
    old_report, _ = urls(aliyun_target)
    aliyun_target.config = {**aliyun_target.config, "callback_salt": "2024-05"}
    aliyun_target.save(update_fields=["config"])
    assert push(old_report, []).status_code == 404
    assert push(urls(aliyun_target)[0], []).status_code == 200
