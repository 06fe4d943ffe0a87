"""考核 of a past period reads the records as they stood at the period's end (by their event dates), not today's:
an application still open at the end of Q1 and decided late in Q2 is overdue for Q1; an item published after the
period's end neither updates a column nor ends its lateness for the period; a 留言 answered after the end was
unanswered at the end."""

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.applications import services as application_services
from gongkai.participation import services as participation_services
from gongkai.supervision import scoring

pytestmark = pytest.mark.today("2026-07-10")
TODAY = dt.date(2026, 7, 10)


@pytest.fixture
def history(township, publish, register, clerk):
    """渠口乡 in the first half of 2026, seen on 10 July."""
    publish(township, "渠口乡召开新春团拜会", kind="news", published_on=dt.date(2026, 1, 5))
    publish(township, "关于春季防火的通知", kind="notice", published_on=dt.date(2026, 3, 20))
    publish(township, "渠口乡人民政府关于春耕的通知", kind="document", published_on=dt.date(2026, 3, 20))
    # 工作动态 updated again only after the quarter ended
    publish(township, "渠口乡召开夏粮收购会", kind="news", published_on=dt.date(2026, 5, 4))
    # written 5 January (due 20 working days later, in Q1), published 20 April: unpublished at the end of Q1
    late_item = publish(
        township,
        "渠口乡2026年农机补贴实施方案",
        kind="notice",
        written_on=dt.date(2026, 1, 5),
        published_on=dt.date(2026, 4, 20),
    )
    decided_late = register(township, dt.date(2026, 2, 2))
    application_services.application_decide(
        application=decided_late,
        actor=None,
        date=dt.date(2026, 5, 20),
        decision="granted",
        reply_text="公开",
        today=dt.date(2026, 5, 20),
    )
    decided_in_time = register(township, dt.date(2026, 2, 3))
    application_services.application_decide(
        application=decided_in_time,
        actor=None,
        date=dt.date(2026, 2, 20),
        decision="granted",
        reply_text="公开",
        today=dt.date(2026, 2, 20),
    )
    question = participation_services.question_submit(
        organisation=township, subject="村道硬化", body="何时？", today=dt.date(2026, 3, 2)
    )
    participation_services.question_answer(
        question=question, actor=clerk, answer="计划于五月开工。", today=dt.date(2026, 4, 15)
    )
    return {
        "late_item": late_item,
        "decided_late": decided_late,
        "decided_in_time": decided_in_time,
        "question": question,
    }


def deductions(result, code):
    return [(d.record.object_id, d.record.label) for d in result.deductions if d.indicator.code == code]


def test_q1_reads_the_records_as_they_stood_on_31_march(township, history):
    q1 = scoring.score(township, year=2026, quarter=1, today=TODAY)
    # decided on 20 May, after the quarter: open and past its due date on 31 March
    assert deductions(q1, "application_overdue") == [
        (history["decided_late"].pk, history["decided_late"].case_number)
    ]
    # published on 20 April: still unpublished, and late, at the end of Q1
    assert deductions(q1, "item_late") == [(history["late_item"].pk, "渠口乡2026年农机补贴实施方案")]
    # the news of 4 May does not update the column for Q1: 工作动态 silent since 5 January
    assert deductions(q1, "column_failing") == [(township.pk, "栏目不更新：工作动态")]
    # answered on 15 April: unanswered past its due date at the end of Q1
    assert deductions(q1, "question_overdue") == [(history["question"].pk, "村道硬化")]
    assert q1.score == Decimal(100) - q1.deducted


def test_q2_does_not_repeat_what_belongs_to_q1_and_sees_the_column_updated(township, history):
    q2 = scoring.score(township, year=2026, quarter=2, today=TODAY)
    assert deductions(q2, "application_overdue") == []  # due in Q1
    assert deductions(q2, "question_overdue") == []
    # published late in Q2 (Art. 26): counted for the quarter it was published in too
    assert deductions(q2, "item_late") == [(history["late_item"].pk, "渠口乡2026年农机补贴实施方案")]
    # on 30 June the township's last item (and its last 工作动态) was of 4 May: both stale since 18 May
    assert deductions(q2, "column_failing") == [
        (township.pk, "栏目不更新：工作动态"),
        (township.pk, "首页不更新（14天）：首页"),
    ]


def test_the_year_so_far_counts_the_late_answer_once(township, history):
    year = scoring.score(township, year=2026, quarter=None, today=TODAY)
    assert deductions(year, "application_overdue") == [
        (history["decided_late"].pk, history["decided_late"].case_number)
    ]
    assert deductions(year, "item_late") == [(history["late_item"].pk, "渠口乡2026年农机补贴实施方案")]
