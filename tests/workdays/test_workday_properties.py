import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.workdays.calendar import WorkCalendar

CAL = WorkCalendar()
# Covers package years, the 2026→2027 edge and fallback years.
dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2028, 12, 31))
counts = st.integers(min_value=0, max_value=60)
local = st.dictionaries(
    dates, st.tuples(st.booleans(), st.sampled_from(["地方假日", "调休上班", ""])), max_size=20
)


@settings(max_examples=150, deadline=None)
@given(start=dates, n=counts, overrides=local)
def test_a_due_date_is_always_a_working_day(start, n, overrides):
    cal = WorkCalendar(overrides)
    assert cal.is_workday(cal.add_workdays(start, n))


@settings(max_examples=150, deadline=None)
@given(a=dates, gap=st.integers(min_value=0, max_value=40), n=counts, overrides=local)
def test_a_later_start_never_gives_an_earlier_due_date(a, gap, n, overrides):
    cal = WorkCalendar(overrides)
    b = a + dt.timedelta(days=gap)
    assert cal.add_workdays(b, n) >= cal.add_workdays(a, n)


@settings(max_examples=150, deadline=None)
@given(start=dates, n=counts, overrides=local)
def test_n_working_days_forward_then_back_returns_a_working_start(start, n, overrides):
    cal = WorkCalendar(overrides)
    start = cal.next_workday(start)
    assert cal.add_workdays(cal.add_workdays(start, n), -n) == start


@settings(max_examples=150, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=60))
def test_counting_the_working_days_up_to_the_due_date_gives_n(start, n):
    assert CAL.workdays_between(start, CAL.add_workdays(start, n)) == n


@settings(max_examples=100, deadline=None)
@given(start=dates, n=st.integers(min_value=-60, max_value=60))
def test_from_a_working_day_the_calendar_agrees_with_chinesecalendar_find_workday(start, n):
    start = CAL.next_workday(start)
    try:
        expected = chinese_calendar.find_workday(n, start)
    except NotImplementedError:
        return
    assert CAL.add_workdays(start, n) == expected


def test_from_a_rest_day_the_first_working_day_after_it_is_day_one_unlike_find_workday():
    # calendar.md §1: the event day is not counted; the Nth working day after it is the deadline.
    # find_workday first moves a rest day to the next working day and calls that day 0.
    new_year = dt.date(2004, 1, 1)
    assert CAL.add_workdays(new_year, 1) == dt.date(2004, 1, 2)
    assert chinese_calendar.find_workday(1, new_year) == dt.date(2004, 1, 5)
