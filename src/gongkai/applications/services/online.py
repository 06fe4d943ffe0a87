"""After an application arrives: the organ's 确认收到 of an online application (Art. 31(3)), the receipts e-mailed
to the applicant, the released files attached to the reply, the files an applicant sends with an online
correction, and the applicant's change of contact details after a correction.

Files: services/files.py.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongkai.applications import contact, mailing, uploads
from gongkai.applications import permissions as perms
from gongkai.applications.clock import EventKind
from gongkai.applications.models import Application, ApplicationFile, Channel, FilePurpose
from gongkai.applications.queries import clock_of
from gongkai.applications.services import files as attached
from gongkai.applications.services.common import ApplicationError, _require, _today
from gongkai.applications.services.events import _record


def submitted_on(application: Application) -> dt.date:
    """The day an application was sent on the public form: its `received` event's date (its receipt date until the
    organ confirms it); for any other channel, the receipt date."""
    if application.awaiting_confirmation or application.channel != Channel.ONLINE:
        return application.received_on
    event = application.events.filter(kind=EventKind.RECEIVED).first()
    return event.date if event else application.received_on


def receipt_lines(application: Application, *, today: dt.date | None = None) -> list[str]:
    """The receipt of an application as shown after submitting and e-mailed (mailing.receipt_lines)."""
    today = today or _today()
    status = None if application.awaiting_confirmation else clock_of(application, today=today)
    return mailing.receipt_lines(
        organ_name=application.organisation.name,
        case_number=application.case_number,
        submitted_on=submitted_on(application),
        received_on=None if status is None else status.received_on,
        due_on=None if status is None or status.closed_on else status.due_on,
    )


def _mail_after_commit(application: Application, kind: str, today: dt.date) -> None:
    if not application.email:
        return
    message = mailing.applicant_message(
        kind,
        email=application.email,
        lines=receipt_lines(application, today=today),
        organ_name=application.organisation.name,
    )
    transaction.on_commit(lambda: mailing.send_to_applicant(message))


def application_mail_submission_receipt(*, application: Application, today: dt.date | None = None) -> None:
    """E-mail the receipt of an online submission (submission date; receipt date to be confirmed) after the
    commit, when the applicant gave an address."""
    _mail_after_commit(application, "submitted", today or _today())


def application_confirm_receipt(*, application, actor, date: dt.date, today=None) -> Application:
    """确认收到 (Art. 31(3)): the organ confirms an application sent on the public form; `date` (today by default
    in the office, between the submission date and today) becomes its receipt date, from which the 7 working
    days for a correction (Art. 30) and the 20 for the answer (Art. 33) count. Event `receipt_confirmed`, the
    application's `received_on` moved to `date`, one audit row; the applicant is e-mailed the receipt date and
    the due date after the commit."""
    today = today or _today()
    current = Application.objects.select_related("organisation").get(pk=application.pk)
    if not current.awaiting_confirmation:
        raise ApplicationError("该申请不是待确认收到的网上申请")
    if isinstance(date, dt.date) and date < current.received_on:
        day = current.received_on
        raise ApplicationError(
            f"确认收到之日不能早于提交之日（{day.year}年{day.month}月{day.day}日）", field="date"
        )
    with transaction.atomic():
        confirmed = _record(
            application=current,
            actor=actor,
            kind=EventKind.RECEIPT_CONFIRMED,
            date=date,
            updates={"received_on": date, "awaiting_confirmation": False},
            today=today,
        )
        _mail_after_commit(confirmed, "confirmed", today)
    return confirmed


# ---- files ------------------------------------------------------------------------------------------------------


def application_attach_released_files(*, application, actor, files, event=None) -> list[ApplicationFile]:
    """Attach the released information to the reply (答复附件): staff who handle the case, after the answer and
    before the case is archived. Checked by content (PDF, Word, Excel, JPG, PNG; 20 MB each; 10 at most). The
    applicant reads them on /track/. One audit row `applications.files_attach`. `event`: the `decided` event they
    go with (the latest one when not given)."""
    _require(actor, perms.can_handle(actor, application.organisation))
    checked = attached.released_files_check(files)
    if not checked:
        raise ApplicationError("请选择要附上的文件", field="files")
    with uploads.files_discarded_on_failure() as written, transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if not current.decision or current.archived_on or current.anonymised_at:
            raise ApplicationError("只有已作出答复、尚未归档的申请才能附上答复附件")
        event = event or current.events.filter(kind=EventKind.DECIDED).order_by("-date", "-id").first()
        stored = attached.store(current, event, FilePurpose.RELEASED, checked, actor=actor, written=written)
        attached.audit_files(actor, current, FilePurpose.RELEASED, stored)
    return stored


# ---- contact details --------------------------------------------------------------------------------------------


def application_update_contact(
    *, application, phone: str = "", email: str = "", address: str = "", today=None
) -> Application:
    """The applicant, from /track/, changes their phone, e-mail or address after a correction was asked for (the
    applicant is identified by the tracking code). A field left empty keeps its value. Checked as the public form
    checks them (contact.py): a mobile or a landline with its area code, a valid e-mail, and what the chosen
    delivery needs. Event `contact_updated` naming the changed fields (never their values), audited masked."""
    given = {
        "phone": contact.normalise_phone(phone),
        "email": (email or "").strip(),
        "address": (address or "").strip(),
    }
    for name, problem in (
        ("phone", contact.phone_problem(given["phone"])),
        ("email", contact.email_problem(given["email"])),
    ):
        if problem:
            raise ApplicationError(problem, field=name)
    if len(given["address"]) > contact.MAX_ADDRESS:
        raise ApplicationError(f"通信地址不能超过{contact.MAX_ADDRESS}个字", field="address")
    changed = {name: value for name, value in given.items() if value and getattr(application, name) != value}
    if not changed:
        raise ApplicationError("请填写新的联系电话、电子邮箱或通信地址", field="phone")
    result = {name: changed.get(name, getattr(application, name)) for name in given}
    for name, problem in contact.delivery_problems(
        application.delivery, email=result["email"], address=result["address"]
    ).items():
        raise ApplicationError(problem, field=name)
    return _record(
        application=application,
        actor=None,
        audit_actor="申请人（网上更新联系方式）",
        kind=EventKind.CONTACT_UPDATED,
        date=today or _today(),
        data={"fields": sorted(changed)},
        updates=changed,
        today=today,
    )
