"""Writes of the working-day calendar. Each runs in one transaction and writes one audit event."""

import datetime as dt

from django.db import transaction

from gongkai.audit.services import audit_record, snapshot
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise
from gongkai.workdays.models import CalendarOverride

NOTE_MAX_LENGTH = CalendarOverride._meta.get_field("note").max_length


class CalendarOverrideError(DomainError):
    pass


def override_set(*, date: dt.date, is_workday: bool, note: str, organisation=None, actor) -> CalendarOverride:
    """Declare `date` a working day or a rest day, nationwide (organisation=None) or for `organisation`'s subtree.

    Requires a date, a bool and a non-empty note (the basis, e.g. the notice's 文号). Creates the override or
    updates the existing one for the same (date, organisation). Writes `workdays.override_set`. Deadlines are
    derived, not stored here: open cases pick up the change the next time their clock is computed.
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
