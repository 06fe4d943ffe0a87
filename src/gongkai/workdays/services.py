"""Writes of the working-day calendar. Each runs in one transaction, writes one audit event, and sends
`signals.calendar_changed` in that transaction so that dates stored elsewhere move with the calendar."""

import datetime as dt
from collections.abc import Mapping

from django.db import transaction

from gongkai.audit.services import audit_record, snapshot
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise
from gongkai.workdays import statutory
from gongkai.workdays.models import CalendarOverride, YearArrangement
from gongkai.workdays.signals import calendar_changed

NOTE_MAX_LENGTH = CalendarOverride._meta.get_field("note").max_length
NOTICE_MAX_LENGTH = YearArrangement._meta.get_field("notice").max_length
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years an arrangement may be entered for
WEEKDAYS_ZH = "一二三四五六日"


class CalendarOverrideError(DomainError):
    pass


def _changed(*, organisation, first: dt.date, last: dt.date, actor) -> None:
    calendar_changed.send(
        sender=CalendarOverride, organisation=organisation, first=first, last=last, actor=actor
    )


def override_set(*, date: dt.date, is_workday: bool, note: str, organisation=None, actor) -> CalendarOverride:
    """Declare `date` a working day or a rest day, nationwide (organisation=None) or for `organisation`'s subtree.

    Requires a date, a bool and a non-empty note (the basis, e.g. the notice's 文号). Creates the override or
    updates the existing one for the same (date, organisation). Writes `workdays.override_set` and sends
    `calendar_changed` for the date (stored due dates in other apps are recomputed in the same transaction).
    """
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise CalendarOverrideError("日期无效：请填写年月日", field="date")
    if not isinstance(is_workday, bool):
        raise CalendarOverrideError("请选择当日是上班还是休息", field="is_workday")
    note = (note or "").strip()
    if not note:
        raise CalendarOverrideError("请填写说明：写明调整依据，如通知文号或节日名称", field="note")
    if len(note) > NOTE_MAX_LENGTH:
        raise CalendarOverrideError(f"说明不能超过{NOTE_MAX_LENGTH}个字", field="note")
    if organisation is not None and organisation.pk is None:
        raise CalendarOverrideError("适用机构尚未保存", field="organisation")

    with transaction.atomic():
        override = (
            CalendarOverride.objects.select_for_update().filter(date=date, organisation=organisation).first()
        )
        before = snapshot(override) if override else None
        if override is None:
            override = CalendarOverride(date=date, organisation=organisation)
        override.is_workday = is_workday
        override.note = note
        full_clean_or_raise(override)
        if before is None:
            override.save()
        else:
            override.save(update_fields=["is_workday", "note", "updated_at"])
        audit_record(
            actor=actor,
            action="workdays.override_set",
            obj=override,
            organisation=organisation,
            before=before,
            after=snapshot(override),
        )
        _changed(organisation=organisation, first=date, last=date, actor=actor)
    return override


def override_delete(*, override: CalendarOverride, actor) -> None:
    """Remove an override; the day falls back to chinesecalendar (or Monday–Friday). Writes
    `workdays.override_delete` with the removed row as `before`."""
    with transaction.atomic():
        current = CalendarOverride.objects.select_for_update().filter(pk=override.pk).first()
        if current is None:
            raise CalendarOverrideError("该日历调整已被删除")
        before = snapshot(current)
        organisation = current.organisation
        audit_record(
            actor=actor,
            action="workdays.override_delete",
            obj=current,
            organisation=organisation,
            before=before,
            after=None,
        )
        current.delete()
        _changed(organisation=organisation, first=current.date, last=current.date, actor=actor)


# ---- a year's announced arrangement ------------------------------------------------------------------------------


def _arrangement_view(arrangement: YearArrangement | None) -> dict | None:
    """What the audit row keeps of an arrangement: its notice and its days."""
    if arrangement is None:
        return None
    rows = arrangement.days.order_by("date").values_list("date", "is_workday", "note")
    return {
        **snapshot(arrangement),
        "days_off": [f"{day.isoformat()} {note}" for day, is_workday, note in rows if not is_workday],
        "workdays": [f"{day.isoformat()} {note}" for day, is_workday, note in rows if is_workday],
    }


def _check_days(year: int, days: Mapping[dt.date, str], what: str, field: str) -> dict[dt.date, str]:
    clean = {}
    for day, name in days.items():
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise CalendarOverrideError(f"{what}中有无效日期", field=field)
        # An arrangement may begin in the last days of the year before (the 2019 notice began on 2018-12-30).
        if not (day.year == year or (day.year == year - 1 and day.month == 12)):
            raise CalendarOverrideError(f"{what}{day.isoformat()}不在{year}年（可含上年12月）内", field=field)
        name = (name or "").strip()
        if not name:
            raise CalendarOverrideError(f"请写明{day.isoformat()}的节日名称", field=field)
        if len(name) > NOTE_MAX_LENGTH:
            raise CalendarOverrideError(f"名称不能超过{NOTE_MAX_LENGTH}个字", field=field)
        clean[day] = name
    return clean


def arrangement_save(
    *,
    year: int,
    notice: str,
    days_off: Mapping[dt.date, str],
    workdays: Mapping[dt.date, str],
    organisation=None,
    actor,
) -> YearArrangement:
    """Enter (or correct) `year`'s announced holiday arrangement, nationwide (organisation=None) or for
    `organisation`'s subtree.

    Requires the notice (its title or 文号), the days off with their festival names, and the 调休 working days
    (each a Saturday or Sunday). Every statutory holiday that 《全国年节及纪念日放假办法》 gives that year must be
    among the days off, and none may be a working day (Art. 2). Replaces the arrangement's days (`CalendarOverride`
    rows linked to it; a local override on the same date is taken over), writes `workdays.arrangement_set` with the
    days before and after, and sends `calendar_changed` for the year: the stored due dates of open items are
    recomputed in this transaction, and the year's deadlines are no longer provisional.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarOverrideError(f"年份应在{FIRST_YEAR}至{LAST_YEAR}之间", field="year")
    notice = (notice or "").strip()
    if not notice:
        raise CalendarOverrideError("请填写放假安排通知的名称或文号", field="notice")
    if len(notice) > NOTICE_MAX_LENGTH:
        raise CalendarOverrideError(f"通知名称不能超过{NOTICE_MAX_LENGTH}个字", field="notice")
    days_off = _check_days(year, days_off, "放假日期", "days_off")
    workdays = _check_days(year, workdays, "调休上班日期", "workdays")
    if not days_off:
        raise CalendarOverrideError("请填写放假日期", field="days_off")
    both = sorted(set(days_off) & set(workdays))
    if both:
        raise CalendarOverrideError(f"{both[0].isoformat()}不能既放假又上班", field="workdays")
    for day in sorted(workdays):
        if day.weekday() < 5:
            raise CalendarOverrideError(
                f"调休上班日应为周六或周日：{day.isoformat()}是星期{WEEKDAYS_ZH[day.weekday()]}",
                field="workdays",
            )
    if statutory.derivable(year):
        for day, name in statutory.statutory_holidays(year):
            if day not in days_off:
                raise CalendarOverrideError(
                    f"{day.isoformat()}（{name}）是{statutory.TITLE}规定的法定节假日，须列入放假日期",
                    field="days_off",
                )
    if organisation is not None and organisation.pk is None:
        raise CalendarOverrideError("适用机构尚未保存", field="organisation")

    wanted = {day: (False, name) for day, name in days_off.items()}
    wanted.update({day: (True, name) for day, name in workdays.items()})
    with transaction.atomic():
        arrangement = (
            YearArrangement.objects.select_for_update().filter(year=year, organisation=organisation).first()
        )
        before = _arrangement_view(arrangement)
        if arrangement is None:
            arrangement = YearArrangement(year=year, organisation=organisation)
        arrangement.notice = notice
        full_clean_or_raise(arrangement)
        arrangement.save()
        old_dates = set(arrangement.days.values_list("date", flat=True))
        arrangement.days.exclude(date__in=list(wanted)).delete()
        for day, (is_workday, name) in sorted(wanted.items()):
            CalendarOverride.objects.update_or_create(
                date=day,
                organisation=organisation,
                defaults={"is_workday": is_workday, "note": name, "arrangement": arrangement},
            )
        audit_record(
            actor=actor,
            action="workdays.arrangement_set",
            obj=arrangement,
            organisation=organisation,
            before=before,
            after=_arrangement_view(arrangement),
        )
        touched = old_dates | set(wanted) | {dt.date(year, 1, 1), dt.date(year, 12, 31)}
        _changed(organisation=organisation, first=min(touched), last=max(touched), actor=actor)
    return arrangement


def arrangement_delete(*, arrangement: YearArrangement, actor) -> None:
    """Withdraw an entered arrangement and its days: the year is derived (and provisional) again unless the
    package covers it. Writes `workdays.arrangement_delete` and sends `calendar_changed` for the year."""
    with transaction.atomic():
        current = YearArrangement.objects.select_for_update().filter(pk=arrangement.pk).first()
        if current is None:
            raise CalendarOverrideError("该放假安排已被删除")
        before = _arrangement_view(current)
        dates = set(current.days.values_list("date", flat=True))
        organisation = current.organisation
        audit_record(
            actor=actor,
            action="workdays.arrangement_delete",
            obj=current,
            organisation=organisation,
            before=before,
            after=None,
        )
        year = current.year
        current.delete()
        touched = dates | {dt.date(year, 1, 1), dt.date(year, 12, 31)}
        _changed(organisation=organisation, first=min(touched), last=max(touched), actor=actor)


def calendar_recompute(*, year: int, actor) -> None:
    """The calendar of `year` changed outside the database (a chinesecalendar upgrade that now knows the year): send
    `calendar_changed` for the whole year, nationwide, so that stored dates are recomputed. Writes
    `workdays.recompute`."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarOverrideError(f"年份应在{FIRST_YEAR}至{LAST_YEAR}之间", field="year")
    with transaction.atomic():
        audit_record(
            actor=actor or "系统",
            action="workdays.recompute",
            object_type="workdays.year",
            object_repr=f"{year}年",
            after={"year": year},
        )
        _changed(
            organisation=None, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31), actor=actor or "系统"
        )
