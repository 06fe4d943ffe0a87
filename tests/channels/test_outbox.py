"""The dispatch outbox: rows written with the publication, claimed once, sent once, retried with backoff, dead
sends retried from the office."""

import datetime as dt
import random

import pytest
from channel_fakes import make_target
from django.utils import timezone

from gongkai.catalog.models import Disclosure
from gongkai.channels import services
from gongkai.channels.models import (
    AttemptOutcome,
    Channel,
    Dispatch,
    DispatchAttempt,
    DispatchStatus,
    Publication,
    TargetKind,
)

pytestmark = pytest.mark.today("2024-05-06")


def _sms(dispatches):
    return [d for d in dispatches if d.target.kind == TargetKind.SMS_GATEWAY]


def test_publishing_writes_the_outbox_rows_in_the_same_transaction(publish, township, sms_target):
    make_target(township, TargetKind.NOTICE_BOARD, "乡政府公开栏")
    make_target(township, TargetKind.QQ_GROUP, "不选的群", default_on=False)
    item = publish(township, "关于2024年低保对象的公示", published_on=dt.date(2024, 5, 6))
    rows = {d.target.name: d for d in Dispatch.objects.filter(disclosure=item).select_related("target")}
    assert set(rows) == {"本级门户网站", "企信通", "乡政府公开栏"}
    assert rows["本级门户网站"].status == DispatchStatus.CONFIRMED
    assert rows["企信通"].status == rows["乡政府公开栏"].status == DispatchStatus.PENDING
    assert rows["企信通"].item["title"] == "关于2024年低保对象的公示"
    assert rows["企信通"].item["url"].endswith(f"/item/{item.pk}/")
    assert rows["企信通"].item["index_no"] == item.index_no
    assert len({d.key for d in rows.values()}) == 3
    assert Publication.objects.filter(disclosure=item, channel=Channel.WEBSITE).count() == 1


def test_a_publication_that_fails_leaves_no_outbox_rows(publish, township, sms_target, monkeypatch):
    from gongkai.catalog import services as catalog_services

    def broken(*args, **kwargs):
        raise RuntimeError("search index down")

    monkeypatch.setattr(catalog_services.channel_services, "dispatches_create", broken)
    with pytest.raises(RuntimeError):
        publish(township, "不会发布的通知")
    assert not Dispatch.objects.exists()
    assert not Disclosure.objects.filter(title="不会发布的通知", status="published").exists()


def test_a_worker_sends_each_pending_row_once_and_it_counts_as_a_delivery(
    publish, township, sms_target, sms_gateway
):
    item = publish(township, "关于召开村民代表会议的通知")
    counts = services.dispatch_run_once(worker="w1")
    assert counts == {DispatchStatus.CONFIRMED: 1}
    assert services.dispatch_run_once(worker="w2") == {}
    [dispatch] = _sms(Dispatch.objects.filter(disclosure=item))
    assert dispatch.status == DispatchStatus.CONFIRMED
    assert len(sms_gateway.sent) == 1
    [sent] = sms_gateway.sent.values()
    assert sent["body"]["template"] == "SMS_001"
    assert sent["body"]["out_id"] == dispatch.key
    assert sent["body"]["params"]["title"] == "关于召开村民代表会议的通知"[:20]
    assert [a.outcome for a in dispatch.attempt_rows.all()] == [AttemptOutcome.SENT]
    assert Publication.objects.filter(disclosure=item, channel=Channel.SMS).count() == 1


def test_two_workers_never_claim_the_same_row(publish, township, sms_target):
    publish(township, "通知一")
    publish(township, "通知二")
    first = services.dispatch_claim_due(worker="a", limit=1)
    second = services.dispatch_claim_due(worker="b", limit=5)
    assert len(first) == 1 and len(second) == 1
    assert first[0][0] != second[0][0]
    assert services.dispatch_claim_due(worker="c") == []


def test_a_stale_claim_token_cannot_finish_a_send(publish, township, sms_target, sms_gateway):
    publish(township, "通知")
    [(pk, claim)] = services.dispatch_claim_due(worker="a")
    assert services.dispatch_process(dispatch_id=pk, claim="not-the-claim") == DispatchStatus.SENDING
    assert sms_gateway.requests == []


def test_a_server_error_is_retried_after_a_backoff_and_then_sent_once(
    publish, township, sms_target, sms_gateway
):
    item = publish(township, "通知")
    sms_gateway.script.append({"status": 503, "body": {"code": 503, "message": "busy"}})
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.FAILED: 1}
    [dispatch] = _sms(Dispatch.objects.filter(disclosure=item))
    assert "HTTP 503" in dispatch.last_error
    wait = (dispatch.next_attempt_at - timezone.now()).total_seconds()
    assert services.BACKOFF_BASE_SECONDS / 2 - 1 <= wait <= services.BACKOFF_BASE_SECONDS
    assert services.dispatch_run_once(worker="w") == {}  # not before its time
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.CONFIRMED: 1}
    assert len(sms_gateway.sent) == 1
    assert [a.outcome for a in DispatchAttempt.objects.filter(dispatch=dispatch)] == [
        AttemptOutcome.RETRY,
        AttemptOutcome.SENT,
    ]


def test_throttling_waits_as_long_as_the_server_asks(publish, township, sms_target, sms_gateway):
    item = publish(township, "通知")
    sms_gateway.script.append({"status": 429, "body": {"code": 429}, "headers": {"Retry-After": "120"}})
    services.dispatch_run_once(worker="w")
    [dispatch] = _sms(Dispatch.objects.filter(disclosure=item))
    assert 110 <= (dispatch.next_attempt_at - timezone.now()).total_seconds() <= 120


def test_a_refusal_is_permanent_dead_and_retryable_from_the_office(
    publish, township, sms_target, sms_gateway, admin
):
    item = publish(township, "通知")
    sms_gateway.script.append({"status": 400, "body": {"code": 40002, "message": "template not approved"}})
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    [dispatch] = _sms(Dispatch.objects.filter(disclosure=item))
    assert "template not approved" in dispatch.last_error
    services.dispatch_retry(dispatch=dispatch, actor=admin)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.CONFIRMED: 1}
    assert len(sms_gateway.sent) == 1


def test_a_timeout_is_not_resent_before_its_receipt_is_checked(publish, township, sms_target, sms_gateway):
    from gongkai.channels.adapters.gateway import SmsGateway

    item = publish(township, "通知")
    sms_gateway.delay_send = 1.5
    original = SmsGateway.timeout
    SmsGateway.timeout = 0.5
    try:
        assert services.dispatch_run_once(worker="w") == {DispatchStatus.FAILED: 1}
    finally:
        SmsGateway.timeout = original
        sms_gateway.delay_send = 0
    [dispatch] = _sms(Dispatch.objects.filter(disclosure=item))
    assert dispatch.needs_check
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    sends_before = sum(1 for r in sms_gateway.requests if r["path"] == "/send")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.CONFIRMED: 1}
    paths = [r["path"] for r in sms_gateway.requests]
    assert paths.count("/send") == sends_before == 1  # the receipt said it arrived: no second send
    assert paths[-1] == "/status"
    assert [a.outcome for a in DispatchAttempt.objects.filter(dispatch=dispatch)] == [
        AttemptOutcome.UNKNOWN,
        AttemptOutcome.FOUND,
    ]


def test_a_lapsed_claim_is_taken_over_and_checked_before_any_resend(
    publish, township, sms_target, sms_gateway
):
    item = publish(township, "通知")
    [(pk, claim)] = services.dispatch_claim_due(worker="dies")
    # the worker sent, then died before recording it
    from gongkai.channels.adapters import adapter_for

    dispatch = Dispatch.objects.get(pk=pk)
    adapter = adapter_for(services.target_value(dispatch.target))
    adapter.send(adapter.render(services.Item.from_json(dispatch.item), adapter.target), dispatch.key)
    Dispatch.objects.filter(pk=pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert services.dispatch_run_once(worker="next") == {DispatchStatus.CONFIRMED: 1}
    assert [r["path"] for r in sms_gateway.requests] == ["/send", "/status"]
    outcomes = list(DispatchAttempt.objects.filter(dispatch_id=pk).values_list("outcome", flat=True))
    assert outcomes == [AttemptOutcome.INTERRUPTED, AttemptOutcome.FOUND]
    assert item.pk == dispatch.disclosure_id


def test_too_many_failures_end_dead(publish, township, sms_target, sms_gateway, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 2)
    item = publish(township, "通知")
    for _ in range(2):
        sms_gateway.script.append({"status": 500, "body": {}})
        Dispatch.objects.filter(disclosure=item).update(next_attempt_at=timezone.now())
        services.dispatch_run_once(worker="w")
    [dispatch] = _sms(Dispatch.objects.filter(disclosure=item))
    assert dispatch.status == DispatchStatus.DEAD
    assert "已尝试 2 次" in dispatch.last_error


def test_staff_confirm_a_notice_put_up_and_it_counts_for_the_report(publish, township, admin):
    make_target(township, TargetKind.NOTICE_BOARD, "乡政府公开栏")
    item = publish(township, "公示")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    dispatch = Dispatch.objects.get(disclosure=item, target__kind=TargetKind.NOTICE_BOARD)
    assert not Publication.objects.filter(disclosure=item, channel=Channel.NOTICE_BOARD).exists()
    services.dispatch_confirm(dispatch=dispatch, actor=admin, confirmed_on=dt.date(2024, 5, 6), note="已张贴")
    record = Publication.objects.get(disclosure=item, channel=Channel.NOTICE_BOARD)
    assert record.published_on == dt.date(2024, 5, 6)
    with pytest.raises(services.ChannelError):
        services.dispatch_confirm(dispatch=dispatch, actor=admin)


@pytest.mark.parametrize("attempts", [1, 2, 5, 12, 30])
def test_backoff_grows_and_stays_within_its_jitter_band(attempts):
    rng = random.Random(attempts)
    ceiling = min(services.BACKOFF_CAP_SECONDS, services.BACKOFF_BASE_SECONDS * 2 ** (attempts - 1))
    for _ in range(50):
        assert ceiling / 2 <= services.backoff_seconds(attempts, rng) <= ceiling


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_concurrent_workers_skip_each_others_locked_rows(township, sms_target):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE SKIP LOCKED is the PostgreSQL path")
    from gongkai.channels.adapters import Item

    for n in range(30):
        services.dispatch_enqueue(
            organisation=township,
            target=sms_target,
            item=Item(id=n, title=f"通知{n}", url="u", organisation="o"),
        )
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(3)

    def claim(name):
        start.wait()
        try:
            claimed[name] = [pk for pk, _ in services.dispatch_claim_due(worker=name, limit=15)]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [pk for pks in claimed.values() for pk in pks]
    assert len(everything) == len(set(everything)) == 30
    assert DispatchAttempt.objects.count() == 30
