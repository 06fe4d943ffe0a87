"""Reads of the working-day calendar."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gongkai.workdays import statutory
from gongkai.workdays.calendar import WorkCalendar, package_covers
from gongkai.workdays.models import CalendarOverride, YearArrangement


def _scope(organisation) -> Q:
    scope = Q(organisation__isnull=True)
    if organisation is not None:
        scope |= Q(organisation_id__in=organisation.ancestor_ids())
    return scope


def overrides_applying_to(organisation=None) -> QuerySet[CalendarOverride]:
    """Nationwide overrides, plus those declared by `organisation` or any of its ancestors."""
    return CalendarOverride.objects.filter(_scope(organisation))


def arrangements_applying_to(organisation=None) -> QuerySet[YearArrangement]:
    """Entered year arrangements that apply to `organisation`: nationwide ones and its ancestors' (its own too)."""
    return YearArrangement.objects.filter(_scope(organisation)).select_related("organisation")


def calendar_for(organisation=None) -> WorkCalendar:
    """The calendar an organisation's deadlines are counted in.

    On the same date the most specific override wins: the organisation's own over its parent's, and any local
    one over the nationwide one. Overrides in turn take precedence over chinesecalendar (calendar.md §4.3).
    """
    rows = overrides_applying_to(organisation).values_list(
        "date", "is_workday", "note", "organisation__depth"
    )
    # Nationwide rows (depth None) first, then shallow to deep, so deeper rows overwrite.
    ordered = sorted(rows, key=lambda row: -1 if row[3] is None else row[3])
    announced = arrangements_applying_to(organisation).values_list("year", flat=True)
    return WorkCalendar(
        {day: (is_workday, note) for day, is_workday, note, _depth in ordered}, announced_years=announced
    )


def overrides_in_subtree(organisation) -> QuerySet[CalendarOverride]:
    """Overrides declared by `organisation` or any organisation below it (what its administrators manage)."""
    return CalendarOverride.objects.filter(organisation__path__startswith=organisation.path).select_related(
        "organisation"
    )


def arrangements_in_subtree(organisation) -> QuerySet[YearArrangement]:
    """Arrangements declared by `organisation` or below it (what its administrators manage)."""
    return YearArrangement.objects.filter(organisation__path__startswith=organisation.path).select_related(
        "organisation"
    )


@dataclass(frozen=True)
class YearStatus:
    year: int
    state: (
        str  # "package": in chinesecalendar's data; "entered": an arrangement applies; "derived"; "fallback"
    )
    arrangement: YearArrangement | None  # the arrangement that applies (the most specific one)
    statutory_days: tuple[tuple[dt.date, str], ...]  # derived from the 办法 in force; () if not derivable
    citation: str  # the text of the 办法 the statutory days come from

    @property
    def label(self) -> str:
        return {
            "package": "已收录国务院办公厅通知",
            "entered": "已登记放假安排",
            "derived": "尚未公布：法定节假日按放假办法推算，期限为暂定",
            "fallback": "尚未公布：按周一至周五推算，期限为暂定",
        }[self.state]

    @property
    def provisional(self) -> bool:
        return self.state in ("derived", "fallback")

    @property
    def note(self) -> str:
        return statutory.provisional_note(self.year) if self.provisional else ""


def year_statuses(organisation, years) -> list[YearStatus]:
    """For each year: whether its arrangement is known to `organisation`'s calendar, and its statutory days."""
    applying = sorted(
        arrangements_applying_to(organisation),
        key=lambda a: -1 if a.organisation_id is None else a.organisation.depth,
    )
    by_year = {a.year: a for a in applying}  # deeper organisations last, so the most specific wins
    out = []
    for year in years:
        rules = statutory.rules_in_force(year)
        days = statutory.statutory_holidays(year) if statutory.derivable(year) else ()
        if year in by_year:
            state = "entered"
        elif package_covers(year):
            state = "package"
        else:
            state = "derived" if days else "fallback"
        out.append(YearStatus(year, state, by_year.get(year), days, rules.citation if rules else ""))
    return out
