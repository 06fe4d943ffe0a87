"""Files attached to an application after its receipt: checked by their content (uploads.file_kind) before any
transaction, stored through Django's storage API (FileField, so any storage backend serves), deleted again when
the transaction does not commit (uploads.files_discarded_on_failure). Their names, types and sizes go into audit
rows; their contents never do."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.files.base import ContentFile

from gongkai.applications import uploads
from gongkai.applications.models import ApplicationEvent, ApplicationFile, FilePurpose
from gongkai.applications.services.common import ApplicationError
from gongkai.audit.services import audit_record

MB = 1024 * 1024
MAX_RELEASED_BYTES = 20 * MB
MAX_RELEASED_FILES = 10
MAX_CORRECTION_BYTES = 5 * MB
MAX_CORRECTION_FILES = 3
MAX_FILE_NAME = 100


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    data: bytes


def _clean_name(name: str, kind: str) -> str:
    """The shown name: the base name without control or path characters, shortened, with the extension of the
    type found in the content (never the one claimed)."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", base).strip(" .") or "附件"
    return f"{stem[: MAX_FILE_NAME - 6]}.{kind}"


def check_files(
    files, *, allowed: tuple[str, ...], max_bytes: int, max_count: int, what: str
) -> list[CheckedFile]:
    """Each uploaded file read and checked by content (type in `allowed`, at most `max_bytes`), at most
    `max_count` of them; `ApplicationError` on field ``files`` otherwise. Done before any transaction."""
    files = [f for f in (files or []) if f]
    if len(files) > max_count:
        raise ApplicationError(f"{what}最多{max_count}个", field="files")
    names = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "jpg": "JPG", "png": "PNG"}
    accepted = "、".join(names[k] for k in allowed)
    checked = []
    for upload in files:
        name = getattr(upload, "name", "") or "附件"
        if upload.size > max_bytes:
            raise ApplicationError(f"文件“{name}”超过{max_bytes // MB}MB", field="files")
        data = upload.read()
        try:
            kind = uploads.file_kind(data, allowed)
        except uploads.UploadRejected:
            raise ApplicationError(
                f"文件“{name}”不能接受：{what}只接受{accepted}文件（按文件内容识别）", field="files"
            ) from None
        checked.append(CheckedFile(_clean_name(name, kind), kind, data))
    return checked


def store(application, event, purpose, files: list[CheckedFile], *, actor, written) -> list[ApplicationFile]:
    stored = []
    for item in files:
        row = ApplicationFile(
            application=application,
            event=event,
            purpose=purpose,
            name=item.name,
            file_type=item.kind,
            size=len(item.data),
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        row.file.save(f"{purpose}-{secrets.token_hex(8)}.{item.kind}", ContentFile(item.data), save=False)
        written.append(row.file)
        row.save()
        stored.append(row)
    return stored


def audit_files(actor, application, purpose, stored, *, audit_actor: str = "") -> None:
    audit_record(
        actor=actor or audit_actor or "系统",
        action="applications.files_attach",
        obj=application,
        after={
            "case_number": application.case_number,
            "purpose": purpose,
            "files": [{"name": f.name, "type": f.file_type, "size": f.size} for f in stored],
        },
    )


def released_files_check(files) -> list[CheckedFile]:
    return check_files(
        files,
        allowed=uploads.RELEASED_TYPES,
        max_bytes=MAX_RELEASED_BYTES,
        max_count=MAX_RELEASED_FILES,
        what="答复附件",
    )


def correction_files_check(files) -> list[CheckedFile]:
    return check_files(
        files,
        allowed=uploads.PROOF_TYPES,
        max_bytes=MAX_CORRECTION_BYTES,
        max_count=MAX_CORRECTION_FILES,
        what="补正材料",
    )


def store_correction_files(
    *, application, event: ApplicationEvent, files: list[CheckedFile], written
) -> None:
    """Inside the online correction's transaction: its files, audited as the applicant's."""
    if not files:
        return
    stored = store(application, event, FilePurpose.CORRECTION, files, actor=None, written=written)
    audit_files(None, application, FilePurpose.CORRECTION, stored, audit_actor="申请人（网上补正）")
