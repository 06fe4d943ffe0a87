"""Reads of 政民互动 shared by the office, the public pages, the supervision board and the annual report.

One filter per figure serves both the count and the list of records behind it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from gongkai.orgs.queries import belongs_to
from gongkai.participation import clock
from gongkai.participation.models import (
    Comment,
    CommentState,
    Consultation,
    ConsultationState,
    Question,
    QuestionState,
    Response,
    ResponseKind,
)
from gongkai.privacy.detect import mask_text
from gongkai.privacy.mask import mask_mobile, mask_name


def questions_in(organisation, *, include_children: bool = True) -> QuerySet[Question]:
    return Question.objects.filter(
        belongs_to(organisation, include_children=include_children)
    ).select_related("organisation")


def open_questions_filter() -> Q:
    return Q(state=QuestionState.OPEN)


def overdue_questions_filter(today: dt.date) -> Q:
    """Open past their answer period."""
    return Q(state=QuestionState.OPEN, due_on__lt=today)


def long_unanswered_filter(today: dt.date) -> Q:
    """Open for more than 3 months: the inspection fails the 留言 column (clock.UNANSWERED_FAIL_MONTHS)."""
    return Q(
        state=QuestionState.OPEN, received_on__lt=clock.months_before(today, clock.UNANSWERED_FAIL_MONTHS)
    )


def public_questions(organisation) -> QuerySet[Question]:
    """Answered, published 留言 of the organisation's subtree (never those the asker kept private or that hold
    personal data: `is_public` is set by question_answer)."""
    return (
        questions_in(organisation)
        .filter(state=QuestionState.ANSWERED, is_public=True)
        .order_by("-answered_on", "-id")
    )


def public_question(organisation, pk) -> Question | None:
    return public_questions(organisation).filter(pk=pk).first()


def masked_asker(question: Question) -> str:
    """The asker as the public sees them: 张** · 138****5678; 匿名 without a name."""
    parts = [mask_name(question.asker_name) if question.asker_name else "匿名网友"]
    if question.asker_phone:
        parts.append(mask_mobile(question.asker_phone))
    return " · ".join(parts)


def consultations_in(organisation, *, include_children: bool = True) -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        belongs_to(organisation, include_children=include_children)
    ).select_related("organisation", "draft")


def public_consultations(organisation) -> QuerySet[Consultation]:
    """Every consultation of the subtree on a draft the public may see (the draft is published)."""
    return consultations_in(organisation).filter(draft__status="published")


def overdue_feedback_filter(today: dt.date) -> Q:
    """Closed (or past its period) with the 采纳情况 not published after the feedback period."""
    return Q(feedback_due_on__lt=today) & ~Q(state=ConsultationState.FEEDBACK_PUBLISHED)


def public_comments(consultation: Consultation) -> list[dict]:
    """Approved comments as the public sees them: name and text masked by the privacy guard."""
    rows = consultation.comments.filter(state=CommentState.APPROVED).order_by("submitted_at", "id")
    return [
        {
            "name": mask_name(c.name) if c.name else "匿名网友",
            "body": mask_text(c.body),
            "submitted_at": c.submitted_at,
        }
        for c in rows
    ]


def comment_counts(consultation: Consultation) -> dict[str, int]:
    counts = dict(consultation.comments.order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in CommentState.values}


def pending_comments(organisations) -> QuerySet[Comment]:
    return Comment.objects.filter(
        state=CommentState.PENDING, consultation__organisation__in=organisations
    ).select_related("consultation")


def responses_in(organisation, *, include_children: bool = True) -> QuerySet[Response]:
    return Response.objects.filter(belongs_to(organisation, include_children=include_children))


def year_counts(organisation, year: int, *, include_children: bool = True) -> dict[str, int]:
    """The annual report's narrative counts of 政民互动 for the subtree and year (aggregate SQL)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    questions = questions_in(organisation, include_children=include_children).filter(
        received_on__gte=first, received_on__lte=last
    )
    q = questions.aggregate(
        received=Count("id"),
        answered=Count("id", filter=Q(state=QuestionState.ANSWERED)),
        published=Count("id", filter=Q(is_public=True)),
    )
    consultations = consultations_in(organisation, include_children=include_children).filter(
        opens_on__gte=first, opens_on__lte=last
    )
    c = consultations.aggregate(
        held=Count("id", distinct=True),
        comments=Count("comments", distinct=True),
        fed_back=Count("id", filter=Q(state=ConsultationState.FEEDBACK_PUBLISHED), distinct=True),
    )
    r = (
        responses_in(organisation, include_children=include_children)
        .filter(responded_on__gte=first, responded_on__lte=last)
        .aggregate(
            concerns=Count("id", filter=Q(kind=ResponseKind.CONCERN)),
            interpretations=Count("id", filter=Q(kind=ResponseKind.INTERPRETATION)),
            press=Count("id", filter=Q(channel="press")),
            hotline_12345=Count("id", filter=Q(channel="hotline_12345")),
        )
    )
    return {
        "questions_received": q["received"],
        "questions_answered": q["answered"],
        "questions_published": q["published"],
        "consultations_held": c["held"],
        "consultation_comments": c["comments"],
        "consultations_fed_back": c["fed_back"],
        "responses_concern": r["concerns"],
        "responses_interpretation": r["interpretations"],
        "responses_press": r["press"],
        "responses_12345": r["hotline_12345"],
    }
