"""The temporary server-side store of an uploaded 公示 list, between its upload and its draft.

The uploaded table is personal data (names, ID numbers, phones): it is never put in the session (whose
rows outlive the session until `clearsessions` runs), nor stored on the item (only the masked columns are).
It is kept in UploadPreview for UPLOAD_PREVIEW_MINUTES, bound to the user and organisation that uploaded it,
deleted when the draft is created or the user uploads again, and purged once expired.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.catalog.models import UploadPreview


def lifetime_minutes() -> int:
    return getattr(settings, "UPLOAD_PREVIEW_MINUTES", 30)


def _lifetime() -> datetime.timedelta:
    return datetime.timedelta(minutes=lifetime_minutes())


def upload_preview_store(*, user, organisation, headers: list, rows: list, now=None) -> str:
    """Keep the table; returns the token to put in the session. The user's earlier previews are dropped."""
    now = now or timezone.now()
    with transaction.atomic():
        UploadPreview.objects.filter(user=user).delete()
        preview = UploadPreview.objects.create(
            token=secrets.token_urlsafe(32),
            user=user,
            organisation=organisation,
            headers=headers,
            rows=rows,
            created_at=now,
            expires_at=now + _lifetime(),
        )
    return preview.token


def upload_preview_load(*, token, user, organisation, now=None) -> tuple[list, list] | None:
    """(headers, rows) of the user's unexpired preview for this organisation, or None."""
    if not token or not isinstance(token, str):
        return None
    preview = (
        UploadPreview.objects.filter(
            token=token, user=user, organisation=organisation, expires_at__gt=now or timezone.now()
        )
        .only("headers", "rows")
        .first()
    )
    return (preview.headers, preview.rows) if preview else None


def upload_preview_delete(*, token) -> None:
    if token and isinstance(token, str):
        UploadPreview.objects.filter(token=token).delete()


def upload_previews_purge(*, now=None) -> int:
    """Delete every expired preview; returns how many."""
    deleted, _ = UploadPreview.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
