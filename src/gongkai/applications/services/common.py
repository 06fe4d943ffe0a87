"""What every write of 依申请公开 shares: the domain error, the permission check of an actor, the masked view of an
application that audit rows may hold, and the keyed hash by which an applicant's identity is compared."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongkai.applications import crypto
from gongkai.applications import permissions as perms
from gongkai.applications.models import Application
from gongkai.audit.services import snapshot
from gongkai.core.errors import DomainError
from gongkai.privacy.mask import mask_id_number, mask_mobile, mask_name, truncate_address


class ApplicationError(DomainError):
    pass


def _today() -> dt.date:
    return timezone.localdate()


def _require(actor, allowed: bool, message: str = "您没有权限办理该申请") -> None:
    if actor is not None:
        perms.require(allowed, message)


def audit_view(application: Application) -> dict:
    """The audited fields plus the personal data masked; what audit rows and logs may contain."""
    data = snapshot(application)
    data["applicant_name"] = mask_name(application.applicant_name)
    if application.id_number:
        data["id_number"] = mask_id_number(application.id_number)
    if application.phone:
        data["phone"] = mask_mobile(application.phone)
    if application.address:
        data["address"] = truncate_address(application.address) or "***"
    return data


def identity_hash(value: str) -> str:
    value = crypto.normalise_identity(value)
    return crypto.keyed_hash(value, purpose="identity") if value else ""
