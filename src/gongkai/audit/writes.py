"""Shared shape of an audited write: validate, save in one transaction, append the audit event."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from gongkai.audit.services import audit_record, changed_only, snapshot
from gongkai.core.errors import DomainError
from gongkai.core.services import full_clean_or_raise


def save_audited(
    *,
    actor,
    obj,
    action: str,
    organisation=None,
    ip_address: str | None = None,
    fields: Iterable[str] | None = None,
):
    """Validate and save a model instance in one transaction, recording the before/after of its audited fields.

    A new instance is inserted whole. An existing one is updated in the fields that changed only (`update_fields`),
    so a concurrent change to any other field survives: the caller names the fields it set in `fields`, or, without
    them, the fields whose value differs from the stored row are written. `auto_now` fields go along. On return,
    `obj` holds the row as stored, other fields included.
    """
    with transaction.atomic():
        stored = None
        if obj.pk is not None:
            stored = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        before = snapshot(stored) if stored is not None else None
        full_clean_or_raise(obj)
        try:
            if stored is None:
                obj.save()
            else:
                written = _fields_to_write(obj, stored, fields)
                obj.save(update_fields=written)
                for field in obj._meta.concrete_fields:
                    source = obj if field.name in written else stored
                    setattr(obj, field.attname, getattr(source, field.attname))
        except IntegrityError as exc:
            raise DomainError(f"保存失败：与已有记录冲突（{exc}）") from None
        after = snapshot(obj)
        before, after = changed_only(before, after)
        audit_record(
            actor=actor,
            action=action,
            obj=obj,
            organisation=organisation,
            before=before,
            after=after,
            ip_address=ip_address,
        )
        return obj


def _fields_to_write(obj, stored, fields: Iterable[str] | None) -> list[str]:
    """The names of the fields to update: those named (or those that differ from `stored`), with auto_now fields."""
    concrete = [f for f in obj._meta.concrete_fields if not f.primary_key]
    if fields is not None:
        named = set(fields)
        unknown = named - {f.name for f in concrete} - {f.attname for f in concrete}
        if unknown:
            raise ValueError(f"{type(obj).__name__} has no field {sorted(unknown)}")
        changed = [f for f in concrete if f.name in named or f.attname in named]
    else:
        changed = [f for f in concrete if getattr(obj, f.attname) != getattr(stored, f.attname)]
    if not changed:
        return []
    return sorted({f.name for f in changed} | {f.name for f in concrete if getattr(f, "auto_now", False)})


def delete_audited(*, actor, obj, action: str, organisation=None):
    with transaction.atomic():
        before = snapshot(obj)
        repr_ = str(obj)
        organisation = organisation or getattr(obj, "organisation", None)
        object_type = obj._meta.label_lower
        object_id = obj.pk
        obj.delete()
        audit_record(
            actor=actor,
            action=action,
            organisation=organisation,
            object_type=object_type,
            object_repr=f"{repr_}（#{object_id}）",
            before=before,
        )
