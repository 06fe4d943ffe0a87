"""Work-group robots and Aliyun SMS against fake servers on 127.0.0.1: one correct, correctly signed request per
target, throttling and refusals handled, receipts checked before any resend."""

import datetime as dt
import json
from pathlib import Path

import pytest
from channel_fakes import FakeRobots, make_target
from django.utils import timezone

from gongkai.channels import services
from gongkai.channels.adapters import Item, Target
from gongkai.channels.adapters.robots import DingTalkRobot, WeComRobot
from gongkai.channels.adapters.sms import AliyunSms
from gongkai.channels.models import Channel, Dispatch, DispatchStatus, Publication, TargetKind

pytestmark = pytest.mark.today("2024-05-06")
GOLDEN = Path(__file__).parent / "golden"

ITEM = Item(
    id=9,
    title="关于渠口村2024年低保对象的公示",
    url="https://gk.example.cn/item/9/",
    organisation="渠口乡人民政府",
    index_no="11640221MB1959741M/2024-00009",
    body_text="经村民代表会议评议，以下3户拟纳入低保，现予公示。",
    kind="posting",
    posting_start=dt.date(2024, 5, 7),
    posting_end=dt.date(2024, 5, 13),
)
TARGET = Target(id=1, kind="", name="n", config={"sign": "渠口乡", "template": "SMS_154950909"})


@pytest.fixture
def robots():
    server = FakeRobots().start()
    yield server
    server.stop()


@pytest.fixture
def robot_targets(township, robots):
    wecom = make_target(
        township,
        TargetKind.WECOM_ROBOT,
        "乡村干部群",
        config={"api_base": robots.url},
        secrets={"key": robots.wecom_key},
    )
    ding = make_target(
        township,
        TargetKind.DINGTALK_ROBOT,
        "村务钉钉群",
        config={"api_base": robots.url},
        secrets={"access_token": robots.ding_token, "secret": robots.ding_secret},
    )
    return wecom, ding


@pytest.fixture
def aliyun_target(township, aliyun):
    return make_target(
        township,
        TargetKind.SMS_ALIYUN,
        "阿里云短信",
        config={"endpoint": aliyun.url, "sign": "渠口乡", "template": "SMS_154950909"},
        secrets={
            "access_key_id": aliyun.key_id,
            "access_key_secret": aliyun.secret,
            "mobiles": ["13800000001", "13900000002"],
        },
    )


def test_renders_are_pinned():
    rendered = {
        "wecom": WeComRobot.render(ITEM, TARGET),
        "dingtalk": DingTalkRobot.render(ITEM, TARGET),
        "aliyun": AliyunSms.render(ITEM, TARGET),
    }
    assert rendered == json.loads((GOLDEN / "robots_sms.json").read_text(encoding="utf-8"))


def test_each_robot_receives_one_signed_markdown_message(publish, township, robot_targets, robots):
    item = publish(township, "关于召开村民代表会议的通知")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.CONFIRMED: 2}
    assert sorted(m["robot"] for m in robots.messages) == ["ding", "wecom"]
    for message in robots.messages:
        text = message["body"]["markdown"].get("content") or message["body"]["markdown"]["text"]
        assert "关于召开村民代表会议的通知" in text and f"/item/{item.pk}/" in text
    assert Publication.objects.filter(disclosure=item, channel=Channel.WORK_GROUP).count() == 1


def test_a_robot_sends_at_most_twenty_messages_a_minute(township, robot_targets, robots):
    wecom, _ = robot_targets
    for n in range(22):
        services.dispatch_enqueue(
            organisation=township, target=wecom, item=Item(id=n, title=f"通知{n}", url="u", organisation="o")
        )
    counts = services.dispatch_run_once(worker="w", limit=30)
    assert counts == {DispatchStatus.CONFIRMED: 20, DispatchStatus.FAILED: 2}
    assert len(robots.messages) == 20  # the robot never had to refuse one
    waiting = Dispatch.objects.filter(status=DispatchStatus.FAILED)
    assert all(d.attempts == 0 and d.next_attempt_at > timezone.now() for d in waiting)


def test_a_wrong_dingtalk_secret_blocks_the_robot(township, robot_targets, robots):
    _, ding = robot_targets
    ding.secrets = json.dumps({"access_token": robots.ding_token, "secret": "SEC-wrong"})
    ding.save(update_fields=["secrets"])
    services.dispatch_enqueue(organisation=township, target=ding, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    ding.refresh_from_db()
    assert "sign not match" in ding.blocked_reason and robots.messages == []


def test_a_robot_timeout_is_never_resent_blindly(township, robot_targets, robots, monkeypatch):
    wecom, _ = robot_targets
    monkeypatch.setattr(WeComRobot, "timeout", 0.3)
    robots.script.append({"delay": 1.0, "status": 200, "body": {"errcode": 0}})
    dispatch = services.dispatch_enqueue(organisation=township, target=wecom, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.FAILED: 1}
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    dispatch.refresh_from_db()
    assert "结果不明" in dispatch.last_error
    assert sum(1 for r in robots.requests if r["path"] == "/cgi-bin/webhook/send") == 1


def test_aliyun_sms_is_sent_once_signed_and_confirmed_by_its_receipts(
    publish, township, aliyun_target, aliyun
):
    item = publish(township, "关于2024年低保对象的公示")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    [sent] = aliyun.sent
    dispatch = Dispatch.objects.get(disclosure=item, target=aliyun_target)
    assert sent["OutId"] == dispatch.key
    assert sent["PhoneNumbers"] == "13800000001,13900000002"
    assert json.loads(sent["TemplateParam"])["title"] == "关于2024年低保对象的公示"
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}  # receipts say: waiting
    aliyun.deliver()
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.CONFIRMED: 1}
    dispatch.refresh_from_db()
    assert dispatch.receipt["delivered"] == 2 and len(aliyun.sent) == 1
    assert Publication.objects.filter(disclosure=item, channel=Channel.SMS).exists()


def test_an_sms_timeout_is_checked_by_out_id_and_not_resent(township, aliyun_target, aliyun, monkeypatch):
    monkeypatch.setattr(AliyunSms, "timeout", 0.3)
    original = aliyun.answer

    def slow(request):
        answer = original(request)  # recorded as sent, answered too late
        if request["headers"].get("x-acs-action") == "SendSms":
            import time

            time.sleep(0.8)
        return answer

    aliyun.answer = slow
    dispatch = services.dispatch_enqueue(organisation=township, target=aliyun_target, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.FAILED: 1}
    aliyun.answer = original
    monkeypatch.setattr(AliyunSms, "timeout", 5)
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    assert len(aliyun.sent) == 1  # found by its OutId among the receipts: not sent again


def test_a_refused_template_is_permanent(township, aliyun_target, aliyun):
    aliyun_target.config = {**aliyun_target.config, "template": "SMS_NOT_APPROVED"}
    aliyun_target.save(update_fields=["config"])
    services.dispatch_enqueue(organisation=township, target=aliyun_target, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    assert "isv.SMS_TEMPLATE_ILLEGAL" in Dispatch.objects.get().last_error


def test_a_bad_secret_is_refused_by_the_signature_check(township, aliyun_target, aliyun):
    aliyun_target.secrets = json.dumps(
        {"access_key_id": aliyun.key_id, "access_key_secret": "wrong", "mobiles": ["1"]}
    )
    aliyun_target.save(update_fields=["secrets"])
    services.dispatch_enqueue(organisation=township, target=aliyun_target, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    assert "SignatureDoesNotMatch" in Dispatch.objects.get().last_error


@pytest.fixture
def tencent(township):
    from channel_fakes import FakeTencentSms

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
        secrets={"secret_id": server.secret_id, "secret_key": server.secret_key, "mobiles": ["13800000001"]},
    )
    yield server, target
    server.stop()


def test_tencent_sms_carries_the_key_as_session_context_and_is_confirmed_by_receipts(township, tencent):
    server, target = tencent
    dispatch = services.dispatch_enqueue(organisation=township, target=target, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    [sent] = server.sent
    assert sent["SessionContext"] == dispatch.key and sent["PhoneNumber"] == "+8613800000001"
    assert sent["TemplateParamSet"] == [
        "渠口乡人民政府",
        "关于渠口村2024年低保对象的公示",
        "https://gk.example.cn/item/9/",
    ]
    server.deliver()
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.CONFIRMED: 1}
    assert len(server.sent) == 1


def test_a_bad_tencent_key_is_refused_by_the_signature_check(township, tencent):
    server, target = tencent
    target.secrets = json.dumps(
        {"secret_id": server.secret_id, "secret_key": "wrong", "mobiles": ["13800000001"]}
    )
    target.save(update_fields=["secrets"])
    services.dispatch_enqueue(organisation=township, target=target, item=ITEM)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    assert "AuthFailure.SignatureFailure" in Dispatch.objects.get().last_error


def test_receipts_are_asked_for_less_and_less_often_and_then_left_to_staff(
    township, aliyun_target, aliyun, monkeypatch
):
    monkeypatch.setattr(services, "MAX_RECEIPT_POLLS", 3)
    dispatch = services.dispatch_enqueue(organisation=township, target=aliyun_target, item=ITEM)
    waits = []
    for _ in range(3):
        Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
        assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
        dispatch.refresh_from_db()
        waits.append(round((dispatch.next_attempt_at - timezone.now()).total_seconds() / 60))
    assert waits == [2, 4, 6]
    assert not dispatch.needs_check and "已停止查询" in dispatch.last_error
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {}
    assert len(aliyun.sent) == 1
