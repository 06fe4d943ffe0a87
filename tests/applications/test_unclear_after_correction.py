"""（四）3 “补正后申请内容仍不明确” only after a correction was asked for and received, or its period passed
(条例 Art. 30): enforced where decisions are validated, `services.application_decide`."""

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.applications.services import ApplicationError

D = dt.date
UNCLEAR = "unable_unclear_after_correction"
pytestmark = pytest.mark.django_db


def _decide(application, date, decision=UNCLEAR):
    return services.application_decide(
        application=application,
        actor=None,
        date=date,
        decision=decision,
        reply_text="经补正后，您的申请内容仍不明确，本机关无法确定您所需的政府信息。",
        today=D(2025, 5, 30),
    )


def _ask_correction(application, deadline=D(2025, 3, 20)):
    services.application_request_correction(
        application=application, actor=None, date=D(2025, 3, 5), deadline=deadline, items="写明项目名称和年份"
    )


def test_without_a_correction_the_answer_is_refused_with_the_reason(township, register):
    application, _ = register(township, D(2025, 3, 3))
    with pytest.raises(ApplicationError, match="只能在告知补正之后作出：本申请未告知补正") as refused:
        _decide(application, D(2025, 3, 10))
    assert refused.value.field == "decision"
    application.refresh_from_db()
    assert application.decision == "" and application.decided_on is None
    assert not application.events.filter(kind="decided").exists()


def test_while_the_correction_is_awaited_the_answer_is_refused(township, register):
    application, _ = register(township, D(2025, 3, 3))
    _ask_correction(application)
    with pytest.raises(ApplicationError, match="申请人尚未补正，补正期限至2025年3月20日"):
        _decide(application, D(2025, 3, 12))


def test_after_the_corrected_request_arrives_the_answer_is_allowed(township, register):
    application, _ = register(township, D(2025, 3, 3))
    _ask_correction(application)
    services.application_receive_correction(application=application, actor=None, date=D(2025, 3, 14))
    decided = _decide(application, D(2025, 3, 25))
    assert decided.decision == UNCLEAR
    assert decided.legal_basis == "《中华人民共和国政府信息公开条例》第三十条"


def test_a_late_correction_still_received_allows_the_answer(township, register):
    application, _ = register(township, D(2025, 3, 3))
    _ask_correction(application)
    services.application_receive_correction(application=application, actor=None, date=D(2025, 3, 24))
    assert _decide(application, D(2025, 3, 28)).decision == UNCLEAR


def test_once_the_period_passed_uncorrected_the_case_is_abandoned_not_answered(township, register):
    application, _ = register(township, D(2025, 3, 3))
    _ask_correction(application)
    # The rule of （四）3 lets it through; the clock then asks for 视为放弃申请 (row （六）1) instead.
    with pytest.raises(ApplicationError, match="逾期未补正的记录“视为放弃申请”"):
        _decide(application, D(2025, 3, 24))


def test_other_decisions_need_no_correction(township, register):
    application, _ = register(township, D(2025, 3, 3))
    assert _decide(application, D(2025, 3, 10), decision="unable_not_held").decision == "unable_not_held"


@pytest.mark.today("2026-11-27")
def test_the_case_page_shows_the_refusal_beside_the_decision(login, clerk, township, register):
    application, _ = register(township, D(2026, 11, 24))
    response = login(clerk).post(
        reverse("applications_office:action", args=[application.pk, "decided"]),
        {"decided-date": "2026-11-27", "decided-decision": UNCLEAR, "decided-reply_text": "内容仍不明确"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "只能在告知补正之后作出" in body
    assert Application.objects.get(pk=application.pk).decided_on is None
