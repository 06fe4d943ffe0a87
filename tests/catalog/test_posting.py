"""The 公示期 rule (catalog.posting): examples from the calendar and properties over any calendar."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.catalog.posting import posting_period
from gongkai.workdays.calendar import WorkCalendar

CAL = WorkCalendar()
dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2028, 12, 31))
lengths = st.integers(min_value=1, max_value=60)
local = st.dictionaries(dates, st.tuples(st.booleans(), st.just("地方调整")), max_size=20)


def test_the_publication_day_is_not_counted():
    # Published Tue 2024-04-30 (a working day): the old portal rule counted it as day 1 and ended on 5-11.
    assert posting_period(dt.date(2024, 4, 30), 7, CAL) == (dt.date(2024, 5, 6), dt.date(2024, 5, 13))


def test_a_period_crossing_national_day_counts_the_make_up_weekends():
    # calendar.md §3: from Fri 2025-09-26, working days 1–3 are Sun 9-28 (调休), 9-29, 9-30; 4th is 10-9.
    assert posting_period(dt.date(2025, 9, 26), 4, CAL) == (dt.date(2025, 9, 28), dt.date(2025, 10, 9))


def test_a_period_has_at_least_one_day():
    with pytest.raises(ValueError):
        posting_period(dt.date(2024, 4, 30), 0, CAL)


@settings(max_examples=150, deadline=None)
@given(published=dates, n=lengths, overrides=local)
def test_the_period_holds_exactly_n_working_days_between_working_days(published, n, overrides):
    cal = WorkCalendar(overrides)
    start, end = posting_period(published, n, cal)
    assert published < start <= end
    assert cal.is_workday(start) and cal.is_workday(end)
    assert cal.workdays_between(published, end) == n
    assert cal.workdays_between(published, start) == 1


@settings(max_examples=150, deadline=None)
@given(published=dates, gap=st.integers(min_value=0, max_value=30), n=lengths)
def test_a_later_publication_never_ends_earlier(published, gap, n):
    later = published + dt.timedelta(days=gap)
    assert posting_period(later, n, CAL).end >= posting_period(published, n, CAL).end
