"""Writes of 政民互动. Each is one transaction with one audit row; state changes go through `_question_move` /
`_consultation_move` (the transition table, compare-and-set, an event row where the model keeps one).

Text that may become public passes the privacy guard (privacy.detect, 条例 Art. 15): a 留言 that holds personal
data is never published; an answer or a 采纳情况 that would be published with personal data is refused; a public
comment is shown masked.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.audit.services import audit_record
from gongkai.catalog import queries as catalog_queries
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise
from gongkai.participation import clock, permissions
from gongkai.participation.models import (
    CONSULTATION_TRANSITIONS,
    QUESTION_TRANSITIONS,
    Comment,
    CommentState,
    Consultation,
    ConsultationState,
    Question,
    QuestionEvent,
    QuestionState,
    Response,
    ResponseChannel,
    ResponseKind,
)
from gongkai.privacy.detect import scan_text
from gongkai.workdays.queries import calendar_for


class ParticipationError(DomainError):
    pass


def answer_workdays() -> int:
    return int(getattr(settings, "QUESTION_ANSWER_WORKDAYS", clock.DEFAULT_ANSWER_WORKDAYS))


def _personal_data_labels(*texts: str) -> list[str]:
    labels: list[str] = []
    for text in texts:
        for finding in scan_text(text or ""):
            if finding.label not in labels:
                labels.append(finding.label)
    return labels


# ---- 留言咨询 ---------------------------------------------------------------------------------------------------


def question_submit(
    *,
    organisation,
    subject: str,
    body: str,
    asker_name: str = "",
    asker_phone: str = "",
    wants_private: bool = False,
    today: dt.date,
    ip_address: str | None = None,
    is_demo: bool = False,
) -> Question:
    """A public 留言 to `organisation`, received today; due after the answer period. The privacy guard marks
    it `holds_personal_data` (never published). Writes a QuestionEvent `received` and `participation.question_submit`."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise ParticipationError("请填写留言标题和内容")
    question = Question(
        organisation=organisation,
        subject=subject,
        body=body,
        asker_name=(asker_name or "").strip(),
        asker_phone=(asker_phone or "").strip(),
        wants_private=wants_private,
        holds_personal_data=bool(_personal_data_labels(subject, body)),
        received_on=today,
        due_on=clock.answer_due(today, workdays=answer_workdays(), calendar=calendar_for(organisation)),
        is_demo=is_demo,
    )
    full_clean_or_raise(question)
    with transaction.atomic():
        question.save()
        QuestionEvent.objects.create(
            question=question, kind="received", at=timezone.now(), to_organisation=organisation
        )
        audit_record(
            actor=None,
            action="participation.question_submit",
            obj=question,
            organisation=organisation,
            after={"subject": subject, "due_on": question.due_on.isoformat()},
            ip_address=ip_address,
        )
    return question


def _question_move(
    *, question: Question, actor, to: str, updates: dict, event: dict, action: str
) -> Question:
    frm = question.state
    if to not in QUESTION_TRANSITIONS[frm]:
        raise ParticipationError(f"“{QuestionState(frm).label}”的留言不能再办理")
    with transaction.atomic():
        if Question.objects.filter(pk=question.pk, state=frm).update(state=to, **updates) != 1:
            raise ParticipationError("该留言已被他人办理，请刷新页面后重试")
        before = {name: _plain(getattr(question, name)) for name in updates}
        for name, value in {"state": to, **updates}.items():
            setattr(question, name, value)
        QuestionEvent.objects.create(question=question, at=timezone.now(), actor=actor, **event)
        audit_record(
            actor=actor,
            action=action,
            obj=question,
            organisation=question.organisation,
            before={"state": frm, **before},
            after={"state": to, **{k: _plain(v) for k, v in updates.items()}},
        )
    return question


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def question_answer(*, question: Question, actor, answer: str, today: dt.date) -> Question:
    """Answer an open 留言. It is published with its answer unless the asker declined or it holds personal
    data; an answer to be published must itself be free of personal data. Writes `participation.question_answer`."""
    permissions.require(permissions.can_handle(actor, question.organisation), "您没有权限答复该留言")
    answer = (answer or "").strip()
    if not answer:
        raise ParticipationError("请填写答复内容", field="answer")
    publish = not (question.wants_private or question.holds_personal_data)
    found = _personal_data_labels(answer)
    if publish and found:
        raise ParticipationError(
            f"答复内容含有个人信息（{'、'.join(found)}），该留言将随答复公开，请删除后再提交", field="answer"
        )
    return _question_move(
        question=question,
        actor=actor,
        to=QuestionState.ANSWERED,
        updates={"answer": answer, "answered_on": today, "answered_by": actor, "is_public": publish},
        event={"kind": "answered"},
        action="participation.question_answer",
    )


def question_transfer(*, question: Question, actor, to_organisation, note: str, today: dt.date) -> Question:
    """转办: the open 留言 moves to another organisation, which gets a full answer period from today.
    The actor must handle both. Writes `participation.question_transfer`."""
    permissions.require(permissions.can_handle(actor, question.organisation), "您没有权限转办该留言")
    permissions.require(permissions.can_handle(actor, to_organisation), "您没有权限转办至该机构")
    if to_organisation.pk == question.organisation_id:
        raise ParticipationError("请选择其他机构", field="to_organisation")
    if not (note or "").strip():
        raise ParticipationError("请填写转办说明", field="note")
    due = clock.answer_due(today, workdays=answer_workdays(), calendar=calendar_for(to_organisation))
    frm = question.organisation
    return _question_move(
        question=question,
        actor=actor,
        to=QuestionState.OPEN,
        updates={"organisation": to_organisation, "due_on": due},
        event={
            "kind": "transferred",
            "from_organisation": frm,
            "to_organisation": to_organisation,
            "note": note,
        },
        action="participation.question_transfer",
    )


# ---- 意见征集 ---------------------------------------------------------------------------------------------------


def consultation_open(
    *,
    organisation,
    actor,
    draft,
    open_workdays: int,
    opens_on: dt.date,
    title: str = "",
    is_demo: bool = False,
) -> Consultation:
    """Open a 意见征集 on a published 征求意见稿 of the organisation (or below it), for `open_workdays` working
    days from `opens_on`. Writes `participation.consultation_open`."""
    permissions.require(permissions.can_handle(actor, organisation), "您没有权限发起意见征集")
    if not catalog_queries.drafts_for_comment(organisation).filter(pk=draft.pk).exists():
        raise ParticipationError("请选择本机构已发布的“征求意见稿”", field="draft")
    if open_workdays < clock.MIN_OPEN_WORKDAYS:
        raise ParticipationError(f"征集期不少于{clock.MIN_OPEN_WORKDAYS}个工作日", field="open_workdays")
    calendar = calendar_for(organisation)
    closes_on = clock.consultation_closes_on(opens_on, workdays=open_workdays, calendar=calendar)
    consultation = Consultation(
        organisation=organisation,
        draft=draft,
        title=(title or "").strip() or draft.title,
        opens_on=opens_on,
        open_workdays=open_workdays,
        closes_on=closes_on,
        feedback_due_on=clock.feedback_due(closes_on, calendar=calendar),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_demo=is_demo,
    )
    full_clean_or_raise(consultation)
    with transaction.atomic():
        consultation.save()
        audit_record(
            actor=actor,
            action="participation.consultation_open",
            obj=consultation,
            organisation=organisation,
            after={
                "draft_id": draft.pk,
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
            },
        )
    return consultation


def is_accepting(consultation: Consultation, today: dt.date) -> bool:
    return (
        consultation.state == ConsultationState.OPEN
        and consultation.opens_on <= today <= consultation.closes_on
    )


def comment_submit(
    *,
    consultation: Consultation,
    name: str,
    body: str,
    today: dt.date,
    ip_address: str | None = None,
    is_demo: bool = False,
) -> Comment:
    """A public comment, pending moderation. Refused outside the open period. Writes `participation.comment_submit`."""
    if not is_accepting(consultation, today):
        raise ParticipationError("该意见征集不在征集期内，不能提交意见")
    body = (body or "").strip()
    if not body:
        raise ParticipationError("请填写意见建议", field="body")
    comment = Comment(
        consultation=consultation,
        name=(name or "").strip(),
        body=body,
        holds_personal_data=bool(_personal_data_labels(body)),
        submitted_at=timezone.now(),
        is_demo=is_demo,
    )
    full_clean_or_raise(comment)
    with transaction.atomic():
        comment.save()
        audit_record(
            actor=None,
            action="participation.comment_submit",
            obj=comment,
            organisation=consultation.organisation,
            after={"consultation_id": consultation.pk},
            ip_address=ip_address,
        )
    return comment


def comment_moderate(*, comment: Comment, actor, approve: bool) -> Comment:
    """Show (masked) or hide a pending comment. Writes `participation.comment_moderate`."""
    organisation = comment.consultation.organisation
    permissions.require(permissions.can_moderate(actor, organisation), "您没有权限审核意见")
    to = CommentState.APPROVED if approve else CommentState.REJECTED
    now = timezone.now()
    with transaction.atomic():
        updated = Comment.objects.filter(pk=comment.pk, state=CommentState.PENDING).update(
            state=to, moderated_by=actor, moderated_at=now
        )
        if updated != 1:
            raise ParticipationError("该意见已被审核，请刷新页面")
        comment.state, comment.moderated_by, comment.moderated_at = to, actor, now
        audit_record(
            actor=actor,
            action="participation.comment_moderate",
            obj=comment,
            organisation=organisation,
            before={"state": CommentState.PENDING},
            after={"state": to},
        )
    return comment


def _consultation_move(*, consultation: Consultation, actor, to: str, updates: dict, action: str):
    frm = consultation.state
    if to not in CONSULTATION_TRANSITIONS[frm]:
        raise ParticipationError(
            f"“{ConsultationState(frm).label}”的意见征集不能转为“{ConsultationState(to).label}”"
        )
    with transaction.atomic():
        if Consultation.objects.filter(pk=consultation.pk, state=frm).update(state=to, **updates) != 1:
            raise ParticipationError("该意见征集已被他人办理，请刷新页面后重试")
        for name, value in {"state": to, **updates}.items():
            setattr(consultation, name, value)
        audit_record(
            actor=actor,
            action=action,
            obj=consultation,
            organisation=consultation.organisation,
            before={"state": frm},
            after={"state": to, **{k: _plain(v) for k, v in updates.items()}},
        )
    return consultation


def consultation_close(*, consultation: Consultation, actor, today: dt.date) -> Consultation:
    """征集中 → 已截止, once the period is over (actor None: the daily job). Writes `participation.consultation_close`."""
    if actor is not None:
        permissions.require(
            permissions.can_handle(actor, consultation.organisation), "您没有权限办理该意见征集"
        )
    if today <= consultation.closes_on:
        raise ParticipationError(f"征集期至{consultation.closes_on:%Y年%m月%d日}，截止后方可结束征集")
    return _consultation_move(
        consultation=consultation,
        actor=actor,
        to=ConsultationState.CLOSED,
        updates={},
        action="participation.consultation_close",
    )


def consultations_close_due(*, today: dt.date) -> int:
    """The daily job: close every open consultation whose period has ended. Returns how many were closed."""
    closed = 0
    for consultation in Consultation.objects.filter(state=ConsultationState.OPEN, closes_on__lt=today):
        try:
            consultation_close(consultation=consultation, actor=None, today=today)
        except ParticipationError:
            continue  # closed by someone else meanwhile
        closed += 1
    return closed


def consultation_publish_feedback(*, consultation: Consultation, actor, feedback: str, today: dt.date):
    """Publish the 采纳情况 of a closed consultation (public at once; free of personal data; no pending comment
    left). Writes `participation.consultation_feedback`."""
    permissions.require(permissions.can_moderate(actor, consultation.organisation), "您没有权限发布采纳情况")
    feedback = (feedback or "").strip()
    if not feedback:
        raise ParticipationError("请填写意见采纳情况", field="feedback")
    found = _personal_data_labels(feedback)
    if found:
        raise ParticipationError(
            f"采纳情况含有个人信息（{'、'.join(found)}），请删除后再发布", field="feedback"
        )
    if consultation.comments.filter(state=CommentState.PENDING).exists():
        raise ParticipationError("尚有未审核的意见，请先审核全部意见")
    return _consultation_move(
        consultation=consultation,
        actor=actor,
        to=ConsultationState.FEEDBACK_PUBLISHED,
        updates={"feedback": feedback, "feedback_published_on": today},
        action="participation.consultation_feedback",
    )


# ---- 回应关切 / 回应解读 ---------------------------------------------------------------------------------------------


def response_create(
    *,
    organisation,
    actor,
    kind: str,
    channel: str,
    responded_on: dt.date,
    subject: str,
    content: str = "",
    disclosures=(),
    question: Question | None = None,
    is_demo: bool = False,
) -> Response:
    """Record a 回应关切 / 回应解读 and link it to the items (published disclosures of the subtree) it answers.
    Writes `participation.response_create`."""
    permissions.require(permissions.can_handle(actor, organisation), "您没有权限登记回应")
    if kind not in ResponseKind.values:
        raise ParticipationError("请选择回应类型", field="kind")
    if channel not in ResponseChannel.values:
        raise ParticipationError("请选择回应渠道", field="channel")
    disclosures = list(disclosures)
    foreign = [d for d in disclosures if not d.organisation.path.startswith(organisation.path)]
    if foreign:
        raise ParticipationError("只能关联本机构及下属机构的信息", field="disclosures")
    response = Response(
        organisation=organisation,
        kind=kind,
        channel=channel,
        responded_on=responded_on,
        subject=(subject or "").strip(),
        content=(content or "").strip(),
        question=question,
        is_demo=is_demo,
    )
    full_clean_or_raise(response)
    with transaction.atomic():
        response.save()
        response.disclosures.set(disclosures)
        audit_record(
            actor=actor,
            action="participation.response_create",
            obj=response,
            organisation=organisation,
            after={
                "kind": kind,
                "channel": channel,
                "subject": response.subject,
                "disclosure_ids": [d.pk for d in disclosures],
            },
        )
    return response
