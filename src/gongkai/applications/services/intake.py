"""Intake of applications: the public form (互联网渠道) and the office's registration of letters, visits, faxes
and e-mails (Art. 29, 31); case numbers and lookup codes; the rate limits of the public form; tracking by the
applicant. Each application is created with its ``received`` event in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.applications import crypto, formguard, tracking, uploads
from gongkai.applications import permissions as perms
from gongkai.applications.clock import EventKind
from gongkai.applications.decisions import APPLICANTS
from gongkai.applications.models import (
    ApplicantKind,
    Application,
    ApplicationEvent,
    CaseCounter,
    Channel,
    Delivery,
    ProvisionForm,
)
from gongkai.applications.services.common import (
    ApplicationError,
    _require,
    _today,
    audit_view,
    identity_hash,
)
from gongkai.applications.services.online import application_mail_submission_receipt
from gongkai.audit.services import audit_record
from gongkai.core.counters import next_value
from gongkai.core.identifiers import credit_code_problem, id_number_problem
from gongkai.privacy.extract import JPG, PDF, PNG

MAX_PROOF_BYTES = 5 * 1024 * 1024
PROOF_TYPES = (PDF, JPG, PNG)
MAX_NAME = 120
MAX_TITLE = 300
MAX_DESCRIPTION = 2000
# Abuse control of the public form (per address and per identity, in the shared cache): formguard.py.
# Art. 36(6): the same applicant asking again for the same information within this window is flagged.
DUPLICATE_WINDOW_DAYS = 365

LOOKUP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LOOKUP_LENGTH = 12


class RateLimited(ApplicationError):
    pass


def normalise_description(*parts: str) -> str:
    text = unicodedata.normalize("NFKC", "".join(p or "" for p in parts))
    return re.sub(r"[\s\W_]+", "", text).lower()


def _description_hash(title: str, doc_no: str, description: str) -> str:
    normalised = normalise_description(title, doc_no, description)
    return hashlib.sha256(normalised.encode()).hexdigest() if normalised else ""


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
    awaiting_confirmation: bool = False,
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
            awaiting_confirmation=awaiting_confirmation,
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
            data={"channel": channel, **({"awaiting_confirmation": True} if awaiting_confirmation else {})},
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
    """An application made on the public form (互联网渠道). Art. 31(3): it is received on the day the organ
    confirms it, so it is stored awaiting confirmation (`awaiting_confirmation`, the `received` event dated the
    submission day and flagged): no clock runs and Table B does not count it until `application_confirm_receipt`.
    The receipt (submission date; receipt date to be confirmed) is e-mailed after the commit when an address is
    given.

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
        awaiting_confirmation=True,
        today=today,
    )
    formguard.count_stored(ip_address, id_hash)  # only a stored application counts; never raises
    application_mail_submission_receipt(application=result[0], today=today)
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


def find_for_tracking(*, case_number: str, code: str, ip_address: str | None = None) -> Application | None:
    """The application with this case number whose lookup code matches; None otherwise (also when the
    address asked too often)."""
    if not formguard.track_allowed(ip_address):
        raise RateLimited("查询过于频繁，请稍后再试")
    return tracking.find(Application.objects.filter(case_number=(case_number or "").strip().upper()), code)
