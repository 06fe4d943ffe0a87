"""The temporary server-side store of an uploaded 公示 list, between its upload and its draft, and the check of the
preview that a column's masking does not silently empty it.

The uploaded table is personal data (names, ID numbers, phones): it is never put in the session (whose
rows outlive the session until `clearsessions` runs), nor stored on the item (only the masked columns are).
It is kept in UploadPreview for UPLOAD_PREVIEW_MINUTES, bound to the user and organisation that uploaded it,
deleted when the draft is created or the user uploads again, and purged once expired.
"""

import dataclasses
import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.catalog.models import UploadPreview
from gongkai.privacy.mask import ColumnMasking, cell_text, mask_cell


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


@dataclasses.dataclass(frozen=True)
class EmptiedColumn:
    """A published column whose every value the chosen masking turns into an empty cell."""

    index: int
    header: str
    masking: str  # the masking's label, e.g. 地址截断
    filled: int  # how many rows had a value before masking

    @property
    def message(self) -> str:
        return (
            f"“{self.header}”列按“{self.masking}”处理后全部为空（原有{self.filled}行有内容），"
            "公开后该列将是一列空白"
        )


def columns_emptied_by_masking(
    *, headers: list, rows: list, columns: list[int], maskings: dict[int, str]
) -> list[EmptiedColumn]:
    """The chosen, not dropped, columns that had values and that the masking leaves empty in every row — e.g.
    地址截断 on addresses with no 乡/镇 or county in them. The clerk must see it and confirm or change the masking
    before the 公示 is drafted (it must not go out looking complete when a column has vanished)."""
    emptied = []
    for c in columns:
        masking = ColumnMasking(maskings.get(c, ColumnMasking.KEEP))
        if masking in (ColumnMasking.DROP, ColumnMasking.KEEP) or not 0 <= c < len(headers):
            continue
        values = [row[c] for row in rows if c < len(row) and cell_text(row[c]).strip()]
        if values and not any(mask_cell(value, masking) for value in values):
            emptied.append(EmptiedColumn(c, str(headers[c]).strip(), masking.label, len(values)))
    return emptied


def attachment_refusal(data: bytes) -> tuple[str | None, str]:
    """The upload rules of an item's attachment (catalog.services.attachment_add): not empty, at most 20 MB, a type
    read from the content (pdf, doc, docx, xls, xlsx, ofd, jpg, png). Returns (the type, "") when accepted, else
    (None, why it is refused) — for files that arrive other than by upload (the import of saved pages)."""
    from gongkai.catalog.services import MAX_ATTACHMENT_BYTES  # services is the writer; this is its rule
    from gongkai.privacy.extract import FILE_TYPES, extraction_note, sniff_type

    if not data:
        return None, "文件为空"
    if len(data) > MAX_ATTACHMENT_BYTES:
        return None, f"文件超过{MAX_ATTACHMENT_BYTES // (1024 * 1024)}MB的上限"
    file_type = sniff_type(data)
    if file_type not in FILE_TYPES:
        return None, extraction_note(None)
    return file_type, ""
