"""Shared shape of a write: validate, save in one transaction, append the audit event."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongkai.audit.services import audit_record, changed_only, snapshot
from gongkai.core.errors import DomainError


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = []
        for field, messages in exc.message_dict.items():
            for message in messages:
                parts.append(message if field == "__all__" else f"{field}：{message}")
        return "；".join(parts)
    return "；".join(exc.messages)


def full_clean_or_raise(obj, *, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field = next(iter(exc.message_dict), None) if hasattr(exc, "message_dict") else None
        raise DomainError(validation_message(exc), field=None if field == "__all__" else field) from None


def save_audited(*, actor, obj, action: str, organisation=None, ip_address: str | None = None):
    """Validate and save a model instance, recording the before/after of its audited fields."""
    with transaction.atomic():
        before = None
        if obj.pk is not None:
            previous = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
            before = snapshot(previous) if previous is not None else None
        full_clean_or_raise(obj)
        try:
            obj.save()
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
