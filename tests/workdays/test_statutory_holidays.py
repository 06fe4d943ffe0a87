"""The statutory holidays of years not yet announced, derived from 《全国年节及纪念日放假办法》 (calendar.md §5)."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.workdays import statutory
from gongkai.workdays.calendar import DaySource, WorkCalendar, package_covers

D = dt.date
CAL = WorkCalendar()

# Every year the installed chinesecalendar has an announced arrangement for (2004–2026 in 1.11).
ANNOUNCED_YEARS = [year for year in range(2004, 2100) if package_covers(year)]
LAST_ANNOUNCED = max(ANNOUNCED_YEARS)


def test_the_package_knows_announced_years_to_check_against():
    assert ANNOUNCED_YEARS[0] == 2004
    assert list(range(2004, LAST_ANNOUNCED + 1)) == ANNOUNCED_YEARS


@pytest.mark.parametrize("year", ANNOUNCED_YEARS)
def test_the_derived_holidays_of_an_announced_year_are_days_off_in_its_announced_arrangement(year):
    for day, name in statutory.statutory_holidays(year):
        assert chinese_calendar.is_holiday(day), (day, name)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ANNOUNCED_YEARS))
def test_property_derived_holidays_are_a_subset_of_the_announced_days_off(year):
    derived = {day for day, _name in statutory.statutory_holidays(year)}
    announced_off = set(chinese_calendar.get_holidays(D(year, 1, 1), D(year, 12, 31), include_weekends=True))
    assert derived <= announced_off


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ANNOUNCED_YEARS))
def test_property_each_derived_weekday_holiday_is_named_as_a_holiday_by_the_announcement(year):
    for day, _name in statutory.statutory_holidays(year):
        if day.weekday() < 5:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            assert is_holiday and name is not None, day


@settings(max_examples=120, deadline=None)
@given(st.integers(min_value=2025, max_value=2099))
def test_property_a_year_under_the_2024_text_has_thirteen_statutory_days_in_their_seasons(year):
    days = dict(statutory.statutory_holidays(year))
    by_name: dict[str, list[dt.date]] = {}
    for day, name in days.items():
        for part in name.split("、"):
            by_name.setdefault(part, []).append(day)
    assert {k: len(v) for k, v in by_name.items()} == {
        "元旦": 1,
        "春节": 4,
        "清明节": 1,
        "劳动节": 2,
        "端午节": 1,
        "中秋节": 1,
        "国庆节": 3,
    }
    assert D(year, 1, 20) <= by_name["春节"][0] <= D(year, 2, 19)  # 除夕
    assert by_name["清明节"][0] in (D(year, 4, 4), D(year, 4, 5), D(year, 4, 6))
    assert D(year, 5, 26) <= by_name["端午节"][0] <= D(year, 6, 25)
    assert D(year, 9, 7) <= by_name["中秋节"][0] <= D(year, 10, 8)


def test_the_text_in_force_follows_the_amendments():
    assert statutory.rules_in_force(2007).decree == "国务院令第270号"
    assert statutory.rules_in_force(2008).decree == "国务院令第513号"
    assert statutory.rules_in_force(2014).decree == "国务院令第644号"
    assert statutory.rules_in_force(2024).decree == "国务院令第644号"
    assert statutory.rules_in_force(2025).decree == "国务院令第795号"
    assert statutory.rules_in_force(2028).decree == "国务院令第795号"
    assert statutory.rules_in_force(1998) is None


def test_the_spring_festival_eve_is_a_statutory_holiday_only_under_the_2007_and_2024_texts():
    # 除夕 2013: 9 February; 2014: 30 January; 2025: 28 January.
    assert (D(2013, 2, 9), "春节") in statutory.statutory_holidays(2013)
    assert D(2014, 1, 30) not in dict(statutory.statutory_holidays(2014))
    assert dict(statutory.statutory_holidays(2025))[D(2025, 1, 28)] == "春节"


def test_2028_statutory_holidays_from_the_2024_text():
    assert statutory.statutory_holidays(2028) == (
        (D(2028, 1, 1), "元旦"),
        (D(2028, 1, 25), "春节"),  # 除夕
        (D(2028, 1, 26), "春节"),  # 正月初一
        (D(2028, 1, 27), "春节"),
        (D(2028, 1, 28), "春节"),
        (D(2028, 4, 4), "清明节"),
        (D(2028, 5, 1), "劳动节"),
        (D(2028, 5, 2), "劳动节"),
        (D(2028, 5, 28), "端午节"),
        (D(2028, 10, 1), "国庆节"),
        (D(2028, 10, 2), "国庆节"),
        (D(2028, 10, 3), "国庆节、中秋节"),  # 八月十五 falls on 3 October
    )


def test_the_mid_autumn_festival_on_national_day_keeps_both_names():
    # 2020: 八月十五 was 1 October; the announcement named the holiday 国庆节、中秋节.
    assert dict(statutory.statutory_holidays(2020))[D(2020, 10, 1)] == "国庆节、中秋节"


def test_years_beyond_the_rules_or_the_lunar_table_cannot_be_derived():
    for year in (1998, 2100):
        with pytest.raises(statutory.CannotDerive):
            statutory.statutory_holidays(year)
        assert not statutory.derivable(year)


def test_a_deadline_running_into_2028_crosses_the_derived_spring_festival_and_is_provisional():
    # Received Friday 2028-01-14: 20 working days, Monday–Friday less 除夕 to 初三 (25–28 January 2028).
    deadline = CAL.deadline(D(2028, 1, 14), 20)
    assert deadline.due == D(2028, 2, 17)
    assert [d.date for d in deadline.holidays] == [
        D(2028, 1, 25),
        D(2028, 1, 26),
        D(2028, 1, 27),
        D(2028, 1, 28),
    ]
    assert deadline.holiday_names == ("春节",)
    assert all(d.source is DaySource.DERIVED for d in deadline.holidays)
    assert deadline.provisional
    assert deadline.provisional_years == (2028,)
    assert deadline.provisional_reason == "2028年放假安排尚未公布，按《全国年节及纪念日放假办法》推算"
    assert "跨越春节假期" in deadline.describe()
    assert deadline.describe().endswith(
        "2028年放假安排尚未公布，按《全国年节及纪念日放假办法》推算，为暂定期限"
    )


def test_a_derived_new_years_day_is_never_a_working_day():
    # 2027-01-01 is a Friday: a bare Monday–Friday count would have used it.
    assert not package_covers(2027) or pytest.skip("the package now covers 2027")
    day = CAL.day(D(2027, 1, 1))
    assert not day.is_workday
    assert day.name == "元旦"
    assert day.provisional
    assert CAL.deadline(D(2026, 12, 31), 1).due == D(2027, 1, 4)


def test_a_deadline_across_two_unannounced_years_names_both():
    deadline = CAL.deadline(D(2027, 12, 1), 40)
    assert deadline.provisional_years == (2027, 2028)
    assert deadline.provisional_reason == (
        "2027年放假安排尚未公布，按《全国年节及纪念日放假办法》推算；"
        "2028年放假安排尚未公布，按《全国年节及纪念日放假办法》推算"
    )


def test_an_entered_year_is_firm_monday_to_friday_outside_its_listed_days():
    cal = WorkCalendar({D(2028, 1, 1): (False, "元旦")}, announced_years=[2028])
    day = CAL.day(D(2028, 1, 26))
    assert not day.is_workday  # derived 春节
    entered = cal.day(D(2028, 1, 26))
    assert entered.is_workday  # the entered arrangement did not list it: a working day
    assert entered.source is DaySource.ANNOUNCED
    assert not cal.deadline(D(2028, 3, 1), 20).provisional
