"""Validation shared by every service: a model's full_clean as a DomainError with a message fit to show."""

from django.core.exceptions import ValidationError

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
