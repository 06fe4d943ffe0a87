"""Reads of the working-day calendar."""

from django.db.models import Q, QuerySet

from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.models import CalendarOverride


def overrides_applying_to(organisation=None) -> QuerySet[CalendarOverride]:
    """Nationwide overrides, plus those declared by `organisation` or any of its ancestors."""
    scope = Q(organisation__isnull=True)
    if organisation is not None:
        scope |= Q(organisation_id__in=organisation.ancestor_ids())
    return CalendarOverride.objects.filter(scope)


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
    return WorkCalendar({day: (is_workday, note) for day, is_workday, note, _depth in ordered})


def overrides_in_subtree(organisation) -> QuerySet[CalendarOverride]:
    """Overrides declared by `organisation` or any organisation below it (what its administrators manage)."""
    return CalendarOverride.objects.filter(organisation__path__startswith=organisation.path).select_related(
        "organisation"
    )
