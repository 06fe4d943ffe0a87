"""Reads of 依申请公开 shared by views, commands and the annual report.

Table B (annual-report-format.md §3) is counted with aggregate SQL over an organisation's subtree: one GROUP BY per
row family, never a loop over the records. (Table C, the reviews and lawsuits, is counted in oversight.queries.)

Year semantics (Table B):
- received (一): received_on in the year;
- carried_in (二): received before 1 January, not decided (closed) on 31 December of the previous year;
- each decision row: decided (closed) in the year, by its decision code;
- total (七): the sum of the decision rows;
- carried_out (四): received on or before 31 December, not decided on 31 December.
An online application awaiting the organ's confirmation (Art. 31(3)) is not yet received: in no row.
Every case received by the end of the year is either decided in some year or carried out, so
received + carried_in = total + carried_out holds per column by construction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from gongkai.applications.clock import FEE_PAUSES_CLOCK, ClockState, ClockStatus, compute_clock
from gongkai.applications.decisions import APPLICANT_CODES, DECISION_CODES
from gongkai.applications.models import Application, ApplicationEvent, FeeNotice, Stage
from gongkai.applications.permissions import HANDLE_ROLES
from gongkai.orgs.models import Membership
from gongkai.orgs.queries import belongs_to
from gongkai.workdays.queries import calendar_for

TABLE_B_ROWS: tuple[str, ...] = ("received", "carried_in", *DECISION_CODES, "total", "carried_out")
TABLE_B_COLUMNS: tuple[str, ...] = (*APPLICANT_CODES, "total")


def in_subtree(organisation, *, include_children: bool = True) -> QuerySet[Application]:
    """The organisation's applications, with its subordinate organisations' when `include_children`."""
    return Application.objects.filter(belongs_to(organisation, include_children=include_children))


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _undecided_on(day: dt.date) -> Q:
    return Q(decided_on__isnull=True) | Q(decided_on__gt=day)


# Art. 31(3): an online application not yet confirmed has not been received; it is in no row until confirmed,
# and then counts in the year of its confirmation (its `received_on` moves to that day).
_RECEIVED = Q(awaiting_confirmation=False)


def table_b_row_filter(row: str, year: int) -> Q:
    """The condition that puts an application in row `row` of Table B for `year` (any column)."""
    first, last = _bounds(year)
    if row == "received":
        return _RECEIVED & Q(received_on__gte=first, received_on__lte=last)
    if row == "carried_in":
        return _RECEIVED & Q(received_on__lt=first) & _undecided_on(first - dt.timedelta(days=1))
    if row == "carried_out":
        return _RECEIVED & Q(received_on__lte=last) & _undecided_on(last)
    if row == "total":
        return Q(decided_on__gte=first, decided_on__lte=last)
    if row in DECISION_CODES:
        return Q(decided_on__gte=first, decided_on__lte=last, decision=row)
    raise KeyError(row)


def table_b(organisation, year: int, *, include_children: bool = True) -> dict[tuple[str, str], int]:
    """Table B of `organisation` (with its subtree when `include_children`) for `year`: {(row code, column
    code): count} for the 25 rows × 7 columns of the 2021 format (codes as in reports.tables, glossary.md)."""
    counts: dict[tuple[str, str], int] = {(r, c): 0 for r in TABLE_B_ROWS for c in TABLE_B_COLUMNS}
    base = in_subtree(organisation, include_children=include_children)
    for row in ("received", "carried_in", "carried_out"):
        grouped = (
            base.filter(table_b_row_filter(row, year))
            .values("applicant_column")
            .annotate(n=Count("id"))
            .order_by()
        )
        for item in grouped:
            counts[(row, item["applicant_column"])] = item["n"]
    decided = (
        base.filter(table_b_row_filter("total", year))
        .values("applicant_column", "decision")
        .annotate(n=Count("id"))
        .order_by()
    )
    for item in decided:
        # A closed case always has a decision code (services refuse one without); guard the row anyway.
        row = item["decision"] if item["decision"] in DECISION_CODES else "other_misc"
        counts[(row, item["applicant_column"])] += item["n"]
    for column in APPLICANT_CODES:
        counts[("total", column)] = sum(counts[(code, column)] for code in DECISION_CODES)
    for row in TABLE_B_ROWS:
        counts[(row, "total")] = sum(counts[(row, column)] for column in APPLICANT_CODES)
    return counts


def table_b_records(
    organisation, year: int, row: str, column: str = "total", *, include_children: bool = True
) -> QuerySet[Application]:
    """The applications behind one Table B cell (traceability)."""
    qs = in_subtree(organisation, include_children=include_children).filter(table_b_row_filter(row, year))
    if column != "total":
        qs = qs.filter(applicant_column=column)
    return qs.select_related("organisation").order_by("received_on", "id")


def fees_collected(organisation, year: int, *, include_children: bool = True):
    """信息处理费 collected in the year (元), for part 六 of the annual report."""
    total = FeeNotice.objects.filter(
        application__in=in_subtree(organisation, include_children=include_children), paid_on__year=year
    ).aggregate(s=Sum("amount_collected"))["s"]
    return total or 0


# ---- the office queue ---------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    application: Application
    clock: ClockStatus | None
    error: str = ""

    @property
    def state(self) -> str:
        return self.clock.state.value if self.clock else ""


class CalendarCache(dict):
    def for_org(self, organisation):
        if organisation.pk not in self:
            self[organisation.pk] = calendar_for(organisation)
        return self[organisation.pk]


def events_of(application: Application) -> list[tuple]:
    """The events of an application as the clock reads them, in date order."""
    return [e.as_clock_event() for e in application.events.order_by("date", "id")]


def clock_of(application: Application, *, today: dt.date, calendar=None) -> ClockStatus:
    """The clock of one application on `today` (raises `clock.ClockError` for an impossible history)."""
    calendar = calendar or calendar_for(application.organisation)
    return compute_clock(events_of(application), calendar, today=today, fee_pauses_clock=FEE_PAUSES_CLOCK)


def clock_when(event: ApplicationEvent, *, calendar=None) -> ClockStatus:
    """The clock as it stood on the day `event` was recorded: the events up to and including it, on its date. What
    a letter written for that event says (a later pause must not change a letter already sent)."""
    application = event.application
    calendar = calendar or calendar_for(application.organisation)
    history = application.events.filter(Q(date__lt=event.date) | Q(date=event.date, id__lte=event.id))
    return compute_clock(
        [e.as_clock_event() for e in history.order_by("date", "id")],
        calendar,
        today=event.date,
        fee_pauses_clock=FEE_PAUSES_CLOCK,
    )


def with_clocks(applications, *, today: dt.date, calendars: CalendarCache | None = None) -> list[QueueRow]:
    """Clock of each application; events in one query, one calendar per organisation."""
    applications = list(applications)
    calendars = calendars if calendars is not None else CalendarCache()
    events = defaultdict(list)
    for e in ApplicationEvent.objects.filter(application__in=applications).order_by("date", "id"):
        events[e.application_id].append(e.as_clock_event())
    rows = []
    for application in applications:
        try:
            status = compute_clock(
                events[application.pk],
                calendars.for_org(application.organisation),
                today=today,
                fee_pauses_clock=FEE_PAUSES_CLOCK,
            )
            rows.append(QueueRow(application, status))
        except Exception as exc:  # a broken history must not hide the rest of the queue
            rows.append(QueueRow(application, None, str(exc)))
    return rows


def queue(
    *,
    organisation,
    today: dt.date,
    state: str = "",
    assignee=None,
    unassigned: bool = False,
    include_closed: bool = False,
) -> list[QueueRow]:
    """Applications of the subtree with their clocks, filtered by derived state. Only open cases need the clock;
    closed ones are 已办结 without computing it."""
    qs = in_subtree(organisation).select_related("organisation", "assignee")
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if unassigned:
        qs = qs.filter(assignee__isnull=True)
    if state == ClockState.CLOSED:
        qs = qs.exclude(stage=Stage.OPEN)
    elif state or not include_closed:
        qs = qs.filter(stage=Stage.OPEN)
    rows = with_clocks(qs.order_by("received_on", "id"), today=today)
    if state and state != ClockState.CLOSED:
        rows = [r for r in rows if r.state == state]
    return rows


def due_for_digest(*, today: dt.date) -> dict:
    """Open cases that are due soon or overdue, grouped by the staff member responsible: the assignee, or for an
    unassigned case the handlers of its organisation."""
    rows = with_clocks(
        Application.objects.filter(stage=Stage.OPEN, assignee__isnull=False).select_related(
            "organisation", "assignee"
        ),
        today=today,
    )
    grouped: dict = defaultdict(list)
    for row in rows:
        if row.state in (ClockState.DUE_SOON, ClockState.OVERDUE):
            grouped[row.application.assignee].append(row)
    # Unassigned cases go to every handler (admin, reviewer, clerk) holding a role on the organisation itself.
    unassigned = with_clocks(
        Application.objects.filter(stage=Stage.OPEN, assignee__isnull=True).select_related("organisation"),
        today=today,
    )
    for row in unassigned:
        if row.state not in (ClockState.DUE_SOON, ClockState.OVERDUE):
            continue
        memberships = Membership.objects.filter(
            organisation=row.application.organisation, role__in=list(HANDLE_ROLES), user__is_active=True
        ).select_related("user")
        for user in {m.user for m in memberships}:
            grouped[user].append(row)
    return grouped
