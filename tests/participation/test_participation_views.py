"""The public and office pages of 政民互动: happy path, anonymous, another township's staff, wrong method; the
public forms' guard (token, honeypot, limits) and Chinese errors."""

import datetime as dt
import time

import pytest

from gongkai.applications import formguard
from gongkai.core.errors import PermissionDenied
from gongkai.participation import services
from gongkai.participation.models import CommentState, Question, QuestionState

pytestmark = pytest.mark.today("2026-03-02")


def form(**fields):
    return {"form_token": formguard.issue_token(time.time() - 60), "website": "", **fields}


# ---- public pages -------------------------------------------------------------------------------------------------


def test_a_villager_asks_a_question_and_is_told_when_it_is_due(citizen, township):
    response = citizen.post(
        "/org/qukou/questions/ask/",
        form(subject="村道硬化", body="三组的村道何时硬化？", asker_name="王小明"),
    )
    assert response.status_code == 200
    assert "2026年3月9日前答复" in response.content.decode()
    question = Question.objects.get()
    assert (question.organisation, question.asker_name, question.state) == (
        township,
        "王小明",
        QuestionState.OPEN,
    )


def test_a_question_sent_too_fast_is_refused_in_chinese_and_not_stored(citizen, township):
    response = citizen.post(
        "/org/qukou/questions/ask/",
        {"form_token": formguard.issue_token(), "subject": "x", "body": "y", "website": ""},
    )
    assert formguard.TOO_FAST in response.content.decode()
    assert not Question.objects.exists()


def test_the_honeypot_refuses_a_robot(citizen, township):
    response = citizen.post("/org/qukou/questions/ask/", form(subject="x", body="y", website="http://spam"))
    assert "提交失败" in response.content.decode()
    assert not Question.objects.exists()


def test_a_form_token_is_used_once(citizen, township):
    data = form(subject="村道硬化", body="何时？")
    citizen.post("/org/qukou/questions/ask/", data)
    response = citizen.post("/org/qukou/questions/ask/", data)
    assert formguard.REUSED in response.content.decode()
    assert Question.objects.count() == 1


def test_past_the_address_limit_a_captcha_is_asked_then_refused(citizen, township, settings):
    settings.GONGKAI_PARTICIPATION_LIMITS = {"per_address": 1, "per_address_hard": 2}
    citizen.post("/org/qukou/questions/ask/", form(subject="一", body="一"))
    assert "验证码" in citizen.get("/org/qukou/questions/ask/").content.decode()


def test_the_public_sees_only_published_questions_with_the_asker_masked(citizen, township, clerk, ask):
    shown = ask(township, subject="公开的问题", asker_name="王小明", asker_phone="13895201234")
    hidden = ask(township, subject="不公开的问题", wants_private=True)
    for q in (shown, hidden):
        services.question_answer(question=q, actor=clerk, answer="已答复。", today=dt.date(2026, 3, 2))
    page = citizen.get("/org/qukou/questions/").content.decode()
    assert "公开的问题" in page and "不公开的问题" not in page and "王**" in page and "王小明" not in page
    detail = citizen.get(f"/org/qukou/questions/{shown.pk}/").content.decode()
    assert "138****1234" in detail and "13895201234" not in detail
    assert citizen.get(f"/org/qukou/questions/{hidden.pk}/").status_code == 404


def test_an_unanswered_question_is_not_public(citizen, township, ask):
    assert citizen.get(f"/org/qukou/questions/{ask(township).pk}/").status_code == 404


def test_a_question_of_another_township_is_not_shown_under_this_one(
    citizen, township, other_township, clerk, ask
):
    from gongkai.orgs.models import Membership, Role

    Membership.objects.create(user=clerk, organisation=other_township, role=Role.CLERK)
    q = ask(other_township)
    services.question_answer(question=q, actor=clerk, answer="好。", today=dt.date(2026, 3, 2))
    assert citizen.get(f"/org/qukou/questions/{q.pk}/").status_code == 404


def test_the_public_question_pages_refuse_other_methods(citizen, township):
    assert citizen.post("/org/qukou/questions/").status_code == 405
    assert citizen.put("/org/qukou/questions/ask/").status_code == 405


def test_a_comment_is_taken_and_shown_only_after_moderation(citizen, consultation, reviewer):
    url = f"/org/qukou/consultations/{consultation.pk}/"
    response = citizen.post(url, form(name="李四", body="建议增加环境卫生条款"))
    assert "已提交，审核后公开" in response.content.decode()
    comment = consultation.comments.get()
    assert "建议增加环境卫生条款" not in citizen.get(url).content.decode()
    services.comment_moderate(comment=comment, actor=reviewer, approve=True)
    page = citizen.get(url).content.decode()
    assert "建议增加环境卫生条款" in page and "李*" in page


@pytest.mark.today("2026-03-20")
def test_a_comment_after_the_period_is_refused_in_chinese(citizen, consultation):
    response = citizen.post(f"/org/qukou/consultations/{consultation.pk}/", form(body="晚了"))
    assert "不在征集期内" in response.content.decode()
    assert not consultation.comments.exists()


def test_the_portal_menu_has_the_participation_columns(citizen, township):
    page = citizen.get("/org/qukou/").content.decode()
    assert "/org/qukou/questions/" in page and "/org/qukou/consultations/" in page


# ---- office pages ------------------------------------------------------------------------------------------------


def test_the_clerk_answers_a_question_in_the_office(login, clerk, township, ask):
    question = ask(township)
    client = login(clerk)
    assert question.subject in client.get("/office/participation/").content.decode()
    response = client.post(
        f"/office/participation/questions/{question.pk}/answer/", {"answer": "已列入计划。"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED and question.is_public


def test_an_answer_with_personal_data_is_refused_with_the_reason(login, clerk, township, ask):
    question = ask(township)
    response = login(clerk).post(
        f"/office/participation/questions/{question.pk}/answer/", {"answer": "请拨打13895201234"}
    )
    assert response.status_code == 400
    assert "个人信息" in response.content.decode()


def test_anonymous_is_sent_to_the_login(client, township, ask):
    question = ask(township)
    for url in ("/office/participation/", f"/office/participation/questions/{question.pk}/"):
        assert client.get(url)["Location"].startswith("/office/login/")
    response = client.post(f"/office/participation/questions/{question.pk}/answer/", {"answer": "x"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == QuestionState.OPEN


def test_staff_of_another_township_get_404(login, other_township_staff, township, ask, consultation):
    question = ask(township)
    client = login(other_township_staff)
    assert client.get(f"/office/participation/questions/{question.pk}/").status_code == 404
    assert (
        client.post(f"/office/participation/questions/{question.pk}/answer/", {"answer": "x"}).status_code
        == 404
    )
    assert client.get(f"/office/participation/consultations/{consultation.pk}/").status_code == 404


def test_the_answer_refuses_get(login, clerk, township, ask):
    assert login(clerk).get(f"/office/participation/questions/{ask(township).pk}/answer/").status_code == 405


def test_a_reviewer_moderates_and_a_clerk_may_not(login, clerk, reviewer, consultation):
    comment = services.comment_submit(
        consultation=consultation, name="", body="好", today=dt.date(2026, 3, 3)
    )
    url = f"/office/participation/comments/{comment.pk}/approve/"
    assert login(clerk).post(url).status_code == 403
    assert login(reviewer).post(url).status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.APPROVED


def test_the_clerk_opens_a_consultation_on_a_draft(login, clerk, draft):
    response = login(clerk).post(
        "/office/participation/consultations/new/",
        {"draft": draft.pk, "title": "", "opens_on": "2026-03-02", "open_workdays": 10},
    )
    assert response.status_code == 302
    assert draft.consultations.get().closes_on == dt.date(2026, 3, 16)


def test_the_clerk_records_a_response(login, clerk, township, draft):
    response = login(clerk).post(
        "/office/participation/responses/new/",
        {
            "kind": "concern",
            "channel": "hotline_12345",
            "responded_on": "2026-03-02",
            "subject": "村道",
            "content": "",
            "disclosures": [draft.pk],
        },
    )
    assert response.status_code == 302
    assert list(township.responses.get().disclosures.all()) == [draft]


def test_a_moderation_decision_other_than_approve_or_reject_is_404(login, reviewer, consultation):
    comment = services.comment_submit(
        consultation=consultation, name="", body="好", today=dt.date(2026, 3, 3)
    )
    assert login(reviewer).post(f"/office/participation/comments/{comment.pk}/delete/").status_code == 404
    comment.refresh_from_db()
    assert comment.state == CommentState.PENDING


def test_a_clerk_may_not_transfer_to_an_organisation_outside_their_grants(
    login, clerk, township, other_township, ask
):
    question = ask(township)
    with pytest.raises(PermissionDenied):
        services.question_transfer(
            question=question,
            actor=clerk,
            to_organisation=other_township,
            note="x",
            today=dt.date(2026, 3, 2),
        )
    assert (
        login(clerk)
        .post(
            f"/office/participation/questions/{question.pk}/transfer/",
            {"to_organisation": other_township.pk, "note": "x"},
        )
        .status_code
        == 400
    )  # not among the choices the form offers


def test_the_clerk_transfers_a_question_to_a_village_of_the_township(login, clerk, township, village, ask):
    question = ask(township)
    response = login(clerk).post(
        f"/office/participation/questions/{question.pk}/transfer/",
        {"to_organisation": village.pk, "note": "属村务"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.organisation == village


def test_a_consultation_has_one_address_its_organisations(citizen, county, consultation):
    """Under an ancestor's address (the county lists its townships' consultations) it moves to the township's."""
    response = citizen.get(f"/org/{county.code}/consultations/{consultation.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"/org/qukou/consultations/{consultation.pk}/"
    assert citizen.get(response["Location"]).status_code == 200
