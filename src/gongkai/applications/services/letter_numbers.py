"""The 发文字号 of letters (GB/T 9704-2012 7.2.3) and an organisation's letter settings.

A number is issued once per letter: `letter_number_issue` is called by `events._record` in the transaction of the
event that issues the letter, and again (finding the same row) whenever the letter is rendered, so a case whose
events came in by import gets its number the first time its letter is printed. The sequence is a counter row per
organisation and year (`LetterNumberCounter`, as `CaseCounter`), incremented with an UPDATE that holds the row
lock until the caller commits; the application row is locked first, so two renderings of the same letter at once
cannot take two numbers.
"""

from __future__ import annotations

from django.db import transaction

from gongkai.applications import permissions as perms
from gongkai.applications.letter_numbering import EVENT_LETTER, default_prefix, letter_event
from gongkai.applications.models import (
    Application,
    ApplicationEvent,
    LetterNumber,
    LetterNumberCounter,
    LetterSettings,
)
from gongkai.applications.services.common import ApplicationError, _require
from gongkai.audit.services import audit_record, snapshot
from gongkai.core.counters import next_value

MAX_PREFIX = 20


def number_prefix(organisation) -> str:
    """The organisation's 机关代字: its own setting, else the default from its short name."""
    stored = (
        LetterSettings.objects.filter(organisation=organisation)
        .values_list("number_prefix", flat=True)
        .first()
    )
    return stored or default_prefix(
        name=organisation.name, short_name=organisation.short_name, kind=organisation.kind
    )


def letter_number_issue(*, application: Application, kind: str, event: ApplicationEvent | None = None):
    """The `LetterNumber` of the letter of `kind` issued by `event` (default: the latest event of its kinds):
    the existing one, or a new one with the next 发文顺序号 of the organisation and the event's year. Returns None
    before the step that issues the letter. Joins the caller's transaction (one transaction with the event)."""
    with transaction.atomic():
        # Lock the case first: a second rendering of the same letter waits here and then finds the number.
        locked = Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)
        event = event or letter_event(locked, kind)
        if event is None:
            return None
        existing = LetterNumber.objects.filter(application=locked, kind=kind, event=event).first()
        if existing is not None:
            return existing
        organisation = locked.organisation
        year = event.date.year
        sequence = next_value(LetterNumberCounter, "last", organisation=organisation, year=year)
        return LetterNumber.objects.create(
            application=locked,
            kind=kind,
            event=event,
            organisation=organisation,
            prefix=number_prefix(organisation),
            year=year,
            sequence=sequence,
            issued_on=event.date,
        )


def letter_number_for_event(*, application: Application, event: ApplicationEvent):
    """Called by `events._record`: the number of the letter this event issues, if it issues one."""
    kind = EVENT_LETTER.get(event.kind)
    if kind is None:
        return None
    return letter_number_issue(application=application, kind=kind, event=event)


def letter_settings_save(
    *,
    organisation,
    actor,
    number_prefix: str,
    contact_office: str = "",
    contact_phone: str = "",
    contact_address: str = "",
) -> LetterSettings:
    """An organisation's 发文字号 prefix and the contact its letters give. Only an administrator may change them;
    numbers already issued keep the prefix they were issued with. Audit row `applications.letter_settings_save`."""
    _require(actor, perms.can_edit_templates(actor, organisation), "只有管理员可以修改文书设置")
    prefix = (number_prefix or "").strip()
    if len(prefix) > MAX_PREFIX:
        raise ApplicationError(f"发文字号前缀不能超过{MAX_PREFIX}个字", field="number_prefix")
    if any(ch in prefix for ch in "〔〕[]()（）号"):
        raise ApplicationError(
            "发文字号前缀只填机关代字，如“渠政信公”，不含年份和序号", field="number_prefix"
        )
    with transaction.atomic():
        settings, _ = LetterSettings.objects.select_for_update().get_or_create(organisation=organisation)
        before = snapshot(settings)
        settings.number_prefix = prefix
        settings.contact_office = (contact_office or "").strip()
        settings.contact_phone = (contact_phone or "").strip()
        settings.contact_address = (contact_address or "").strip()
        settings.full_clean()
        settings.save()
        audit_record(
            actor=actor or "系统",
            action="applications.letter_settings_save",
            obj=settings,
            before=before,
            after=snapshot(settings),
        )
    return settings
