"""Per-number daily SMS limits: a number that has had its texts today is left out of a send, a send with nobody
left waits until 08:00 the next day (visible on the channel board), and two workers never both take a number's
last slot. Sends go to the fake Aliyun server on 127.0.0.1 (signature checked there)."""

import datetime as dt
import threading

import pytest
from channel_fakes import make_target
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gongkai.channels import services
from gongkai.channels.adapters import Item
from gongkai.channels.models import Dispatch, DispatchStatus, SmsDailyCount, TargetKind

pytestmark = pytest.mark.today("2024-05-06")
ITEM = Item(
    id=9,
    title="关于渠口村2024年低保对象的公示",
    url="https://gk.example.cn/item/9/",
    organisation="渠口乡人民政府",
)
A, B = "13800000001", "13900000002"


@pytest.fixture
def target(township, aliyun):
    return make_target(
        township,
        TargetKind.SMS_ALIYUN,
        "阿里云短信",
        config={
            "endpoint": aliyun.url,
            "sign": "渠口乡",
            "template": "SMS_154950909",
            "daily_limit_per_number": 1,
        },
        secrets={"access_key_id": aliyun.key_id, "access_key_secret": aliyun.secret},
    )


def subscribe(village, phone, name="张三"):
    return services.subscriber_add(
        organisation=village,
        actor=None,
        name=name,
        phone=phone,
        consent_on=dt.date(2024, 5, 1),
        consent_source="written",
    )


def send(target):
    dispatch = services.dispatch_enqueue(organisation=target.organisation, target=target, item=ITEM)
    result = services.dispatch_run_once(worker="w")
    dispatch.refresh_from_db()
    return result, dispatch


def sent_numbers(aliyun):
    return [s["PhoneNumbers"] for s in aliyun.sent]


def test_a_send_over_the_limit_waits_for_the_next_morning_and_shows_why(
    township, village, target, aliyun, login, clerk, time_machine
):
    subscribe(village, A)
    assert send(target)[0] == {DispatchStatus.SUBMITTED: 1}
    result, held = send(target)
    assert result == {DispatchStatus.FAILED: 1}
    assert sent_numbers(aliyun) == [A]  # the second send did not reach the vendor
    morning = timezone.make_aware(dt.datetime(2024, 5, 7, 8, 0))
    assert abs((held.next_attempt_at - morning).total_seconds()) < 1
    assert "每号每日上限" in held.last_error and "次日 08:00" in held.last_error
    assert held.attempts == 0 and held.recipients == ""  # chosen again in the morning
    board = login(clerk).get(reverse("channels_office:board")).content.decode()
    assert "每号每日上限" in board

    time_machine.move_to(morning + dt.timedelta(minutes=1))
    services.dispatch_run_once(worker="w")  # the first send's receipt is asked for too
    held.refresh_from_db()
    assert held.status == DispatchStatus.SUBMITTED and held.last_error == ""
    assert sent_numbers(aliyun) == [A, A]
    assert SmsDailyCount.objects.get(day=dt.date(2024, 5, 7)).count == 1


def test_numbers_over_the_limit_are_left_out_and_the_others_texted(township, village, target, aliyun):
    subscribe(village, A)
    send(target)
    subscribe(village, B, name="李四")
    result, dispatch = send(target)
    assert result == {DispatchStatus.SUBMITTED: 1}
    assert sent_numbers(aliyun) == [A, B]
    assert dispatch.receipt["over_limit"] == 1
    assert "1 个号码今日已收满 1 条短信" in dispatch.last_error


def test_the_limit_defaults_to_the_setting_and_counts_per_organisation(
    township, other_township, village, settings
):
    settings.SMS_DAILY_LIMIT_PER_NUMBER = 2
    day = dt.date(2024, 5, 6)
    reserve = services.sms_daily_reserve
    assert reserve(organisation=township, numbers=[A], limit=2, day=day) == ([A], [])
    assert reserve(organisation=township, numbers=[A], limit=2, day=day) == ([A], [])
    assert reserve(organisation=township, numbers=[A, B], limit=2, day=day) == ([B], [A])
    assert reserve(organisation=other_township, numbers=[A], limit=2, day=day) == ([A], [])
    assert reserve(organisation=township, numbers=[A], limit=2, day=day + dt.timedelta(days=1)) == ([A], [])
    bare = make_target(township, TargetKind.SMS_ALIYUN, "默认", config={})
    assert services.sms_daily_limit(bare) == 2


def test_two_workers_claiming_two_sends_to_one_number_text_it_once(township, village, target, aliyun):
    subscribe(village, A)
    first = services.dispatch_enqueue(organisation=township, target=target, item=ITEM)
    second = services.dispatch_enqueue(organisation=township, target=target, item=ITEM)
    claims = [services.dispatch_claim_due(worker=w, limit=1) for w in ("w1", "w2")]
    assert [c[0][0] for c in claims] == [first.pk, second.pk]  # each worker holds one of them
    statuses = {services.dispatch_process(dispatch_id=pk, claim=claim) for [(pk, claim)] in reversed(claims)}
    assert statuses == {DispatchStatus.SUBMITTED, DispatchStatus.FAILED}
    assert sent_numbers(aliyun) == [A]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "not __import__('os').environ.get('DATABASE_URL', '').startswith('postgres')",
    reason="concurrent writers need PostgreSQL (SQLite takes one writer at a time)",
)
def test_concurrent_reservations_never_pass_the_limit(township):
    barrier = threading.Barrier(8)
    results = []

    def take():
        barrier.wait()
        try:
            results.append(
                services.sms_daily_reserve(
                    organisation=township, numbers=[A], limit=3, day=dt.date(2024, 5, 6)
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(len(allowed) for allowed, _ in results) == 3
    assert SmsDailyCount.objects.get().count == 3
    Dispatch.objects.all().delete()
