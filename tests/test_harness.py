"""The shared fixtures of tests/conftest.py do what they promise: the clock marker, the demo copy, `publish`."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalog.models import Disclosure, DisclosureEvent, Status
from gongkai.orgs.models import Organisation, Role


@pytest.mark.today("2026-06-15")
def test_the_today_marker_moves_the_clock_and_lets_it_tick(frozen_today):
    assert frozen_today == dt.date(2026, 6, 15)
    assert timezone.localdate() == dt.date(2026, 6, 15)
    first = timezone.now()
    assert timezone.localtime(first).hour == 10
    assert timezone.now() > first  # ticking: timestamps taken one after another still increase


def test_without_the_marker_today_is_the_session_date(frozen_today):
    assert frozen_today == timezone.localdate()


def test_the_demo_is_copied_in_and_taken_out_again(demo_database, django_db_blocker):
    with django_db_blocker.unblock():
        before = Organisation.objects.count()
        with demo_database.loaded():
            assert Organisation.objects.get(code="qukou").children.count() >= 13
        assert Organisation.objects.count() == before
        with demo_database.loaded():  # the second time from the copy, with the same content
            assert Organisation.objects.filter(code="qukou").exists()
        assert not Organisation.objects.filter(code="qukou").exists()


def test_publish_takes_the_item_through_the_workflow_with_three_people(township, publish):
    item = publish(township, "关于春耕生产的通知", published_on=dt.date(2024, 5, 6))
    item = Disclosure.objects.get(pk=item.pk)
    assert (item.status, item.published_on, item.index_no) == (
        Status.PUBLISHED,
        dt.date(2024, 5, 6),
        "qukou/2024-00001",
    )
    steps = list(DisclosureEvent.objects.filter(disclosure=item).order_by("pk"))
    assert [e.to_status for e in steps] == [
        Status.DRAFT,
        Status.SECRECY_REVIEW,
        Status.APPROVAL,
        Status.PUBLISHED,
    ]
    drafter, reviewer, approver = steps[0].actor, steps[2].actor, steps[3].actor
    assert steps[1].actor == drafter and len({drafter.pk, reviewer.pk, approver.pk}) == 3
    roles = [set(user.memberships.values_list("role", flat=True)) for user in (drafter, reviewer, approver)]
    assert roles == [{Role.CLERK}, {Role.REVIEWER}, {Role.ADMIN}]
    assert item.publications.filter(channel="website").exists()
