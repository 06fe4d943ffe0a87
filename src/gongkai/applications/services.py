"""Writes of 依申请公开. Each function runs in one transaction, validates (raising `ApplicationError` with a
message fit to show), writes its `ApplicationEvent` where the clock is concerned, and one audit row.

Personal data (ID number, phone, address, e-mail) never enters an audit row in clear: `audit_view` masks it.
`actor=None` means the system itself (demo loader, management commands); every other actor is checked against
`applications.permissions`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from gongkai.applications import crypto, formguard, tracking, uploads
from gongkai.applications import permissions as perms
from gongkai.applications.clock import (
    MAX_EXTENSION_WORKDAYS,
    ClockError,
    EventKind,
    check_event,
    compute_clock,
)
from gongkai.applications.decisions import (
    ABANDONED_FEE_UNPAID,
    ABANDONED_NO_CORRECTION,
    APPLICANTS,
    DECISIONS,
)
from gongkai.applications.fees import FeeError, check_single_basis, fee_quote
from gongkai.applications.models import (
    CONFIRMATION_CHANNELS,
    TRANSITIONS,
    ApplicantKind,
    Application,
    ApplicationEvent,
    CaseCounter,
    Channel,
    Delivery,
    FeeNotice,
    LetterKind,
    LetterTemplate,
    ProvisionForm,
    Stage,
)
from gongkai.audit.services import audit_record, snapshot
from gongkai.core.counters import next_value
from gongkai.core.errors import DomainError
from gongkai.core.identifiers import credit_code_problem, id_check_char
from gongkai.privacy.extract import JPG, PDF, PNG
from gongkai.privacy.mask import mask_id_number, mask_mobile, mask_name, truncate_address
from gongkai.workdays.queries import calendar_for

# Waiting for the fee stops the clock (an open point of regulations.md §4, decided here).
FEE_PAUSES_CLOCK = True

MAX_PROOF_BYTES = 5 * 1024 * 1024
PROOF_TYPES = (PDF, JPG, PNG)
MAX_NAME = 120
MAX_TITLE = 300
MAX_DESCRIPTION = 2000
# Abuse control of the public form (per address and per identity, in the shared cache): formguard.py.
# Art. 36(6): the same applicant asking again for the same information within this window is flagged.
DUPLICATE_WINDOW_DAYS = 365

# Retention of personal data per record type, counted from archiving (years). Override with the setting
# GONGKAI_APPLICATION_RETENTION_YEARS = {"personal_data": 10, "proof": 2}.
RETENTION_DEFAULT_YEARS = {"personal_data": 10, "proof": 2}

LOOKUP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LOOKUP_LENGTH = 12


class ApplicationError(DomainError):
    pass


class RateLimited(ApplicationError):
    pass


def retention_years(record_type: str) -> int:
    configured = getattr(settings, "GONGKAI_APPLICATION_RETENTION_YEARS", None) or {}
    return int(configured.get(record_type, RETENTION_DEFAULT_YEARS[record_type]))


# ---- helpers ------------------------------------------------------------------------------------------------


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


def _d(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def id_number_problem(value: str, *, today: dt.date) -> str | None:
    """Why a 公民身份号码 is invalid (GB 11643), in Chinese; None when valid."""
    value = crypto.normalise_identity(value)
    if len(value) != 18:
        return f"公民身份号码应为18位，当前为{len(value)}位"
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "公民身份号码前17位应为数字，最后一位为数字或X"
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "公民身份号码中的出生日期无效"
    if born.year < 1850 or born > today:
        return "公民身份号码中的出生日期无效"
    expected = id_check_char(value[:17])
    if value[17] != expected:
        return f"公民身份号码校验位错误：应为{expected}，实为{value[17]}"
    return None


def normalise_description(*parts: str) -> str:
    text = unicodedata.normalize("NFKC", "".join(p or "" for p in parts))
    return re.sub(r"[\s\W_]+", "", text).lower()


def _description_hash(title: str, doc_no: str, description: str) -> str:
    normalised = normalise_description(title, doc_no, description)
    return hashlib.sha256(normalised.encode()).hexdigest() if normalised else ""


def identity_hash(value: str) -> str:
    value = crypto.normalise_identity(value)
    return crypto.keyed_hash(value, purpose="identity") if value else ""


def lookup_hash(code: str) -> str:
    return tracking.lookup_hash(code)  # a dedicated key, not SECRET_KEY (tracking.py)


def new_lookup_code() -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_LENGTH))


_INITIALS = ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw")
_VOWELS = set("aeiouv")


def case_prefix(code: str) -> str:
    """Initials of the pinyin syllables of an organisation code: qukou → QK, pingluo → PL, tongfu-xiang → TFX."""
    letters = []
    for part in re.split(r"[-_0-9]+", code.lower()):
        i = 0
        while i < len(part):
            two = part[i : i + 2]
            if two in ("zh", "ch", "sh") and i + 2 < len(part) and part[i + 2] in _VOWELS:
                starts = i == 0 or part[i - 1] in _VOWELS or part[i - 1] in "ng"
                if starts:
                    letters.append(part[i])
                i += 2
                continue
            ch = part[i]
            nxt = part[i + 1] if i + 1 < len(part) else ""
            if ch in _INITIALS and nxt in _VOWELS:
                prev = part[i - 1] if i else ""
                if i == 0 or prev in _VOWELS or prev == "g" or (prev == "n" and ch != "g"):
                    letters.append(ch)
            elif i == 0 and ch in _VOWELS:
                letters.append(ch)
            i += 1
    prefix = "".join(letters).upper()[:4]
    return prefix or re.sub(r"[^A-Z0-9]", "", code.upper())[:4] or "GK"


def _next_case_number(organisation, year: int) -> str:
    last = next_value(CaseCounter, "last", organisation=organisation, year=year)
    return f"{case_prefix(organisation.code)}-{year}-{last:04d}"


# ---- intake -------------------------------------------------------------------------------------------------


@dataclass
class Applicant:
    applicant_type: str
    applicant_column: str
    name: str
    id_number: str
    phone: str = ""
    address: str = ""
    email: str = ""


@dataclass
class Request:
    info_title: str
    info_doc_no: str
    info_description: str
    provision_form: str
    delivery: str


def _validate_applicant(applicant: Applicant, *, today: dt.date) -> Applicant:
    name = (applicant.name or "").strip()
    if not name:
        raise ApplicationError("请填写申请人姓名或名称", field="name")
    if len(name) > MAX_NAME:
        raise ApplicationError(f"申请人姓名或名称不能超过{MAX_NAME}个字", field="name")
    number = crypto.normalise_identity(applicant.id_number)
    if applicant.applicant_type == ApplicantKind.NATURAL_PERSON:
        column = "natural_person"
        if not number:
            raise ApplicationError("请填写公民身份号码", field="id_number")
        problem = id_number_problem(number, today=today)
    elif applicant.applicant_type == ApplicantKind.ORGANISATION:
        column = applicant.applicant_column
        if column not in APPLICANTS or column == "natural_person":
            raise ApplicationError(
                "请选择法人或其他组织的类别：商业企业、科研机构、社会公益组织、法律服务机构或其他",
                field="applicant_column",
            )
        if not number:
            raise ApplicationError("请填写统一社会信用代码", field="id_number")
        problem = credit_code_problem(number)
    else:
        raise ApplicationError("请选择申请人类型：自然人或法人或其他组织", field="applicant_type")
    if problem:
        raise ApplicationError(problem, field="id_number")
    phone = (applicant.phone or "").strip()
    if phone and not re.fullmatch(r"[0-9+\-() ]{7,20}", phone):
        raise ApplicationError("联系电话格式不正确", field="phone")
    address = (applicant.address or "").strip()
    if len(address) > 200:
        raise ApplicationError("通信地址不能超过200个字", field="address")
    email = (applicant.email or "").strip()
    if not (phone or address or email):
        raise ApplicationError("请至少填写一种联系方式：联系电话、通信地址或电子邮箱", field="phone")
    return Applicant(applicant.applicant_type, column, name, number, phone, address, email)


def _validate_request(request: Request) -> Request:
    title = (request.info_title or "").strip()
    doc_no = (request.info_doc_no or "").strip()
    description = (request.info_description or "").strip()
    if not (title or doc_no or description):
        raise ApplicationError(
            "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述（第二十九条）",
            field="info_description",
        )
    if len(title) > MAX_TITLE:
        raise ApplicationError(f"信息名称不能超过{MAX_TITLE}个字", field="info_title")
    if len(doc_no) > 100:
        raise ApplicationError("文号不能超过100个字", field="info_doc_no")
    if len(description) > MAX_DESCRIPTION:
        raise ApplicationError(f"内容描述不能超过{MAX_DESCRIPTION}个字", field="info_description")
    if request.provision_form not in ProvisionForm.values:
        raise ApplicationError("请选择信息的提供形式：纸质或电子", field="provision_form")
    if request.delivery not in Delivery.values:
        raise ApplicationError("请选择获取信息的方式：邮寄、电子邮件或自行领取", field="delivery")
    return Request(title, doc_no, description, request.provision_form, request.delivery)


def _validate_proof(proof) -> tuple[bytes, str] | None:
    if proof is None:
        return None
    if proof.size > MAX_PROOF_BYTES:
        raise ApplicationError(f"身份证明文件不能超过{MAX_PROOF_BYTES // (1024 * 1024)}MB", field="proof")
    data = proof.read()
    try:
        kind = uploads.proof_kind(data)  # parsed, not sniffed (uploads.py)
    except uploads.UploadRejected:
        raise ApplicationError("身份证明只接受PDF、JPG或PNG文件（按文件内容识别）", field="proof") from None
    return data, kind


def _find_duplicate(organisation, id_hash: str, desc_hash: str, received_on: dt.date):
    if not id_hash or not desc_hash:
        return None
    since = received_on - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    return (
        Application.objects.filter(
            organisation=organisation,
            identity_hash=id_hash,
            description_hash=desc_hash,
            received_on__gte=since,
        )
        .order_by("-received_on", "-id")
        .first()
    )


def _create(
    *,
    organisation,
    applicant: Applicant,
    request: Request,
    channel: str,
    received_on: dt.date,
    proof,
    actor,
    action: str,
    is_demo: bool = False,
    ip_address: str | None = None,
    today: dt.date,
) -> tuple[Application, str]:
    applicant = _validate_applicant(applicant, today=today)
    request = _validate_request(request)
    proof_data = _validate_proof(proof)
    id_hash = identity_hash(applicant.id_number)
    desc_hash = _description_hash(request.info_title, request.info_doc_no, request.info_description)
    code = new_lookup_code()
    # A proof written to disk is deleted again when the transaction does not commit (uploads.py).
    with uploads.files_discarded_on_failure() as written, transaction.atomic():
        duplicate = _find_duplicate(organisation, id_hash, desc_hash, received_on)
        application = Application(
            organisation=organisation,
            case_number=_next_case_number(organisation, received_on.year),
            applicant_type=applicant.applicant_type,
            applicant_column=applicant.applicant_column,
            applicant_name=applicant.name,
            id_number=applicant.id_number,
            identity_hash=id_hash,
            phone=applicant.phone,
            address=applicant.address,
            email=applicant.email,
            info_title=request.info_title,
            info_doc_no=request.info_doc_no,
            info_description=request.info_description,
            description_hash=desc_hash,
            provision_form=request.provision_form,
            delivery=request.delivery,
            channel=channel,
            received_on=received_on,
            submitted_at=timezone.now() if channel == Channel.ONLINE else None,
            lookup_hash=lookup_hash(code),
            possible_duplicate_of=duplicate,
            is_demo=is_demo,
        )
        if proof_data is not None:
            data, kind = proof_data
            application.proof_type = kind
            application.proof.save(f"proof-{secrets.token_hex(8)}.{kind}", ContentFile(data), save=False)
            written.append(application.proof)
        try:
            application.save()
        except IntegrityError:
            raise ApplicationError("申请编号冲突，请重试") from None
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.RECEIVED,
            date=received_on,
            data={"channel": channel},
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor if actor is not None else "申请人（网上申请）",
            action=action,
            obj=application,
            after=audit_view(application),
            ip_address=ip_address,
        )
    return application, code


def application_submit(
    *,
    organisation,
    applicant: Applicant,
    request: Request,
    proof=None,
    ip_address: str | None = None,
    honeypot: str = "",
    today: dt.date | None = None,
) -> tuple[Application, str]:
    """An application made on the public form (互联网渠道). The receipt date is the submission date (Art. 31).

    Refuses a filled honeypot, too many submissions from one address or one identity, bad identity numbers,
    a proof that is not a PDF/JPG/PNG by content or too large. A repeat of an earlier request by the same
    applicant is accepted and flagged (`possible_duplicate_of`) for the clerk to consider Art. 36(6).
    Returns (application, lookup code); the code is shown once and only its hash is stored. Writes the
    `received` event and `applications.submit`.
    """
    today = today or _today()
    if honeypot:
        raise ApplicationError("提交失败，请刷新页面后重新填写")
    number = crypto.normalise_identity(applicant.id_number)
    id_hash = identity_hash(number) if number else ""
    refused = formguard.refusal(ip_address, id_hash)  # shared-cache limits (formguard.py)
    if refused:
        raise RateLimited(refused)
    result = _create(
        organisation=organisation,
        applicant=applicant,
        request=request,
        channel=Channel.ONLINE,
        received_on=today,
        proof=proof,
        actor=None,
        action="applications.submit",
        ip_address=ip_address,
        today=today,
    )
    formguard.count_stored(ip_address, id_hash)  # only a stored application counts; never raises
    return result


def application_register(
    *,
    organisation,
    actor,
    applicant: Applicant,
    request: Request,
    channel: str,
    received_on: dt.date,
    proof=None,
    is_demo: bool = False,
    today: dt.date | None = None,
) -> tuple[Application, str]:
    """Staff register an application received in person, by post, letter, fax, e-mail or online.

    `received_on` is the date the law assigns to the channel (Art. 31): the day handed in or signed for; for an
    ordinary letter, a fax or an e-mail, the date both sides confirmed receipt. Not in the future. Writes the
    `received` event and `applications.register`; returns (application, lookup code).
    """
    today = today or _today()
    _require(actor, perms.can_handle(actor, organisation), "您没有权限为该机构登记申请")
    if channel not in Channel.values:
        raise ApplicationError("请选择申请渠道", field="channel")
    if not isinstance(received_on, dt.date):
        raise ApplicationError("请填写收到申请之日", field="received_on")
    if received_on > today:
        raise ApplicationError("收到申请之日不能晚于今天", field="received_on")
    return _create(
        organisation=organisation,
        applicant=applicant,
        request=request,
        channel=channel,
        received_on=received_on,
        proof=proof,
        actor=actor,
        action="applications.register",
        is_demo=is_demo,
        today=today,
    )


def channel_date_hint(channel: str) -> str:
    if channel in CONFIRMATION_CHANNELS:
        return "以双方确认之日为收到申请之日（第三十一条）"
    if channel == Channel.POST:
        return "以签收之日为收到申请之日（第三十一条）"
    return "以提交之日为收到申请之日（第三十一条）"


def find_for_tracking(*, case_number: str, code: str, ip_address: str | None = None) -> Application | None:
    """The application with this case number whose lookup code matches; None otherwise (also when the
    address asked too often)."""
    if not formguard.track_allowed(ip_address):
        raise RateLimited("查询过于频繁，请稍后再试")
    return tracking.find(Application.objects.filter(case_number=(case_number or "").strip().upper()), code)


# ---- events -------------------------------------------------------------------------------------------------


def events_of(application: Application) -> list[tuple]:
    return [e.as_clock_event() for e in application.events.order_by("date", "id")]


def clock_of(application: Application, *, today: dt.date | None = None, calendar=None):
    calendar = calendar or calendar_for(application.organisation)
    return compute_clock(
        events_of(application), calendar, today=today or _today(), fee_pauses_clock=FEE_PAUSES_CLOCK
    )


def _record(
    *,
    application: Application,
    actor,
    kind: EventKind,
    date: dt.date,
    data: dict | None = None,
    note: str = "",
    updates: dict | None = None,
    today: dt.date | None = None,
    check=None,
) -> Application:
    """Validate one event against the clock and store it with a compare-and-set on the application."""
    today = today or _today()
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ApplicationError("请填写日期", field="date")
    if date > today:
        raise ApplicationError("日期不能晚于今天", field="date")
    data = dict(data or {})
    with transaction.atomic():
        current = Application.objects.select_related("organisation").get(pk=application.pk)
        _require(actor, (check or perms.can_handle)(actor, current.organisation))
        if current.anonymised_at is not None:
            raise ApplicationError("该申请的个人信息已按保存期限清除，不能再办理")
        calendar = calendar_for(current.organisation)
        events = events_of(current)
        try:
            check_event(events, (kind, date, data), calendar, fee_pauses_clock=FEE_PAUSES_CLOCK)
        except ClockError as exc:
            raise ApplicationError(exc.message, field=exc.field) from None
        fields = dict(updates or {})
        if kind in (EventKind.DECIDED, EventKind.DEEMED_ABANDONED):
            status = compute_clock(
                [*events, (kind, date, data)], calendar, today=today, fee_pauses_clock=FEE_PAUSES_CLOCK
            )
            fields.setdefault("decision", status.decision or "")
            fields["decided_on"] = date
            new_stage = Stage.CLOSED
        elif kind == EventKind.DELIVERED:
            new_stage = Stage.DELIVERED
        elif kind == EventKind.ARCHIVED:
            new_stage = Stage.ARCHIVED
        else:
            new_stage = Stage.OPEN
        if new_stage not in TRANSITIONS[current.stage]:
            raise ApplicationError(f"申请处于“{Stage(current.stage).label}”阶段，不能记录“{kind.label}”")
        before = audit_view(current)
        changed = Application.objects.filter(
            pk=current.pk, version=current.version, stage=current.stage
        ).update(version=F("version") + 1, stage=new_stage, updated_at=timezone.now(), **fields)
        if changed != 1:
            raise ApplicationError("该申请刚被他人修改，请刷新页面后重试")
        event = ApplicationEvent.objects.create(
            application=current,
            kind=kind,
            date=date,
            data=data,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            note=(note or "").strip(),
        )
        current.refresh_from_db()
        after = audit_view(current)
        after["event"] = snapshot(event)
        audit_record(
            actor=actor or "系统",
            action=f"applications.{kind.value}",
            obj=current,
            before={k: v for k, v in before.items() if after.get(k) != v},
            after=after,
        )
    return current


def application_request_correction(
    *, application, actor, date: dt.date, deadline: dt.date, items: str, today=None
) -> Application:
    """告知补正 (Art. 30): once, within 7 working days of receipt, with what to correct and a reasonable
    deadline. The answer clock stops until the corrected request arrives. Event `correction_requested`."""
    items = (items or "").strip()
    if not items:
        raise ApplicationError("请写明需要补正的事项", field="items")
    if not isinstance(deadline, dt.date):
        raise ApplicationError("请填写补正期限", field="deadline")
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.CORRECTION_REQUESTED,
        date=date,
        data={"deadline": deadline.isoformat(), "items": items},
        today=today,
    )


def application_receive_correction(*, application, actor, date: dt.date, note: str = "", today=None):
    """收到补正 (Art. 30): the 20 working days restart from this date. Event `correction_received`."""
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.CORRECTION_RECEIVED,
        date=date,
        note=note,
        today=today,
    )


def application_deem_abandoned(*, application, actor, date: dt.date, note: str = "", today=None):
    """视为放弃申请: the correction or the fee deadline passed. Closes the case as （六）1 or （六）2.
    Event `deemed_abandoned`."""
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.DEEMED_ABANDONED,
        date=date,
        note=note,
        today=today,
    )


CONSULTATION_EVENTS = {
    "third_party": (EventKind.THIRD_PARTY_CONSULTATION_OPENED, EventKind.THIRD_PARTY_CONSULTATION_CLOSED),
    "other_organ": (EventKind.OTHER_ORGAN_CONSULTATION_OPENED, EventKind.OTHER_ORGAN_CONSULTATION_CLOSED),
}


def application_open_consultation(
    *,
    application,
    actor,
    party: str,
    date: dt.date,
    consulted: str,
    letter_received_on: dt.date | None = None,
    note: str = "",
    today=None,
) -> Application:
    """征求意见 of a third party (Art. 32) or of other organs (Art. 34): the clock pauses for at most the 15
    working days the consulted party has to answer. Event `*_consultation_opened`."""
    if party not in CONSULTATION_EVENTS:
        raise ApplicationError("请选择征求意见的对象：第三方或其他机关", field="party")
    consulted = (consulted or "").strip()
    if not consulted:
        raise ApplicationError("请填写被征求意见的单位或个人", field="consulted")
    data = {"consulted": consulted}
    if letter_received_on is not None:
        data["letter_received_on"] = letter_received_on.isoformat()
    return _record(
        application=application,
        actor=actor,
        kind=CONSULTATION_EVENTS[party][0],
        date=date,
        data=data,
        note=note,
        today=today,
    )


def application_close_consultation(
    *, application, actor, party: str, date: dt.date, opinion: str = "", today=None
) -> Application:
    """The consulted party answered (or the consultation ended). Event `*_consultation_closed`."""
    if party not in CONSULTATION_EVENTS:
        raise ApplicationError("请选择征求意见的对象：第三方或其他机关", field="party")
    return _record(
        application=application,
        actor=actor,
        kind=CONSULTATION_EVENTS[party][1],
        date=date,
        data={"opinion": (opinion or "").strip()},
        today=today,
    )


def application_extend(
    *, application, actor, date: dt.date, workdays: int = MAX_EXTENSION_WORKDAYS, reason: str, today=None
) -> Application:
    """延期 (Art. 33 ¶2): approved by the head of the disclosure office (role admin or reviewer), at most 20
    working days, once, before the due date; the applicant is told by the 延期告知书. Event `extension_approved`."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明延期理由", field="reason")
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.EXTENSION_APPROVED,
        date=date,
        data={"workdays": workdays, "reason": reason},
        today=today,
        check=perms.can_approve_extension,
    )


def application_send_fee_notice(
    *,
    application,
    actor,
    date: dt.date,
    basis: str,
    quantity: int | None = None,
    received_on: dt.date | None = None,
    today=None,
) -> FeeNotice:
    """收费通知 (国办函〔2020〕109号): quotes the fee on one basis — 按件 (`quantity` = the applicant's earlier
    requests this month) or 按量 (`quantity` = pages) — and stops the clock until payment. Event
    `fee_notice_sent`; a `FeeNotice` row."""
    received_on = received_on or date
    if basis == "per_request" and quantity is None:
        quantity = requests_earlier_in_month(application)
    try:
        if basis == "per_request":
            quote = fee_quote(basis=basis, previous_in_month=quantity)
        else:
            quote = fee_quote(basis=basis, pages=quantity)
        check_single_basis([*application.fee_notices.values_list("basis", flat=True), basis])
    except FeeError as exc:
        raise ApplicationError(exc.message, field="quantity" if exc.field != "basis" else "basis") from None
    if quote.is_free:
        raise ApplicationError(
            f"按此计算应收金额为0元，无需发出收费通知。{quote.explanation}", field="quantity"
        )
    with transaction.atomic():
        _record(
            application=application,
            actor=actor,
            kind=EventKind.FEE_NOTICE_SENT,
            date=date,
            data={"received_on": received_on.isoformat(), "basis": basis, "amount": str(quote.amount)},
            today=today,
        )
        notice = FeeNotice.objects.create(
            application=application,
            basis=basis,
            quantity=quantity,
            amount_quoted=quote.amount,
            explanation=quote.explanation,
            sent_on=date,
            received_on=received_on,
        )
        audit_record(
            actor=actor or "系统",
            action="applications.fee_notice",
            obj=notice,
            after=snapshot(notice),
            organisation=application.organisation,
        )
    return notice


def requests_earlier_in_month(application: Application) -> int:
    """按件计收 counts per applicant per calendar month: the same identity's earlier applications to the same
    organisation received in the same month."""
    if not application.identity_hash:
        return 0
    first = application.received_on.replace(day=1)
    return (
        Application.objects.filter(
            organisation=application.organisation,
            identity_hash=application.identity_hash,
            received_on__gte=first,
        )
        .filter(
            models.Q(received_on__lt=application.received_on)
            | models.Q(received_on=application.received_on, pk__lt=application.pk)
        )
        .count()
    )


def application_record_fee_payment(
    *, application, actor, date: dt.date, amount_collected: Decimal, today=None
) -> FeeNotice:
    """The applicant paid: the clock runs again. Event `fee_paid`; records the amount collected."""
    notice = application.fee_notices.order_by("-sent_on", "-id").first()
    if notice is None:
        raise ApplicationError("未发出收费通知，不能记录缴费")
    if amount_collected is None or Decimal(amount_collected) < 0:
        raise ApplicationError("请填写实收金额", field="amount_collected")
    with transaction.atomic():
        _record(
            application=application,
            actor=actor,
            kind=EventKind.FEE_PAID,
            date=date,
            data={"amount": str(amount_collected)},
            today=today,
        )
        before = snapshot(notice)
        FeeNotice.objects.filter(pk=notice.pk).update(amount_collected=amount_collected, paid_on=date)
        notice.refresh_from_db()
        audit_record(
            actor=actor or "系统",
            action="applications.fee_collected",
            obj=notice,
            before=before,
            after=snapshot(notice),
            organisation=application.organisation,
        )
    return notice


def application_decide(
    *,
    application,
    actor,
    date: dt.date,
    decision: str,
    reply_text: str,
    legal_basis: str = "",
    today=None,
) -> Application:
    """作出答复: one decision type of Table B (a partial disclosure is only `partly_granted`), the legal basis
    (defaults to the article of the decision type) and the reply text. Closes the clock. Event `decided`."""
    if decision not in DECISIONS:
        raise ApplicationError("请选择答复类型", field="decision")
    if decision in (ABANDONED_NO_CORRECTION, ABANDONED_FEE_UNPAID):
        raise ApplicationError(
            "逾期不补正或逾期未缴费的，请记录“视为放弃申请”，而不是作出答复", field="decision"
        )
    reply_text = (reply_text or "").strip()
    if not reply_text:
        raise ApplicationError("请填写答复内容", field="reply_text")
    article = DECISIONS[decision].article
    legal_basis = (legal_basis or "").strip() or (
        f"《中华人民共和国政府信息公开条例》{article}" if article else ""
    )
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.DECIDED,
        date=date,
        data={"decision": decision},
        updates={"decision": decision, "legal_basis": legal_basis, "reply_text": reply_text},
        today=today,
    )


def application_deliver(*, application, actor, date: dt.date, method: str, proof: str = "", today=None):
    """送达: how and when the answer reached the applicant, with a proof note (e.g. the 挂号 number). Event
    `delivered`."""
    if method not in Delivery.values:
        raise ApplicationError("请选择送达方式", field="method")
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.DELIVERED,
        date=date,
        data={"method": method},
        updates={
            "delivered_method": method,
            "delivered_on": date,
            "delivery_proof": (proof or "").strip()[:300],
        },
        today=today,
    )


def application_archive(*, application, actor, date: dt.date, today=None) -> Application:
    """归档 (Art. 45), the last stage. Event `archived`; starts the retention period of personal data."""
    return _record(
        application=application,
        actor=actor,
        kind=EventKind.ARCHIVED,
        date=date,
        updates={"archived_on": date},
        today=today,
    )


def application_assign(*, application, actor, assignee) -> Application:
    """Make `assignee` (staff who may handle the organisation's applications) responsible for the case."""
    _require(actor, perms.can_handle(actor, application.organisation))
    if assignee is not None and not perms.can_handle(assignee, application.organisation):
        raise ApplicationError("承办人须为本机关的经办人、审核人或管理员", field="assignee")
    with transaction.atomic():
        before = {"assignee_id": application.assignee_id}
        Application.objects.filter(pk=application.pk).update(assignee=assignee, updated_at=timezone.now())
        application.refresh_from_db()
        audit_record(
            actor=actor or "系统",
            action="applications.assign",
            obj=application,
            before=before,
            after={"assignee_id": application.assignee_id},
        )
    return application


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


# ---- letter templates ---------------------------------------------------------------------------------------


def letter_template_save(*, organisation, actor, kind: str, body: str) -> LetterTemplate:
    """An organisation's own wording of a letter (Django template syntax with Chinese placeholders)."""
    from gongkai.applications.letters import check_template

    _require(actor, perms.can_edit_templates(actor, organisation), "只有管理员可以修改文书模板")
    if kind not in LetterKind.values:
        raise ApplicationError("未知的文书类型", field="kind")
    body = (body or "").strip()
    if not body:
        raise ApplicationError("模板内容不能为空", field="body")
    check_template(body)
    with transaction.atomic():
        template = (
            LetterTemplate.objects.select_for_update().filter(organisation=organisation, kind=kind).first()
        )
        before = snapshot(template) if template else None
        if template is None:
            template = LetterTemplate(organisation=organisation, kind=kind)
        template.body = body
        template.save()
        audit_record(
            actor=actor or "系统",
            action="applications.letter_template_save",
            obj=template,
            before=before,
            after=snapshot(template),
        )
    return template


# ---- retention and keys -------------------------------------------------------------------------------------


ANONYMISED_NAME = "（已清除）"


def personal_data_purge(*, today: dt.date | None = None, actor=None) -> int:
    """Anonymise applications archived longer ago than the retention period: ID number, phone, address,
    e-mail and name are cleared, the proof file deleted. Proof files alone go after their shorter period.
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
    """Re-encrypt every applicant's ID number, phone and address with the newest key (see keys.py).
    Returns the number of rows rewritten."""
    from gongkai.applications.keys import rotate_field_keys as rotate

    return rotate(actor=actor).rotated
