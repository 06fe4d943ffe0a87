"""The working-day clocks of 政民互动. Pure: the calendar is passed in, `today` too.

* 留言 answer period: N working days after the day it was received (the day itself not counted, as for every
  working-day period, reference/calendar.md); N is GONGKAI_QUESTION_ANSWER_WORKDAYS, default 5 (local practice
  of the 政府网站 留言 columns; 国办发〔2017〕47号《政府网站发展指引》asks for answers "in time" and the
  inspection indicators fail a column whose 留言 stay unanswered longer than 3 months).
* A transfer (转办) gives the receiving organisation a full period from the day of the transfer.
* 意见征集: open from `opens_on` for N working days (closes on the Nth working day after the opening day); the
  采纳情况 feedback is due FEEDBACK_WORKDAYS working days after closing (local rule; 国办发〔2019〕54号 asks
  that adoption be fed back, without a national period).
"""

from __future__ import annotations

import datetime as dt

from gongkai.workdays.calendar import WorkCalendar

DEFAULT_ANSWER_WORKDAYS = 5
UNANSWERED_FAIL_MONTHS = 3  # 政府网站检查指标: 留言 unanswered for more than 3 months fails the column
DEFAULT_OPEN_WORKDAYS = 20
MIN_OPEN_WORKDAYS = 5
FEEDBACK_WORKDAYS = 15


def answer_due(received_on: dt.date, *, workdays: int, calendar: WorkCalendar) -> dt.date:
    return calendar.add_workdays(received_on, workdays)


def consultation_closes_on(opens_on: dt.date, *, workdays: int, calendar: WorkCalendar) -> dt.date:
    return calendar.add_workdays(opens_on, workdays)


def feedback_due(closes_on: dt.date, *, calendar: WorkCalendar) -> dt.date:
    return calendar.add_workdays(closes_on, FEEDBACK_WORKDAYS)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of the month when it has no such day)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def unanswered_too_long(received_on: dt.date, *, today: dt.date) -> bool:
    """Open for more than UNANSWERED_FAIL_MONTHS months (the inspection's failing rule)."""
    return received_on < months_before(today, UNANSWERED_FAIL_MONTHS)
