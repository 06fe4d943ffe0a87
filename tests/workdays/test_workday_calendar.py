import datetime as dt

import pytest

from gongkai.workdays.calendar import (
    DayKind,
    DaySource,
    WorkCalendar,
    add_workdays,
    holiday_name_zh,
    is_workday,
    package_covers,
    workdays_between,
)

D = dt.date
CAL = WorkCalendar()


def test_twenty_workdays_from_friday_26_september_2025_end_on_30_october():
    assert CAL.add_workdays(D(2025, 9, 26), 20) == D(2025, 10, 30)


def test_the_worked_example_reports_national_day_mid_autumn_and_both_make_up_days():
    deadline = CAL.deadline(D(2025, 9, 26), 20)
    assert deadline.due == D(2025, 10, 30)
    assert not deadline.provisional
    assert deadline.holiday_names == ("国庆节", "中秋节")
    assert [d.date for d in deadline.holidays] == [D(2025, 10, day) for day in range(1, 9)]
    assert [(d.date, d.name) for d in deadline.adjusted_workdays] == [
        (D(2025, 9, 28), "国庆节"),
        (D(2025, 10, 11), "国庆节"),
    ]
    assert "国庆节、中秋节" in deadline.describe()


def test_the_worked_example_counts_the_days_exactly_as_the_table_in_calendar_md():
    start = D(2025, 9, 26)
    assert CAL.add_workdays(start, 1) == D(2025, 9, 28)
    assert CAL.add_workdays(start, 3) == D(2025, 9, 30)
    assert CAL.add_workdays(start, 4) == D(2025, 10, 9)
    assert CAL.add_workdays(start, 6) == D(2025, 10, 11)
    assert CAL.add_workdays(start, 7) == D(2025, 10, 13)
    assert CAL.add_workdays(start, 16) == D(2025, 10, 24)


def test_the_day_of_the_event_is_not_counted():
    assert CAL.add_workdays(D(2025, 9, 29), 1) == D(2025, 9, 30)


def test_spring_festival_2026_is_skipped_and_its_make_up_saturdays_count():
    deadline = CAL.deadline(D(2026, 2, 6), 20)
    assert deadline.due == D(2026, 3, 12)
    assert deadline.holiday_names == ("春节",)
    assert [d.date for d in deadline.adjusted_workdays] == [D(2026, 2, 14), D(2026, 2, 28)]
    assert D(2026, 2, 16) in [d.date for d in deadline.holidays]
    assert D(2026, 2, 23) in [d.date for d in deadline.holidays]


@pytest.mark.parametrize(
    "day", [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]
)
def test_the_2026_adjusted_working_weekends_are_working_days(day):
    info = CAL.day(day)
    assert info.is_workday
    assert info.kind is DayKind.ADJUSTED_WORKDAY


@pytest.mark.parametrize("day", [D(2026, 1, 2), D(2026, 10, 6), D(2026, 10, 7)])
def test_rest_days_in_lieu_are_holidays_not_working_days(day):
    info = CAL.day(day)
    assert not info.is_workday
    assert info.kind is DayKind.HOLIDAY


def test_an_ordinary_weekend_is_a_weekend_without_a_name():
    info = CAL.day(D(2025, 9, 27))
    assert info.kind is DayKind.WEEKEND
    assert info.name is None


def test_english_holiday_names_are_shown_in_chinese():
    assert holiday_name_zh("Spring Festival") == "春节"
    assert holiday_name_zh("National Day") == "国庆节"
    assert holiday_name_zh("Mid-autumn Festival") == "中秋节"
    assert holiday_name_zh("Tomb-sweeping Day") == "清明节"
    assert CAL.day(D(2026, 5, 1)).name == "劳动节"


def test_an_override_rest_day_takes_precedence_over_the_package():
    local = WorkCalendar({D(2025, 10, 20): (False, "本省民族节日")})
    info = local.day(D(2025, 10, 20))
    assert not info.is_workday
    assert info.source is DaySource.OVERRIDE
    assert info.kind is DayKind.HOLIDAY
    assert info.name == "本省民族节日"
    deadline = local.deadline(D(2025, 9, 26), 20)
    assert deadline.due == D(2025, 10, 31)
    assert "本省民族节日" in deadline.holiday_names
    assert [d.date for d in deadline.overrides] == [D(2025, 10, 20)]


def test_an_override_working_day_takes_precedence_over_a_package_holiday():
    cal = WorkCalendar({D(2025, 10, 8): (True, "更正")})
    assert cal.is_workday(D(2025, 10, 8))
    assert cal.add_workdays(D(2025, 9, 26), 20) == D(2025, 10, 29)


def test_with_overrides_lays_new_overrides_over_the_old_ones():
    base = WorkCalendar({D(2025, 10, 20): (False, "甲")})
    layered = base.with_overrides({D(2025, 10, 20): (True, "乙")})
    assert layered.is_workday(D(2025, 10, 20))
    assert not base.is_workday(D(2025, 10, 20))


def test_a_year_without_data_derives_its_statutory_holidays_and_is_provisional():
    monday = D(2099, 6, 1)
    assert not package_covers(2099)
    assert CAL.day(monday).source is DaySource.DERIVED
    deadline = CAL.deadline(D(2099, 6, 5), 5)  # Friday
    assert deadline.due == D(2099, 6, 12)
    assert deadline.provisional
    assert deadline.fallback_days
    assert deadline.provisional_reason == "2099年放假安排尚未公布，按《全国年节及纪念日放假办法》推算"
    assert "暂定" in deadline.describe()


def test_a_year_beyond_the_lunar_table_falls_back_to_monday_to_friday_and_says_so():
    monday = D(2100, 6, 7)
    assert CAL.day(monday).source is DaySource.FALLBACK
    deadline = CAL.deadline(D(2100, 6, 4), 5)  # Friday
    assert deadline.due == D(2100, 6, 11)
    assert deadline.provisional
    assert deadline.provisional_reason == (
        "2100年放假安排尚未公布，且无法按《全国年节及纪念日放假办法》推算，按周一至周五推算"
    )


def test_a_deadline_from_late_december_2026_is_provisional_while_2027_has_no_data():
    deadline = CAL.deadline(D(2026, 12, 24), 20)
    assert deadline.provisional is (not package_covers(2027))
    assert CAL.is_workday(deadline.due)


def test_overrides_make_days_of_a_year_without_data_firm():
    cal = WorkCalendar({D(2099, 6, 8): (True, "已确认"), D(2099, 6, 9): (False, "端午节")})
    deadline = cal.deadline(D(2099, 6, 7), 2)  # Sunday
    assert deadline.due == D(2099, 6, 10)
    assert deadline.fallback_days == (D(2099, 6, 10),)


def test_a_deadline_wholly_inside_the_data_is_not_provisional():
    assert not CAL.deadline(D(2024, 3, 1), 20).provisional


def test_workdays_between_counts_after_the_first_date_up_to_and_including_the_second():
    assert CAL.workdays_between(D(2025, 9, 26), D(2025, 10, 30)) == 20
    assert CAL.workdays_between(D(2025, 10, 30), D(2025, 9, 26)) == -20
    assert CAL.workdays_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert CAL.workdays_between(D(2025, 10, 9), D(2025, 10, 9)) == 0


def test_zero_workdays_gives_the_day_itself_or_the_next_working_day():
    assert CAL.add_workdays(D(2025, 9, 29), 0) == D(2025, 9, 29)
    assert CAL.add_workdays(D(2025, 10, 1), 0) == D(2025, 10, 9)


def test_negative_workdays_count_backwards():
    assert CAL.add_workdays(D(2025, 10, 30), -20) == D(2025, 9, 26)
    assert CAL.add_workdays(D(2025, 10, 9), -1) == D(2025, 9, 30)


def test_paused_days_are_not_counted_and_are_reported():
    deadline = CAL.deadline(D(2025, 3, 3), 5, paused=[(D(2025, 3, 5), D(2025, 3, 6))])
    assert deadline.due == D(2025, 3, 12)
    assert deadline.paused_workdays == 2


def test_the_module_level_functions_use_the_package_calendar_unless_given_one():
    assert is_workday(D(2025, 9, 28))
    assert add_workdays(D(2025, 9, 26), 20) == D(2025, 10, 30)
    assert workdays_between(D(2025, 9, 26), D(2025, 10, 30)) == 20
    local = WorkCalendar({D(2025, 9, 29): (False, "地方假日")})
    assert not is_workday(D(2025, 9, 29), calendar=local)
