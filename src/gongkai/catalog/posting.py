"""The 公示期 (posting period) of a 公示, as a pure function of its publication date, its length and a calendar.

A 公示 (a list such as 低保 初审对象, a subsidy list) stays up for a posting period of N working days
(工作日), e.g. 7 working days for the 低保 initial review in some catalogs (catalog.md, privacy.md §2). The
length is set per item (`Disclosure.posting_days`); the rule here only counts it.

Counting (regulations.md §6, calendar.md §1; the general rule for periods counted in days, 《民法典》第二百零一条:
开始的当日不计入, 自下一日开始计算):

- The day of publication (发布日期) is the triggering event and is **not counted**. The notice is visible from
  that day, but the N working days start on the next working day.
- ``start`` is the first working day after the publication date; ``end`` is the Nth working day after it
  (``WorkCalendar.add_workdays(published_on, N)``). Weekends and statutory holidays are skipped, 调休 working
  weekends count, and ``end`` is always a working day. So ``start`` to ``end`` inclusive holds exactly N working
  days, and ``workdays_between(published_on, end) == N``.
- The period is *current* on every day up to and including ``end``; it has ended from the day after.

Until 2026-12 there were two rules in the code: the office counted N working days after publication (this rule);
the public portal counted the publication day itself as day 1 when it was a working day, so for an item
published on a working day it ended one working day earlier than the office said. The portal's rule counted the
triggering day, against the convention every other period in Gongkai follows (the Art. 26 publication limit,
the Art. 33 answer period), so the office's rule is kept and the portal now reads the stored dates.

The result is stored on the item when it is published (`Disclosure.posting_starts_on`, `posting_ends_on`) and read
from there everywhere: the office, the portal, the "current postings" filter. No database, no ``today()``.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from gongkai.workdays.calendar import WorkCalendar


class PostingPeriod(NamedTuple):
    start: dt.date  # the first counted working day
    end: dt.date  # the last day of the 公示期 (a working day)


def posting_period(published_on: dt.date, posting_days: int, calendar: WorkCalendar) -> PostingPeriod:
    """The 公示期 of `posting_days` working days for an item published on `published_on` (see module doc)."""
    if posting_days < 1:
        raise ValueError("a 公示期 has at least one working day")
    return PostingPeriod(
        start=calendar.add_workdays(published_on, 1),
        end=calendar.add_workdays(published_on, posting_days),
    )
