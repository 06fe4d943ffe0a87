"""The government's working-day calendar, as a pure value.

All periods of the Regulations are 工作日 (working days). A `WorkCalendar` answers "is this a working day?" from
these layers, first match wins:

1. overrides ``{date: (is_workday, note)}`` — admin-entered: a year's announced arrangement (its holidays and 调休
   working days), local holidays, corrections (see `queries.calendar_for`);
2. chinesecalendar's day-level data (2004–2026 in version 1.11; never ``Holiday.days``, which is outdated);
3. a year whose arrangement an administrator has entered (``announced_years``): its listed days are overrides,
   every other day is Monday–Friday — firm, not provisional;
4. a year not yet announced: the statutory holidays derived from 《全国年节及纪念日放假办法》 as in force that year
   (`statutory`), otherwise Monday–Friday, no 调休 guessed. Every day of such a year is *provisional*;
5. a year the rules cannot be applied to (before 1999, after the lunar table): Monday–Friday, provisional.

A deadline that counted any provisional day is provisional, with the reason (`Deadline.provisional_reason`), until
the year's arrangement is entered or the package covers it.

No database, no settings, no ``today()``: the calendar is built by the caller and passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

import chinese_calendar

from gongkai.workdays import statutory

# chinesecalendar names its holidays in English; the UI and documents use the Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

ONE_DAY = dt.timedelta(days=1)


def holiday_name_zh(name: str | None) -> str | None:
    """The Chinese name of a chinesecalendar holiday name; unknown names are returned unchanged."""
    if name is None:
        return None
    if name in HOLIDAY_NAMES_ZH:
        return HOLIDAY_NAMES_ZH[name]
    try:
        return chinese_calendar.Holiday(name).chinese
    except ValueError:
        return name


class DayKind(StrEnum):
    WORKDAY = "workday"  # an ordinary Monday–Friday working day
    ADJUSTED_WORKDAY = "adjusted_workday"  # 调休上班: a weekend day made a working day
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # 法定节假日, a rest day in lieu (调休), or a local holiday


class DaySource(StrEnum):
    OVERRIDE = "override"
    PACKAGE = "package"
    ANNOUNCED = "announced"  # a year whose arrangement was entered: a day it does not list is Monday–Friday
    DERIVED = "derived"  # a year not yet announced: statutory holidays from the 办法, else Monday–Friday
    FALLBACK = "fallback"  # Monday–Friday rule: not announced and the rules cannot be applied to the year


PROVISIONAL_SOURCES = frozenset({DaySource.DERIVED, DaySource.FALLBACK})


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    is_workday: bool
    kind: DayKind
    name: str | None  # 国庆节 / 春节 … or the override's note
    source: DaySource

    @property
    def provisional(self) -> bool:
        return self.source in PROVISIONAL_SOURCES


@lru_cache(maxsize=16384)
def _package_detail(day: dt.date) -> tuple[bool, str | None] | None:
    """(is_workday, English name) from chinesecalendar, or None when its data does not cover the year."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return (not is_holiday, name)


@lru_cache(maxsize=256)
def _statutory_map(year: int) -> Mapping[dt.date, str]:
    return MappingProxyType(dict(statutory.statutory_holidays(year)))


def package_covers(year: int) -> bool:
    """Whether the installed chinesecalendar has day-level data for `year`."""
    return _package_detail(dt.date(year, 7, 1)) is not None


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def _kind(day: dt.date, is_workday: bool, named: bool) -> DayKind:
    if is_workday:
        return DayKind.ADJUSTED_WORKDAY if _is_weekend(day) else DayKind.WORKDAY
    if named or not _is_weekend(day):
        return DayKind.HOLIDAY
    return DayKind.WEEKEND


@dataclass(frozen=True)
class Deadline:
    """A period of `workdays` working days counted from the day after `start`, and what it crossed."""

    start: dt.date
    workdays: int
    due: dt.date
    provisional: bool  # some day of the count is in a year whose arrangement is not yet announced
    fallback_days: tuple[dt.date, ...]  # those provisional days (derived or Monday–Friday)
    holidays: tuple[CalendarDay, ...]  # named rest days crossed (法定节假日, 调休 rest days, local holidays)
    adjusted_workdays: tuple[CalendarDay, ...]  # 调休 weekend working days counted
    overrides: tuple[CalendarDay, ...]  # days decided by an override
    paused_workdays: int = 0  # working days not counted because they fell in a pause

    @property
    def provisional_years(self) -> tuple[int, ...]:
        return tuple(sorted({day.year for day in self.fallback_days}))

    @property
    def provisional_reason(self) -> str:
        """Why the deadline is provisional, e.g. "2028年放假安排尚未公布，按《全国年节及纪念日放假办法》推算"."""
        return provisional_reason(self.provisional_years)

    @property
    def holiday_names(self) -> tuple[str, ...]:
        """Distinct names of the holidays crossed, in calendar order."""
        return tuple(dict.fromkeys(d.name for d in self.holidays if d.name))

    def describe(self) -> str:
        """One Chinese sentence for staff: the due date and what moved it."""
        text = f"自{self.start.isoformat()}次日起算{self.workdays}个工作日，至{self.due.isoformat()}"
        parts = []
        if self.holiday_names:
            parts.append(f"跨越{'、'.join(self.holiday_names)}假期")
        if self.adjusted_workdays:
            days = "、".join(d.date.isoformat() for d in self.adjusted_workdays)
            parts.append(f"调休上班日{days}计入")
        if self.paused_workdays:
            parts.append(f"暂停计时{self.paused_workdays}个工作日不计入")
        if parts:
            text += "（" + "；".join(parts) + "）"
        if self.provisional:
            text += f"。{self.provisional_reason}，为暂定期限"
        return text


def provisional_reason(years) -> str:
    """One sentence naming each unannounced year and how its days were counted (statutory.provisional_note)."""
    return "；".join(statutory.provisional_note(year) for year in sorted(set(years)))


class WorkCalendar:
    """Working days in the government's own calendar. Immutable; build a new one to change overrides."""

    def __init__(
        self,
        overrides: Mapping[dt.date, tuple[bool, str]] | None = None,
        *,
        announced_years: Iterable[int] = (),
    ):
        self._overrides: dict[dt.date, tuple[bool, str]] = {
            day: (bool(is_workday), note or "") for day, (is_workday, note) in (overrides or {}).items()
        }
        self._announced = frozenset(int(year) for year in announced_years)

    @property
    def announced_years(self) -> frozenset[int]:
        """Years whose arrangement was entered by an administrator (beyond what the package knows)."""
        return self._announced

    def is_announced(self, year: int) -> bool:
        """Whether `year`'s arrangement is known: in the package's data or entered."""
        return year in self._announced or package_covers(year)

    @property
    def overrides(self) -> Mapping[dt.date, tuple[bool, str]]:
        return dict(self._overrides)

    def with_overrides(self, overrides: Mapping[dt.date, tuple[bool, str]]) -> WorkCalendar:
        """A new calendar with `overrides` laid over this one's (the new ones win on the same date)."""
        return WorkCalendar({**self._overrides, **overrides}, announced_years=self._announced)

    def day(self, day: dt.date) -> CalendarDay:
        # Overrides first: local holidays and corrections take precedence over the package (calendar.md §4.3).
        if day in self._overrides:
            is_workday, note = self._overrides[day]
            return CalendarDay(
                day, is_workday, _kind(day, is_workday, bool(note)), note or None, DaySource.OVERRIDE
            )
        detail = _package_detail(day)
        if detail is None:
            return self._unlisted(day)
        is_workday, name = detail
        # get_holiday_detail also names 调休 working days, e.g. (False, 'National Day') for Sunday 2025-09-28.
        return CalendarDay(
            day, is_workday, _kind(day, is_workday, bool(name)), holiday_name_zh(name), DaySource.PACKAGE
        )

    def _unlisted(self, day: dt.date) -> CalendarDay:
        """A day neither overridden nor in the package's data (layers 3–5 of the module docstring)."""
        if day.year in self._announced:
            is_workday = not _is_weekend(day)
            return CalendarDay(day, is_workday, _kind(day, is_workday, False), None, DaySource.ANNOUNCED)
        try:
            holidays = _statutory_map(day.year)
        except statutory.CannotDerive:
            # Neither announced nor derivable: Monday–Friday, provisional (calendar.md §4.1).
            is_workday = not _is_weekend(day)
            return CalendarDay(day, is_workday, _kind(day, is_workday, False), None, DaySource.FALLBACK)
        # Not yet announced: the statutory holidays of the 办法 in force, no 调休 guessed (calendar.md §5).
        name = holidays.get(day)
        is_workday = name is None and not _is_weekend(day)
        return CalendarDay(day, is_workday, _kind(day, is_workday, bool(name)), name, DaySource.DERIVED)

    def is_workday(self, day: dt.date) -> bool:
        return self.day(day).is_workday

    def next_workday(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The Nth working day after `start` (N < 0: before). The day of the event is not counted (practice,
        regulations.md §6); the result is always a working day. n = 0 gives `next_workday(start)`."""
        if n >= 0:
            return self.deadline(start, n).due
        day, remaining = start, -n
        while remaining:
            day -= ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b`; negative when b < a. So that
        ``workdays_between(s, add_workdays(s, n)) == n`` for n ≥ 1."""
        if b < a:
            return -self.workdays_between(b, a)
        count, day = 0, a
        while day < b:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def deadline(
        self,
        start: dt.date,
        n: int,
        *,
        paused: Iterable[tuple[dt.date, dt.date]] = (),
    ) -> Deadline:
        """The Nth working day after `start`, with the holidays, 调休 and fallback days crossed.

        `paused` holds inclusive (first, last) date ranges whose working days are not counted: time spent on
        consultation is excluded from the period (Art. 33 ¶3). `start` is never counted (practice, §6).
        """
        if n < 0:
            raise ValueError("deadline() counts forward; use add_workdays() with a negative n")
        spans = [(first, last) for first, last in paused if first <= last]

        def is_paused(day: dt.date) -> bool:
            return any(first <= day <= last for first, last in spans)

        crossed: list[CalendarDay] = []
        paused_count = 0
        if n == 0:
            day = start
            info = self.day(day)
            crossed.append(info)
            while not info.is_workday or is_paused(day):
                paused_count += info.is_workday
                day += ONE_DAY
                info = self.day(day)
                crossed.append(info)
        else:
            day, remaining = start, n
            while remaining:
                day += ONE_DAY
                info = self.day(day)
                crossed.append(info)
                if info.is_workday:
                    if is_paused(day):
                        paused_count += 1
                    else:
                        remaining -= 1
        fallback = tuple(d.date for d in crossed if d.provisional)
        return Deadline(
            start=start,
            workdays=n,
            due=day,
            provisional=bool(fallback),
            fallback_days=fallback,
            holidays=tuple(d for d in crossed if d.kind is DayKind.HOLIDAY),
            adjusted_workdays=tuple(d for d in crossed if d.kind is DayKind.ADJUSTED_WORKDAY),
            overrides=tuple(d for d in crossed if d.source is DaySource.OVERRIDE),
            paused_workdays=paused_count,
        )

    def days(self, first: dt.date, last: dt.date) -> list[CalendarDay]:
        """Every day from `first` to `last` inclusive, for display (e.g. a month view)."""
        out, day = [], first
        while day <= last:
            out.append(self.day(day))
            day += ONE_DAY
        return out


# Convenience for callers with no overrides; pass a calendar from `queries.calendar_for` wherever local rules apply.
PACKAGE_CALENDAR = WorkCalendar()


def is_workday(day: dt.date, *, calendar: WorkCalendar = PACKAGE_CALENDAR) -> bool:
    return calendar.is_workday(day)


def add_workdays(start: dt.date, n: int, *, calendar: WorkCalendar = PACKAGE_CALENDAR) -> dt.date:
    return calendar.add_workdays(start, n)


def workdays_between(a: dt.date, b: dt.date, *, calendar: WorkCalendar = PACKAGE_CALENDAR) -> int:
    return calendar.workdays_between(a, b)
