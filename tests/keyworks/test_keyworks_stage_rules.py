"""The stage rules of key works on the working-day calendar (keyworks.rules): examples from the calendar and the
law, and properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.keyworks import kinds, rules
from gongkai.keyworks.rules import Rule, State
from gongkai.workdays.calendar import WorkCalendar

CAL = WorkCalendar()
dates = st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2028, 12, 31))
local = st.dictionaries(
    dates, st.tuples(st.booleans(), st.sampled_from(["地方假日", "调休上班", ""])), max_size=10
)


def after_completion(completed_on, days=20, calendar=CAL):
    return rules.expected(
        rule=Rule.AFTER_COMPLETION, days=days, planned_on=None, completed_on=completed_on, calendar=calendar
    )


def test_results_are_due_20_working_days_after_completion_across_the_national_day_holiday():
    # Completed Friday 26 September 2025. Counted from the next day (the day of completion is not): Sunday 28
    # September is a 调休 working day (1), 29–30 September (2–3), 1–8 October are the holiday, 9–10 October
    # (4–5), Saturday 11 October is a 调休 working day (6), then 13 October onwards: the 20th is 30 October.
    found = after_completion(dt.date(2025, 9, 26))
    assert found.on == dt.date(2025, 10, 30)
    assert "20个工作日" in found.text and "2025年10月30日" in found.text


def test_the_result_deadline_follows_a_local_holiday_on_the_calendar_passed_in():
    local_day_off = CAL.with_overrides({dt.date(2025, 10, 30): (False, "地方假日")})
    assert after_completion(dt.date(2025, 9, 26), calendar=local_day_off).on == dt.date(2025, 10, 31)


def test_the_voters_list_is_due_20_calendar_days_before_the_election_and_the_result_on_the_day():
    # 《村民委员会组织法》第十四条 (选举日的二十日以前), 第十五条 (当场公布): calendar days, weekends included.
    election = dt.date(2024, 11, 16)  # a Saturday
    voters = rules.expected(
        rule=Rule.BEFORE_COMPLETION, days=20, planned_on=None, completed_on=election, calendar=CAL
    )
    result = rules.expected(
        rule=Rule.BEFORE_COMPLETION, days=0, planned_on=None, completed_on=election, calendar=CAL
    )
    assert voters.on == dt.date(2024, 10, 27)
    assert result.on == election


def test_a_rule_waits_for_its_anchor_and_a_fixed_stage_for_its_plan():
    assert after_completion(None).on is None
    assert "完成后20个工作日内" in after_completion(None).text
    fixed = rules.expected(rule=Rule.FIXED, days=0, planned_on=None, completed_on=None, calendar=CAL)
    assert fixed.on is None and fixed.text == "计划日期未定"
    planned = rules.expected(
        rule=Rule.FIXED, days=0, planned_on=dt.date(2025, 9, 30), completed_on=None, calendar=CAL
    )
    assert planned.on == dt.date(2025, 9, 30)
    ongoing = rules.expected(
        rule=Rule.NONE, days=0, planned_on=None, completed_on=dt.date(2025, 1, 1), calendar=CAL
    )
    assert ongoing.on is None


@pytest.mark.parametrize(
    ("not_applicable", "expected_on", "first_published_on", "work_ended", "today", "state"),
    [
        (True, dt.date(2025, 1, 1), None, True, dt.date(2026, 1, 1), State.NOT_APPLICABLE),
        (False, dt.date(2025, 9, 30), dt.date(2025, 9, 30), False, dt.date(2026, 1, 1), State.PUBLISHED),
        (False, dt.date(2025, 9, 30), dt.date(2025, 10, 1), False, dt.date(2026, 1, 1), State.PUBLISHED_LATE),
        (
            False,
            dt.date(2025, 9, 30),
            None,
            False,
            dt.date(2025, 9, 30),
            State.UPCOMING,
        ),  # the last day itself
        (False, dt.date(2025, 9, 30), None, False, dt.date(2025, 10, 1), State.LATE),
        (False, None, None, True, dt.date(2026, 1, 1), State.MISSING),
        (False, None, None, False, dt.date(2026, 1, 1), State.UPCOMING),
        (False, None, dt.date(2025, 3, 1), True, dt.date(2026, 1, 1), State.PUBLISHED),
    ],
)
def test_the_state_of_a_stage(not_applicable, expected_on, first_published_on, work_ended, today, state):
    found = rules.state(
        not_applicable=not_applicable,
        expected_on=expected_on,
        first_published_on=first_published_on,
        work_ended=work_ended,
        today=today,
    )
    assert found is state
    assert (found in rules.GAPS) == (state in (State.LATE, State.MISSING))


@settings(max_examples=100, deadline=None)
@given(completed=dates, days=st.integers(min_value=1, max_value=40), overrides=local)
def test_a_result_deadline_is_a_working_day_n_working_days_after_completion(completed, days, overrides):
    cal = WorkCalendar(overrides)
    due = after_completion(completed, days, cal).on
    assert cal.is_workday(due)
    assert cal.workdays_between(completed, due) == days


@settings(max_examples=100, deadline=None)
@given(a=dates, gap=st.integers(min_value=0, max_value=60), days=st.integers(min_value=0, max_value=40))
def test_a_later_completion_never_gives_an_earlier_result_deadline(a, gap, days):
    b = a + dt.timedelta(days=gap)
    assert after_completion(b, days).on >= after_completion(a, days).on


@settings(max_examples=100, deadline=None)
@given(expected_on=dates, published=dates, today=dates)
def test_a_published_stage_is_never_a_gap_and_a_stage_is_late_only_after_its_date(
    expected_on, published, today
):
    assert (
        rules.state(
            not_applicable=False,
            expected_on=expected_on,
            first_published_on=published,
            work_ended=True,
            today=today,
        )
        not in rules.GAPS
    )
    unpublished = rules.state(
        not_applicable=False, expected_on=expected_on, first_published_on=None, work_ended=False, today=today
    )
    assert (unpublished is State.LATE) == (today > expected_on)


def test_every_default_stage_names_a_known_rule_and_category_and_a_basis_when_it_has_a_deadline():
    from gongkai.keyworks.models import Category

    for kind in kinds.DEFAULT_KINDS:
        assert kind.stages[-1].category == "result", kind.name  # every process ends with its result
        for stage in kind.stages:
            assert Rule(stage.rule) and stage.category in Category.values
            if stage.rule in (Rule.AFTER_COMPLETION, Rule.BEFORE_COMPLETION):
                assert stage.basis, f"{kind.name} · {stage.name} has a deadline without its basis"
