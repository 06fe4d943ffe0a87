"""Re-encryption of applicants' personal data with the newest field key (`gongkai applications rotate_keys`).

A row whose value cannot be decrypted (a key missing from GONGKAI_FIELD_KEYS, a damaged value) is left as it
is, logged and reported; it never stops the rotation of the other rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import connection, transaction

from gongkai.applications import crypto
from gongkai.applications.models import Application
from gongkai.applications.services.common import identity_hash
from gongkai.audit.services import audit_record

logger = logging.getLogger("gongkai.applications.keys")

ENCRYPTED_FIELDS = ("id_number", "phone", "address")


@dataclass
class RotationResult:
    rotated: int = 0
    failed: list[str] = field(default_factory=list)  # case numbers left as they were

    def __int__(self) -> int:
        return self.rotated


def rotate_field_keys(*, actor=None) -> RotationResult:
    """Re-encrypt every applicant's ID number, phone and address with the newest key and recompute the
    identity hashes, in one transaction. Writes `applications.rotate_keys` with the counts."""
    table = Application._meta.db_table
    result = RotationResult()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, case_number, id_number, phone, address FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
        for pk, case_number, *values in rows:
            try:
                rotated = {
                    name: crypto.rotate(value) if value else ""
                    for name, value in zip(ENCRYPTED_FIELDS, values, strict=True)
                }
                clear_id = crypto.decrypt(values[0]) if values[0] else ""
            except crypto.DecryptionError as exc:
                logger.error("rotate_keys: %s left unchanged: %s", case_number, exc)
                result.failed.append(case_number)
                continue
            Application.objects.filter(pk=pk).update(
                **rotated, identity_hash=identity_hash(clear_id) if clear_id else ""
            )
            result.rotated += 1
        audit_record(
            actor=actor or "系统",
            action="applications.rotate_keys",
            object_type="applications.application",
            object_repr=f"重新加密 {result.rotated} 件"
            + (f"，{len(result.failed)} 件无法解密" if result.failed else ""),
            after={"rows": result.rotated, "failed": result.failed},
        )
    return result
