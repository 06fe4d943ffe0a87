"""Builders of the annual-report tests: published items with their channels, applications with their history,
行政复议/诉讼, complaints, staff, funding and external figures — all through the services that own them."""

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.applications import services as application_services
from gongkai.catalog import importing as catalog_importing
from gongkai.catalog.models import DocumentClass, Kind, Validity
from gongkai.channels.models import Channel
from gongkai.core.identifiers import credit_code_check_char, id_check_char
from gongkai.orgs.models import Duty, Funding, StaffMember, TrainingSession
from gongkai.oversight import services as oversight_services
from gongkai.reports.models import ExternalFigures

D = dt.date
TODAY = D(2026, 11, 29)


_serial = {"n": 0}


def _next() -> int:
    _serial["n"] += 1
    return _serial["n"]


def item(organisation, title, *, kind=Kind.NOTICE, published_on, channels=(Channel.WEBSITE,), **fields):
    """One item published on `published_on` through `channels` (imported, so it keeps its dates)."""
    data = {
        "title": title,
        "kind": kind,
        "written_on": fields.pop("written_on", published_on),
        "published_on": published_on,
        "channels": list(channels),
        "summary": fields.pop("summary", f"{title}的主要内容。"),
        **fields,
    }
    return catalog_importing.disclosure_import_one(organisation=organisation, actor="测试", data=data)


def document(organisation, title, *, published_on, channels=(Channel.WEBSITE,), normative=False, **fields):
    if fields.get("repealed_on"):
        fields.setdefault("validity", Validity.REPEALED)
    return item(
        organisation,
        title,
        kind=Kind.DOCUMENT,
        published_on=published_on,
        channels=channels,
        document_class=DocumentClass.NORMATIVE if normative else DocumentClass.ORDINARY,
        doc_no=fields.pop("doc_no", f"渠政发〔{published_on.year}〕{_next()}号"),
        **fields,
    )


def person(seq: int, name: str = "马文礼") -> application_services.Applicant:
    first = f"640221198507{seq % 28 + 1:02d}{seq % 1000:03d}"
    return application_services.Applicant(
        "natural_person",
        "",
        name,
        first + id_check_char(first),
        "13995012345",
        "宁夏平罗县渠口乡六顷地村三队",
        "",
    )


def body(seq: int, column: str, name: str = "平罗县塞上农业发展有限公司") -> application_services.Applicant:
    code = f"91640221MA76A{seq % 10000:04d}"
    return application_services.Applicant(
        "organisation", column, name, code + credit_code_check_char(code), "0952-6012345", "", ""
    )


def apply(organisation, received_on, applicant, title, *steps):
    """Register an application and play its steps: ("decide", date, code), ("correction", date, deadline),
    ("corrected", date), ("abandon", date), ("fee", date, pages), ("paid", date, amount)."""
    application, _code = application_services.application_register(
        organisation=organisation,
        actor=None,
        applicant=applicant,
        request=application_services.Request(title, "", "", "paper", "pickup"),
        channel="in_person",
        received_on=received_on,
        today=TODAY,
    )
    for kind, date, *rest in steps:
        common = {"application": application, "actor": None, "date": date, "today": TODAY}
        if kind == "decide":
            application_services.application_decide(**common, decision=rest[0], reply_text="现答复如下。")
        elif kind == "correction":
            application_services.application_request_correction(
                **common, deadline=rest[0], items="请写明名称"
            )
        elif kind == "corrected":
            application_services.application_receive_correction(**common)
        elif kind == "abandon":
            application_services.application_deem_abandoned(**common)
        elif kind == "fee":
            application_services.application_send_fee_notice(**common, basis="per_page", quantity=rest[0])
        elif kind == "paid":
            application_services.application_record_fee_payment(**common, amount_collected=rest[0])
        else:  # pragma: no cover - a typo in a test
            raise ValueError(kind)
    application.refresh_from_db()
    return application


def remedy(organisation, kind, filed_on, result="pending", decided_on=None, application=None):
    return oversight_services.remedy_create(
        organisation=organisation,
        actor=None,
        kind=kind,
        filed_on=filed_on,
        application=application,
        body="平罗县人民政府",
        reference=f"平政复〔{filed_on.year}〕{_next()}号",
        result=result,
        decided_on=decided_on,
    )


def complaint(organisation, received_on):
    return oversight_services.complaint_create(
        organisation=organisation,
        actor=None,
        received_on=received_on,
        channel="phone",
        subject="村务公开栏低保名单未及时更新",
        content="群众来电反映村务公开栏名单未更新。",
        handling="责成村委会三日内更新。",
        result="已更新并回复。",
        closed_on=received_on + dt.timedelta(days=5),
    )


def staff(organisation, year, full_time=0, part_time=0):
    for duty, count in ((Duty.FULL_TIME, full_time), (Duty.PART_TIME, part_time)):
        for n in range(count):
            StaffMember.objects.create(
                organisation=organisation, year=year, name=f"工作人员{n}{duty}", duty=duty
            )


def funding(organisation, year, amount):
    return Funding.objects.create(
        organisation=organisation, year=year, amount_wan=Decimal(amount), purpose="政务公开"
    )


def training(organisation, held_on):
    return TrainingSession.objects.create(
        organisation=organisation, held_on=held_on, topic="政务公开业务培训"
    )


def external(organisation, year, **figures):
    return ExternalFigures.objects.create(
        organisation=organisation, year=year, source_note="县政务服务局系统导出", **figures
    )


@pytest.fixture
def quick_render(monkeypatch):
    """Publishing renders a PDF and a DOCX (seconds each); tests that do not read them get valid one-page
    stand-ins."""
    import io

    import docx
    import pypdf

    from gongkai.reports import render

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    pdf = io.BytesIO()
    writer.write(pdf)
    document = docx.Document()
    document.add_paragraph("年度报告")
    word = io.BytesIO()
    document.save(word)
    monkeypatch.setattr(render, "to_pdf", lambda compiled: pdf.getvalue())
    monkeypatch.setattr(render, "to_docx", lambda compiled: word.getvalue())


class _Builders:
    D = D
    TODAY = TODAY
    item = staticmethod(item)
    document = staticmethod(document)
    person = staticmethod(person)
    body = staticmethod(body)
    apply = staticmethod(apply)
    remedy = staticmethod(remedy)
    complaint = staticmethod(complaint)
    staff = staticmethod(staff)
    funding = staticmethod(funding)
    training = staticmethod(training)
    external = staticmethod(external)


@pytest.fixture
def make():
    """The record builders (make.item, make.document, make.apply, make.remedy, …), with fast hashing and a
    throw-away media folder."""
    return _Builders
