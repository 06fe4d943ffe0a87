"""Personal data of applicants over time: how long it is kept after archiving, its purge, the re-encryption with
a new field key, and the audit of every display of it in clear."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.applications import keys
from gongkai.applications import permissions as perms
from gongkai.applications.models import Application, FilePurpose
from gongkai.applications.services.common import _today
from gongkai.audit.services import audit_record

# Retention of personal data per record type, counted from archiving (years). Override with the setting
# GONGKAI_APPLICATION_RETENTION_YEARS = {"personal_data": 10, "proof": 2}.
RETENTION_DEFAULT_YEARS = {"personal_data": 10, "proof": 2}


def retention_years(record_type: str) -> int:
    configured = getattr(settings, "GONGKAI_APPLICATION_RETENTION_YEARS", None) or {}
    return int(configured.get(record_type, RETENTION_DEFAULT_YEARS[record_type]))


def record_personal_data_view(*, application, actor, purpose: str = "查看", ip_address=None) -> None:
    """Every display or export of an applicant's personal data in clear writes
    `applications.personal_data_view` (with the data masked)."""
    perms.require(perms.can_see_personal_data(actor, application), "您没有权限查看申请人的个人信息")
    audit_record(
        actor=actor,
        action="applications.personal_data_view",
        obj=application,
        after={"purpose": purpose, "case_number": application.case_number},
        ip_address=ip_address,
    )


ANONYMISED_NAME = "（已清除）"


def personal_data_purge(*, today: dt.date | None = None, actor=None) -> int:
    """Anonymise applications archived longer ago than the retention period: ID number, phone, address,
    e-mail and name are cleared, the proof file and the files the applicant sent with an online correction
    deleted. Proof files alone go after their shorter period.
    Each case writes `applications.personal_data_purge`. Returns the number of cases anonymised."""
    today = today or _today()
    years = retention_years("personal_data")
    cutoff = (
        today.replace(year=today.year - years)
        if not (today.month == 2 and today.day == 29)
        else (today - dt.timedelta(days=1)).replace(year=today.year - years)
    )
    proof_cutoff = today - dt.timedelta(days=365 * retention_years("proof"))
    for application in Application.objects.filter(archived_on__lte=proof_cutoff).exclude(proof=""):
        with transaction.atomic():
            application.proof.delete(save=False)
            Application.objects.filter(pk=application.pk).update(proof="", proof_type="")
            audit_record(
                actor=actor or "系统",
                action="applications.proof_purge",
                obj=application,
                after={"retention_years": retention_years("proof")},
            )
    count = 0
    for application in Application.objects.filter(archived_on__lte=cutoff, anonymised_at__isnull=True):
        with transaction.atomic():
            if application.proof:
                application.proof.delete(save=False)
            for attachment in application.files.filter(purpose=FilePurpose.CORRECTION):
                attachment.file.delete(save=False)
                attachment.delete()
            Application.objects.filter(pk=application.pk).update(
                applicant_name=ANONYMISED_NAME,
                id_number="",
                identity_hash="",
                phone="",
                address="",
                email="",
                proof="",
                proof_type="",
                anonymised_at=timezone.now(),
            )
            audit_record(
                actor=actor or "系统",
                action="applications.personal_data_purge",
                obj=application,
                after={"retention_years": years, "archived_on": application.archived_on},
            )
            count += 1
    return count


def rotate_field_keys(*, actor=None) -> int:
    """Re-encrypt every applicant's ID number, phone and address with the newest key (keys.py, which also
    reports the rows it could not decrypt). Returns the number of rows rewritten."""
    return keys.rotate_field_keys(actor=actor).rotated
