"""The statutory holidays (法定节假日) of a year, derived from 《全国年节及纪念日放假办法》 as in force that year.

The State Council's General Office announces each year's arrangement (放假安排, with its 调休 weekends) around
November of the year before. Until then the *statutory* days themselves are still known: Article 2 of the 办法
fixes them. This module derives them for any year from the text in force on 1 January of that year:

=========================  ===========  ==========================================================================
text                       in force     Article 2 (days off for all citizens)
=========================  ===========  ==========================================================================
国务院令第270号 (1999)      1999-09-18   元旦1; 春节3 (正月初一至初三); 劳动节3 (5月1日至3日); 国庆节3 (10月1日至3日)
国务院令第513号 (2007)      2008-01-01   元旦1; 春节3 (除夕、正月初一、初二); 清明节1; 劳动节1; 端午节1; 中秋节1; 国庆节3
国务院令第644号 (2013)      2014-01-01   as 2007, but 春节3 (正月初一至初三)
国务院令第795号 (2024)      2025-01-01   元旦1; 春节4 (除夕、正月初一至初三); 清明节1; 劳动节2 (5月1日、2日); 端午节1;
                                         中秋节1; 国庆节3
=========================  ===========  ==========================================================================

Only the statutory days are derived. What the yearly notice adds is not guessed: the 调休 (weekend days worked and
weekdays taken off in exchange) and the day on which a statutory holiday falling on a weekend is made up
(补假, Art. 6 — the notice names the day). A deadline counted on a derived year is therefore *provisional* until
the year's notice is entered (see `calendar.WorkCalendar`).

Lunar dates (除夕, 正月初一, 五月初五, 八月十五) come from `lunardate` (1900–2099); the 清明 solar term from
chinesecalendar's solar-term table. Pure functions: no database, no settings, no ``today()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import chinese_calendar
from lunardate import LunarDate

TITLE = "《全国年节及纪念日放假办法》"
ONE_DAY = dt.timedelta(days=1)


class Anchor(Enum):
    SOLAR = "solar"  # a fixed Gregorian date: (month, day)
    LUNAR = "lunar"  # a fixed lunar date: (lunar month, lunar day)
    LUNAR_NEW_YEAR = "lunar_new_year"  # counted from 正月初一; offset -1 is 除夕
    QINGMING = "qingming"  # the day of the 清明 solar term


@dataclass(frozen=True)
class Festival:
    name: str
    anchor: Anchor
    month: int = 0
    day: int = 0
    first_offset: int = 0  # days from the anchor to the first day off (-1: 除夕 before 正月初一)
    days: int = 1


@dataclass(frozen=True)
class Rules:
    """One text of the 办法: the decree that made it, when it took effect, and its Article 2."""

    decree: str
    in_force_from: dt.date
    festivals: tuple[Festival, ...]

    @property
    def citation(self) -> str:
        return f"{TITLE}（{self.decree}）"


NEW_YEAR = Festival("元旦", Anchor.SOLAR, 1, 1)
NATIONAL_DAY = Festival("国庆节", Anchor.SOLAR, 10, 1, days=3)
QINGMING = Festival("清明节", Anchor.QINGMING)
DRAGON_BOAT = Festival("端午节", Anchor.LUNAR, 5, 5)
MID_AUTUMN = Festival("中秋节", Anchor.LUNAR, 8, 15)

# Newest first. Article 2 of each text, as data (calendar.md §5).
RULES: tuple[Rules, ...] = (
    Rules(
        "国务院令第795号",
        dt.date(2025, 1, 1),
        (
            NEW_YEAR,
            Festival("春节", Anchor.LUNAR_NEW_YEAR, first_offset=-1, days=4),  # 除夕、正月初一至初三
            QINGMING,
            Festival("劳动节", Anchor.SOLAR, 5, 1, days=2),
            DRAGON_BOAT,
            NATIONAL_DAY,  # before 中秋节: a day that is both is named 国庆节、中秋节, as the notices print
            MID_AUTUMN,
        ),
    ),
    Rules(
        "国务院令第644号",
        dt.date(2014, 1, 1),
        (
            NEW_YEAR,
            Festival("春节", Anchor.LUNAR_NEW_YEAR, days=3),  # 正月初一、初二、初三
            QINGMING,
            Festival("劳动节", Anchor.SOLAR, 5, 1),
            DRAGON_BOAT,
            NATIONAL_DAY,  # before 中秋节: a day that is both is named 国庆节、中秋节, as the notices print
            MID_AUTUMN,
        ),
    ),
    Rules(
        "国务院令第513号",
        dt.date(2008, 1, 1),
        (
            NEW_YEAR,
            Festival("春节", Anchor.LUNAR_NEW_YEAR, first_offset=-1, days=3),  # 除夕、正月初一、初二
            QINGMING,
            Festival("劳动节", Anchor.SOLAR, 5, 1),
            DRAGON_BOAT,
            NATIONAL_DAY,  # before 中秋节: a day that is both is named 国庆节、中秋节, as the notices print
            MID_AUTUMN,
        ),
    ),
    Rules(
        "国务院令第270号",
        dt.date(1999, 9, 18),
        (
            NEW_YEAR,
            Festival("春节", Anchor.LUNAR_NEW_YEAR, days=3),  # 正月初一、初二、初三
            Festival("劳动节", Anchor.SOLAR, 5, 1, days=3),
            NATIONAL_DAY,
        ),
    ),
)


def rules_in_force(year: int) -> Rules | None:
    """The text of the 办法 in force on 1 January of `year` (for 1999, the 1999 text); None before 1999."""
    first_day = dt.date(year, 1, 1)
    for rules in RULES:
        if rules.in_force_from <= first_day or rules.in_force_from.year == year:
            return rules
    return None


class CannotDerive(ValueError):
    """The year is outside what the rules or the lunar and solar-term tables cover."""


def _qingming(year: int) -> dt.date:
    try:
        terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    except (NotImplementedError, KeyError, IndexError, ValueError) as exc:
        raise CannotDerive(f"no solar-term data for {year}") from exc
    for day, name in terms:
        if name == "清明":
            return day
    raise CannotDerive(f"no 清明 in the solar-term data for {year}")


def _lunar(year: int, month: int, day: int) -> dt.date:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError as exc:
        raise CannotDerive(f"no lunar data for {year}") from exc


def _first_day(festival: Festival, year: int) -> dt.date:
    if festival.anchor is Anchor.SOLAR:
        anchor = dt.date(year, festival.month, festival.day)
    elif festival.anchor is Anchor.LUNAR:
        anchor = _lunar(year, festival.month, festival.day)
    elif festival.anchor is Anchor.LUNAR_NEW_YEAR:
        anchor = _lunar(year, 1, 1)
    else:
        anchor = _qingming(year)
    return anchor + festival.first_offset * ONE_DAY


@lru_cache(maxsize=512)
def statutory_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    """The statutory days off of `year`, ``((date, festival name), …)`` in date order.

    Raises `CannotDerive` for a year before the 1999 text or outside the lunar-calendar table (1900–2099).
    Every festival's days fall in `year` itself: 除夕 is at the earliest 20 January.
    """
    rules = rules_in_force(year)
    if rules is None:
        raise CannotDerive(f"no text of the 办法 in force in {year}")
    days: dict[dt.date, str] = {}
    for festival in rules.festivals:
        first = _first_day(festival, year)
        for i in range(festival.days):
            # Mid-Autumn can fall on 1–3 October: the day keeps both names (国庆节、中秋节), as the notices print.
            day = first + i * ONE_DAY
            days[day] = f"{days[day]}、{festival.name}" if day in days else festival.name
    return tuple(sorted(days.items()))


def derivable(year: int) -> bool:
    try:
        statutory_holidays(year)
    except CannotDerive:
        return False
    return True


def provisional_note(year: int) -> str:
    """Why a day of `year` is provisional, in the words shown to staff and the public."""
    if derivable(year):
        return f"{year}年放假安排尚未公布，按{TITLE}推算"
    return f"{year}年放假安排尚未公布，且无法按{TITLE}推算，按周一至周五推算"
