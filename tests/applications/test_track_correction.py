"""/track/ in plain words, and the applicant's answer to a 补正告知 sent online (issue 12; 条例 Art. 30)."""

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.clock import EventKind

pytestmark = pytest.mark.today("2025-03-10")
TRACK = reverse("applications_portal:track")
ANSWER = reverse("applications_portal:track_correction")


@pytest.fixture
def awaiting(register, township):
    application, code = register(township, dt.date(2025, 3, 3), today=dt.date(2025, 3, 10))
    services.application_request_correction(
        application=application,
        actor=None,
        date=dt.date(2025, 3, 5),
        deadline=dt.date(2025, 3, 20),
        items="请写明所需信息的年份和村组",
        today=dt.date(2025, 3, 10),
    )
    return application, code


def tracked(client, application, code):
    client.post(TRACK, {"case_number": application.case_number, "code": code})
    return client


def test_the_track_page_says_what_is_asked_and_by_when(client, awaiting):
    page = tracked(client, *awaiting).get(TRACK).content.decode()
    assert "等待您补正申请" in page
    assert "请写明所需信息的年份和村组" in page
    assert "请于<strong>2025年3月20日</strong>前补正" in page
    assert 'action="/track/correction/"' in page
    assert "0952-6860685" in page  # whom to ask


def test_the_applicant_answers_the_correction_online_and_the_clock_restarts(client, awaiting):
    application, code = awaiting
    response = tracked(client, application, code).post(ANSWER, {"text": "2024年渠口村三组的低保资金发放明细"})
    assert response.status_code == 302 and response["Location"] == TRACK
    event = application.events.get(kind=EventKind.CORRECTION_RECEIVED)
    assert event.date == dt.date(2025, 3, 10) and event.actor is None
    assert event.note == "2024年渠口村三组的低保资金发放明细"
    page = client.get(TRACK).content.decode()
    assert "补正已提交" in page and "等待您补正申请" not in page and "办理中" in page


def test_an_empty_answer_is_refused_in_plain_words(client, awaiting):
    application, code = awaiting
    response = tracked(client, application, code).post(ANSWER, {"text": "  "})
    assert "请写明补正的内容" in response.content.decode()
    assert not application.events.filter(kind=EventKind.CORRECTION_RECEIVED).exists()


def test_no_correction_can_be_sent_when_none_is_asked(client, register, township):
    application, code = register(township, dt.date(2025, 3, 3), today=dt.date(2025, 3, 10))
    page = tracked(client, application, code).get(TRACK).content.decode()
    assert 'action="/track/correction/"' not in page
    response = client.post(ANSWER, {"text": "补充说明"})
    assert response.status_code == 200
    assert not application.events.filter(kind=EventKind.CORRECTION_RECEIVED).exists()


def test_without_a_tracked_case_the_answer_goes_nowhere(client, awaiting):
    application, _ = awaiting
    response = client.post(ANSWER, {"text": "2024年渠口村三组"})
    assert response.status_code == 302 and response["Location"] == TRACK
    assert not application.events.filter(kind=EventKind.CORRECTION_RECEIVED).exists()


def test_the_answer_refuses_get(client, db):
    assert client.get(ANSWER).status_code == 405
