"""When each stage of a key work is expected to be public, and whether it is late: pure functions.

A stage's rule (`Rule`) gives its expected date (应公开日期):

- ``none``: no date (an ongoing stage such as progress reports); it is a gap only if the work has ended and the
  stage still has no item.
- ``fixed``: the date the work's plan sets for the stage (`planned_on`).
- ``after_completion``: N working days after the work's completion day (竣工、颁证、入住): results are public
  information formed on that day, so 《政府信息公开条例》第二十六条 gives 20 working days. Counted as every
  period in Gongkai: the day of the event is not counted (《民法典》第二百零一条; workdays.calendar.add_workdays).
- ``before_completion``: N calendar days before the completion day (the 选举日 of an election: 《村民委员会组织法》
  第十四条 — the voters' list at least 20 days before; 第十五条 — the result on the day, N = 0).

A stage is on time when its first public item was published on or before the expected date. A gap is a stage
that is late (past its date, no item) or missing (the work's period is over, no item). A stage marked not
applicable, with its reason, is never a gap.

No database, no settings, no ``today()``: the calendar and the day are passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from gongkai.workdays.calendar import WorkCalendar


class Rule(StrEnum):
    NONE = "none"
    FIXED = "fixed"
    AFTER_COMPLETION = "after_completion"
    BEFORE_COMPLETION = "before_completion"


RULE_LABELS = {
    Rule.NONE: "不设期限（持续公开）",
    Rule.FIXED: "按计划日期",
    Rule.AFTER_COMPLETION: "完成之日起N个工作日内",
    Rule.BEFORE_COMPLETION: "关键日期前N日以前",
}


class State(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    PUBLISHED = "published"
    PUBLISHED_LATE = "published_late"
    LATE = "late"
    MISSING = "missing"
    UPCOMING = "upcoming"


STATE_LABELS = {
    State.NOT_APPLICABLE: "不适用",
    State.PUBLISHED: "已公开",
    State.PUBLISHED_LATE: "已公开（逾期）",
    State.LATE: "逾期未公开",
    State.MISSING: "未公开",
    State.UPCOMING: "待公开",
}
GAPS = frozenset({State.LATE, State.MISSING})


@dataclass(frozen=True)
class Expected:
    on: dt.date | None  # None: no date, or the rule's anchor (the completion day) is not known yet
    text: str  # how the date was found, for staff and the public


def expected(
    *,
    rule: str,
    days: int,
    planned_on: dt.date | None,
    completed_on: dt.date | None,
    calendar: WorkCalendar,
) -> Expected:
    """The expected date of a stage under its rule (see the module docstring)."""
    rule = Rule(rule)
    if rule is Rule.FIXED:
        if planned_on is None:
            return Expected(None, "计划日期未定")
        return Expected(planned_on, f"计划于{planned_on:%Y年%m月%d日}前公开")
    if rule is Rule.AFTER_COMPLETION:
        if completed_on is None:
            return Expected(None, f"完成后{days}个工作日内公开")
        # 《政府信息公开条例》第二十六条 (N = 20): the day of completion is not counted.
        due = calendar.add_workdays(completed_on, days)
        return Expected(due, f"完成（{completed_on:%Y年%m月%d日}）后{days}个工作日内，即{due:%Y年%m月%d日}前")
    if rule is Rule.BEFORE_COMPLETION:
        if completed_on is None:
            return Expected(None, f"关键日期前{days}日以前公开" if days else "关键日期当日公开")
        # 《村民委员会组织法》第十四条 (20 days before the election), 第十五条 (on the day): calendar days.
        due = completed_on - dt.timedelta(days=days)
        return Expected(due, f"{due:%Y年%m月%d日}以前公开")
    return Expected(None, "持续公开")


def state(
    *,
    not_applicable: bool,
    expected_on: dt.date | None,
    first_published_on: dt.date | None,
    work_ended: bool,
    today: dt.date,
) -> State:
    """Where a stage stands on `today`."""
    if not_applicable:
        return State.NOT_APPLICABLE
    if first_published_on is not None:
        if expected_on is not None and first_published_on > expected_on:
            return State.PUBLISHED_LATE
        return State.PUBLISHED
    if expected_on is not None and today > expected_on:
        return State.LATE
    if work_ended:
        return State.MISSING
    return State.UPCOMING
