import datetime as dt

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.participation import clock, queries, services
from gongkai.participation.models import ConsultationState, QuestionState
from gongkai.workdays.calendar import PACKAGE_CALENDAR

ID_NUMBER = "640221197811200035"


# ---- the clock ---------------------------------------------------------------------------------------------------


def test_a_question_is_due_five_working_days_after_the_day_it_came_in():
    # Friday 2026-04-30 before the 劳动节 holiday (1–5 May): the holiday is crossed.
    assert clock.answer_due(dt.date(2026, 3, 2), workdays=5, calendar=PACKAGE_CALENDAR) == dt.date(2026, 3, 9)


def test_unanswered_for_more_than_three_months_fails():
    assert clock.months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert not clock.unanswered_too_long(dt.date(2026, 2, 28), today=dt.date(2026, 5, 31))
    assert clock.unanswered_too_long(dt.date(2026, 2, 27), today=dt.date(2026, 5, 31))


# ---- 留言咨询 -----------------------------------------------------------------------------------------------------


def test_a_question_gets_its_due_date_an_event_and_an_audit_row(township, ask):
    question = ask(township)
    assert question.state == QuestionState.OPEN
    assert question.due_on == dt.date(2026, 3, 9)
    assert list(question.events.values_list("kind", flat=True)) == ["received"]
    assert AuditEvent.objects.filter(
        action="participation.question_submit", object_id=str(question.pk)
    ).exists()


def test_the_answer_period_is_a_setting(township, ask, settings):
    settings.QUESTION_ANSWER_WORKDAYS = 10
    assert ask(township).due_on == dt.date(2026, 3, 16)


def test_an_answered_question_is_published_with_its_answer_and_the_asker_masked(township, clerk, ask):
    question = ask(township, asker_name="王小明", asker_phone="13895201234")
    services.question_answer(
        question=question, actor=clerk, answer="已列入今年计划。", today=dt.date(2026, 3, 4)
    )
    assert list(queries.public_questions(township)) == [question]
    assert queries.masked_asker(question) == "王** · 138****1234"


def test_a_question_the_asker_keeps_private_is_not_published(township, clerk, ask):
    question = ask(township, wants_private=True)
    services.question_answer(question=question, actor=clerk, answer="已列入计划。", today=dt.date(2026, 3, 4))
    assert not question.is_public
    assert list(queries.public_questions(township)) == []


def test_a_question_holding_personal_data_is_never_published(township, clerk, ask):
    question = ask(township, body=f"我的身份证号{ID_NUMBER}，低保为什么停了？")
    assert question.holds_personal_data
    services.question_answer(
        question=question, actor=clerk, answer="已电话联系您。", today=dt.date(2026, 3, 4)
    )
    assert list(queries.public_questions(township)) == []


def test_an_answer_with_personal_data_is_refused_when_it_would_be_published(township, clerk, ask):
    question = ask(township)
    with pytest.raises(DomainError, match="手机"):
        services.question_answer(
            question=question, actor=clerk, answer="请联系13895201234", today=dt.date(2026, 3, 4)
        )
    question.refresh_from_db()
    assert question.state == QuestionState.OPEN


def test_an_answered_question_cannot_be_answered_again(township, clerk, ask):
    question = ask(township)
    services.question_answer(question=question, actor=clerk, answer="好。", today=dt.date(2026, 3, 4))
    with pytest.raises(DomainError):
        services.question_answer(question=question, actor=clerk, answer="再答", today=dt.date(2026, 3, 4))


def test_a_stale_page_cannot_answer_a_question_someone_else_answered(township, clerk, reviewer, ask):
    question = ask(township)
    stale = type(question).objects.get(pk=question.pk)
    services.question_answer(question=question, actor=clerk, answer="好。", today=dt.date(2026, 3, 4))
    with pytest.raises(DomainError, match="已被他人办理"):
        services.question_answer(question=stale, actor=reviewer, answer="也好。", today=dt.date(2026, 3, 4))


def test_staff_of_another_township_cannot_answer(township, other_township_clerk, ask):
    with pytest.raises(PermissionDenied):
        services.question_answer(
            question=ask(township), actor=other_township_clerk, answer="好。", today=dt.date(2026, 3, 4)
        )


def test_a_transfer_moves_the_question_with_a_fresh_period(county_clerk, township, other_township, ask):
    question = ask(township)
    services.question_transfer(
        question=question,
        actor=county_clerk,
        to_organisation=other_township,
        note="属通伏乡辖区",
        today=dt.date(2026, 3, 5),
    )
    question.refresh_from_db()
    assert question.organisation == other_township
    assert question.due_on == dt.date(2026, 3, 12)
    event = question.events.get(kind="transferred")
    assert (event.from_organisation, event.to_organisation) == (township, other_township)


# ---- 意见征集 -----------------------------------------------------------------------------------------------------


def test_a_consultation_closes_after_its_working_days_and_feedback_is_due_later(consultation):
    assert consultation.closes_on == dt.date(2026, 3, 16)
    assert consultation.feedback_due_on == PACKAGE_CALENDAR.add_workdays(dt.date(2026, 3, 16), 15)


def test_a_consultation_needs_a_published_draft_for_comment(township, clerk, publish):
    notice = publish(township, "一则通知", published_on=dt.date(2026, 3, 2))
    with pytest.raises(DomainError, match="征求意见稿"):
        services.consultation_open(
            organisation=township, actor=clerk, draft=notice, open_workdays=10, opens_on=dt.date(2026, 3, 2)
        )


def test_comments_are_taken_only_in_the_open_period(consultation):
    services.comment_submit(
        consultation=consultation, name="李四", body="建议增加环境卫生条款", today=dt.date(2026, 3, 16)
    )
    with pytest.raises(DomainError, match="不在征集期内"):
        services.comment_submit(consultation=consultation, name="", body="晚了", today=dt.date(2026, 3, 17))


def test_an_approved_comment_is_shown_masked(consultation, reviewer):
    comment = services.comment_submit(
        consultation=consultation, name="李四", body="我电话13895201234，建议……", today=dt.date(2026, 3, 3)
    )
    assert comment.holds_personal_data
    assert queries.public_comments(consultation) == []
    services.comment_moderate(comment=comment, actor=reviewer, approve=True)
    [shown] = queries.public_comments(consultation)
    assert shown["name"] == "李*"
    assert "13895201234" not in shown["body"] and "138****1234" in shown["body"]


def test_a_clerk_cannot_moderate(consultation, clerk):
    comment = services.comment_submit(
        consultation=consultation, name="", body="好", today=dt.date(2026, 3, 3)
    )
    with pytest.raises(PermissionDenied):
        services.comment_moderate(comment=comment, actor=clerk, approve=True)


def test_feedback_is_published_after_closing_with_every_comment_moderated(consultation, clerk, reviewer):
    comment = services.comment_submit(
        consultation=consultation, name="", body="好", today=dt.date(2026, 3, 3)
    )
    with pytest.raises(DomainError, match="截止后"):
        services.consultation_close(consultation=consultation, actor=clerk, today=dt.date(2026, 3, 16))
    assert services.consultations_close_due(today=dt.date(2026, 3, 17)) == 1
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.CLOSED
    with pytest.raises(DomainError, match="未审核"):
        services.consultation_publish_feedback(
            consultation=consultation, actor=reviewer, feedback="采纳1条", today=dt.date(2026, 3, 18)
        )
    services.comment_moderate(comment=comment, actor=reviewer, approve=True)
    services.consultation_publish_feedback(
        consultation=consultation,
        actor=reviewer,
        feedback="共收到意见1条，采纳1条。",
        today=dt.date(2026, 3, 18),
    )
    assert consultation.state == ConsultationState.FEEDBACK_PUBLISHED
    assert consultation.feedback_published_on == dt.date(2026, 3, 18)


def test_feedback_not_published_after_its_period_is_flagged_overdue(consultation):
    late = consultation.feedback_due_on + dt.timedelta(days=1)
    flagged = queries.consultations_in(consultation.organisation).filter(
        queries.overdue_feedback_filter(late)
    )
    assert list(flagged) == [consultation]
    on_time = queries.consultations_in(consultation.organisation).filter(
        queries.overdue_feedback_filter(consultation.feedback_due_on)
    )
    assert list(on_time) == []


# ---- 回应关切 / 回应解读 and the year's counts -----------------------------------------------------------------------


def test_year_counts_come_from_the_records(township, clerk, reviewer, ask, consultation, draft):
    answered = ask(township)
    services.question_answer(question=answered, actor=clerk, answer="好。", today=dt.date(2026, 3, 4))
    ask(township, subject="第二个")
    ask(township, subject="去年的", today=dt.date(2025, 12, 1))
    comment = services.comment_submit(
        consultation=consultation, name="", body="好", today=dt.date(2026, 3, 3)
    )
    services.comment_moderate(comment=comment, actor=reviewer, approve=False)
    services.response_create(
        organisation=township,
        actor=clerk,
        kind="concern",
        channel="hotline_12345",
        responded_on=dt.date(2026, 4, 1),
        subject="12345转办：村道硬化",
        disclosures=[draft],
        question=answered,
    )
    services.response_create(
        organisation=township,
        actor=clerk,
        kind="interpretation",
        channel="press",
        responded_on=dt.date(2026, 4, 2),
        subject="村规民约修订解读",
    )
    counts = queries.year_counts(township, 2026)
    assert counts == {
        "questions_received": 2,
        "questions_answered": 1,
        "questions_published": 1,
        "consultations_held": 1,
        "consultation_comments": 1,
        "consultations_fed_back": 0,
        "responses_concern": 1,
        "responses_interpretation": 1,
        "responses_press": 1,
        "responses_12345": 1,
    }


def test_a_response_links_only_items_of_its_subtree(township, other_township, clerk, publish):
    foreign = publish(other_township, "外乡信息", published_on=dt.date(2026, 3, 2))
    with pytest.raises(DomainError, match="本机构"):
        services.response_create(
            organisation=township,
            actor=clerk,
            kind="concern",
            channel="press",
            responded_on=dt.date(2026, 4, 1),
            subject="x",
            disclosures=[foreign],
        )


def test_comments_are_counted_by_state(consultation, reviewer):
    for body in ("一", "二", "三"):
        services.comment_submit(consultation=consultation, name="", body=body, today=dt.date(2026, 3, 3))
    services.comment_moderate(comment=consultation.comments.first(), actor=reviewer, approve=True)
    assert queries.comment_counts(consultation) == {"pending": 2, "approved": 1, "rejected": 0}
