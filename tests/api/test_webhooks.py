"""Webhooks through the channels outbox: a receiver on 127.0.0.1 gets exactly one signed delivery per event,
including after a failure and a retry; events come from committed writes only (the audit log)."""

import datetime as dt

import pytest
from webhook_receiver import Receiver

from gongkai.api.webhooks import EVENT_NAMES, WebhookError, webhook_create, webhooks_relay
from gongkai.applications import services as application_services
from gongkai.catalog import services as catalog_services
from gongkai.channels.adapters.webhook import sign, verify
from gongkai.channels.models import Dispatch, DispatchStatus
from gongkai.channels.services import dispatch_run_once
from gongkai.core.errors import PermissionDenied

pytestmark = pytest.mark.today("2026-03-16")


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(township, admin, receiver):
    target, secret = webhook_create(
        organisation=township, actor=admin, name="12345热线", url=receiver.url, events=EVENT_NAMES
    )
    receiver.secret = secret
    return target


def _deliver():
    webhooks_relay()
    return dispatch_run_once(worker="test")


def _register(clerk, township, received_on=dt.date(2026, 3, 12)):
    case, _code = application_services.application_register(
        organisation=township,
        actor=clerk,
        applicant=application_services.Applicant(
            "natural_person", "natural_person", "张三", "640221199003020027", "13800138000"
        ),
        request=application_services.Request("低保资金发放情况", "", "", "electronic", "email"),
        channel="letter",
        received_on=received_on,
    )
    return case


def test_a_published_item_reaches_the_receiver_once_signed(endpoint, receiver, township, publish):
    item = publish(township, "关于春耕的通知", published_on=dt.date(2026, 3, 16))
    assert _deliver() == {DispatchStatus.CONFIRMED: 1}
    [body] = receiver.accepted
    assert body["event"] == "item.published" and body["organisation"] == "qukou"
    assert body["data"]["index_no"] == item.index_no and body["data"]["title"] == "关于春耕的通知"
    assert all(r["verified"] for r in receiver.requests)
    assert receiver.requests[0]["headers"]["idempotency-key"] == body["id"]
    assert _deliver() == {}  # relayed once: nothing new
    assert len(receiver.requests) == 1


def test_a_failed_delivery_is_retried_and_arrives_once(endpoint, receiver, township, clerk, time_machine):
    receiver.script = [503]
    case = _register(clerk, township)
    assert _deliver() == {DispatchStatus.FAILED: 1}
    assert receiver.accepted == []
    time_machine.move_to(dt.datetime(2026, 3, 16, 6, 0, tzinfo=dt.UTC))  # past the backoff
    assert _deliver() == {DispatchStatus.CONFIRMED: 1}
    [body] = receiver.accepted
    assert body["event"] == "application.received" and body["data"]["case_number"] == case.case_number
    assert "张三" not in str(body) and "640221199003020027" not in str(body)  # never personal data
    keys = {r["headers"]["idempotency-key"] for r in receiver.requests}
    assert len(receiver.requests) == 2 and len(keys) == 1  # the retry is the same delivery


def test_a_decision_and_an_overdue_case_are_announced_once_each(endpoint, receiver, township, clerk):
    decided = _register(clerk, township)
    application_services.application_decide(
        application=decided,
        actor=clerk,
        date=dt.date(2026, 3, 13),
        decision="granted",
        reply_text="予以公开。",
    )
    _register(clerk, township, received_on=dt.date(2026, 1, 5))  # 20 working days long past
    _deliver()
    _deliver()
    events = sorted(b["event"] for b in receiver.accepted)
    assert events == [
        "application.decided",
        "application.overdue",
        "application.received",
        "application.received",
    ]


def test_a_retraction_and_an_endpoint_that_refuses_for_good(endpoint, receiver, township, publish, reviewer):
    item = publish(township, "有误的通知", published_on=dt.date(2026, 3, 16))
    _deliver()
    receiver.script = [410]
    catalog_services.disclosure_retract(disclosure=item, actor=reviewer, comment="内容有误")
    assert _deliver() == {DispatchStatus.DEAD: 1}  # 4xx: permanent, left for staff in the channels board
    assert Dispatch.objects.get(status=DispatchStatus.DEAD).item["event"] == "item.retracted"


def test_only_subscribed_events_of_the_subtree_are_sent(
    township, other_township, admin, receiver, publish, other_township_admin
):
    target, receiver.secret = webhook_create(
        organisation=township, actor=admin, name="只要撤回", url=receiver.url, events=["item.retracted"]
    )
    publish(township, "一条通知", published_on=dt.date(2026, 3, 16))
    publish(other_township, "外乡通知", published_on=dt.date(2026, 3, 16))
    assert _deliver() == {}
    assert receiver.requests == []


def test_only_an_administrator_sets_up_a_webhook_with_a_sane_address(township, clerk, admin):
    with pytest.raises(PermissionDenied):
        webhook_create(
            organisation=township, actor=clerk, name="x", url="https://example.org/h", events=EVENT_NAMES
        )
    with pytest.raises(WebhookError):
        webhook_create(
            organisation=township, actor=admin, name="x", url="ftp://example.org/h", events=EVENT_NAMES
        )


def test_the_signature_verifies_only_the_body_it_was_made_for_and_only_while_fresh():
    body = b'{"event":"item.published"}'
    header = sign("s3cret", body, 1_773_600_000)
    assert (
        header
        == "t=1773600000,v1=" + __import__("hmac").new(b"s3cret", b"1773600000." + body, "sha256").hexdigest()
    )
    assert verify("s3cret", body, header, now=1_773_600_100)
    assert not verify("s3cret", body + b" ", header, now=1_773_600_100)
    assert not verify("other", body, header, now=1_773_600_100)
    assert not verify("s3cret", body, header, now=1_773_600_000 + 301)


# ---- the office screen --------------------------------------------------------------------------------------------

WEBHOOKS = "/office/api/webhooks/"


def test_the_administrator_adds_a_webhook_and_sees_its_secret_once(login, admin, township):
    client = login(admin)
    response = client.post(
        WEBHOOKS, {"name": "OA系统", "url": "https://oa.example.gov.cn/hooks", "events": ["item.published"]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "签名密钥（只显示这一次）" in page and "OA系统" in page
    assert "签名密钥（只显示这一次）" not in client.get(WEBHOOKS).content.decode()


def test_the_webhook_screen_is_for_administrators_only(client, login, clerk, other_township_admin, admin):
    assert client.get(WEBHOOKS).status_code == 302
    assert login(clerk).get(WEBHOOKS).status_code == 403
    assert login(admin).delete(WEBHOOKS).status_code == 405


def test_the_celery_beat_runs_the_relay_every_minute_and_a_repeated_run_creates_nothing_new(
    endpoint, receiver, township, publish
):
    from gongkai.celery_app import app, run_idempotent_command

    entry = app.conf.beat_schedule["webhooks-relay"]
    assert (entry["task"], entry["schedule"], entry["args"]) == (
        run_idempotent_command.name,
        60.0,
        ["webhooks_relay"],
    )
    publish(township, "关于春耕的通知", published_on=dt.date(2026, 3, 16))
    before = Dispatch.objects.count()
    run_idempotent_command.apply(args=entry["args"]).get()
    assert Dispatch.objects.count() == before + 1
    run_idempotent_command.apply(args=entry["args"]).get()  # the beat fires again: its cursor has moved on
    assert Dispatch.objects.count() == before + 1
    assert dispatch_run_once(worker="test") == {DispatchStatus.CONFIRMED: 1} and len(receiver.accepted) == 1
