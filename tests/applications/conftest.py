"""Fixtures of the 依申请公开 tests: a clean cache, a throw-away field key and media folder, and a helper that
registers an application through the service."""

import datetime as dt
import time

import pytest
from gk_servers import applicant_fields

from gongkai.applications import formguard, services
from gongkai.core.identifiers import id_check_char

PERSON_ID = "640221198507150015"
PERSON_ID_2 = "640221199003020027"
CREDIT_CODE = "91640221MA76A1B2CC"


def make_id(birth: str = "19850715", seq: str = "001") -> str:
    first = "640221" + birth + seq
    return first + id_check_char(first)


def person(**overrides) -> services.Applicant:
    fields = {
        "applicant_type": "natural_person",
        "applicant_column": "",
        "name": "马文礼",
        "id_number": PERSON_ID,
        "phone": "13995012345",
        "address": "宁夏石嘴山市平罗县渠口乡六顷地村三队12号",
        "email": "mawenli@example.com",
    }
    fields.update(overrides)
    return services.Applicant(**fields)


def company(**overrides) -> services.Applicant:
    fields = {
        "applicant_type": "organisation",
        "applicant_column": "business",
        "name": "平罗县塞上农业发展有限公司",
        "id_number": CREDIT_CODE,
        "phone": "0952-6012345",
        "address": "宁夏石嘴山市平罗县城关镇南大街8号",
        "email": "",
    }
    fields.update(overrides)
    return services.Applicant(**fields)


def wanted(**overrides) -> services.Request:
    fields = {
        "info_title": "2025年渠口乡高标准农田建设项目资金使用情况",
        "info_doc_no": "",
        "info_description": "请公开项目资金拨付明细和验收报告",
        "provision_form": "electronic",
        "delivery": "email",
    }
    fields.update(overrides)
    return services.Request(**fields)


@pytest.fixture
def register():
    """register(org, received_on, applicant=…, request=…, today=…) → (application, lookup code)."""

    def _register(
        organisation,
        received_on=dt.date(2025, 3, 3),
        *,
        applicant=None,
        request=None,
        channel="in_person",
        today=None,
    ):
        return services.application_register(
            organisation=organisation,
            actor=None,
            applicant=applicant or person(),
            request=request or wanted(),
            channel=channel,
            received_on=received_on,
            today=today or max(received_on, dt.date(2026, 11, 29)),
        )

    return _register


class _Data:
    PERSON_ID = PERSON_ID
    PERSON_ID_2 = PERSON_ID_2
    CREDIT_CODE = CREDIT_CODE
    person = staticmethod(person)
    company = staticmethod(company)
    wanted = staticmethod(wanted)
    make_id = staticmethod(make_id)


@pytest.fixture
def data():
    """Applicant and request builders: data.person(), data.company(), data.wanted(), data.make_id()."""
    return _Data


def public_form_data(data, **overrides) -> dict:
    """What a person fills in on the public application form (every hidden field the page carries included)."""
    # the form was served a minute ago (formguard: minimum fill time)
    return {
        **applicant_fields(data.PERSON_ID),
        "form_token": formguard.issue_token(time.time() - 60),
        **overrides,
    }


@pytest.fixture
def apply_form():
    """apply_form(data, **overrides) → the POST data of the public form."""
    return public_form_data


@pytest.fixture
def case(township, register):
    """Every letter of one case, in this order: 补正 1, 征求意见 2, 延期 3, 收费 4, 答复 5 (the letters' tests;
    a module with its own `case` fixture overrides this one)."""
    application, _ = register(township, dt.date(2025, 9, 26))
    services.application_request_correction(
        application=application,
        actor=None,
        date=dt.date(2025, 9, 29),
        deadline=dt.date(2025, 10, 17),
        items="请写明所需信息的年份和村组",
    )
    services.application_receive_correction(application=application, actor=None, date=dt.date(2025, 10, 9))
    services.application_open_consultation(
        application=application,
        actor=None,
        party="third_party",
        date=dt.date(2025, 10, 10),
        consulted="平罗县塞上农业发展有限公司",
    )
    services.application_close_consultation(
        application=application, actor=None, party="third_party", date=dt.date(2025, 10, 20)
    )
    services.application_extend(
        application=application, actor=None, date=dt.date(2025, 10, 21), workdays=10, reason="需调取多年档案"
    )
    services.application_send_fee_notice(
        application=application, actor=None, date=dt.date(2025, 10, 22), basis="per_page", quantity=45
    )
    services.application_record_fee_payment(
        application=application, actor=None, date=dt.date(2025, 10, 24), amount_collected=150
    )
    return services.application_decide(
        application=application,
        actor=None,
        date=dt.date(2025, 11, 3),
        decision="partly_granted",
        reply_text="现向您提供项目资金拨付明细，涉及第三方商业秘密的部分不予公开。",
    )
