"""The 公民身份号码 check (GB 11643) has one definition, `core.identifiers.id_number_problem`: the applications
form reports its reason, the privacy detector asks `is_valid_id_number`, and the two always agree."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications import services
from gongkai.core import identifiers
from gongkai.core.identifiers import id_check_char, id_number_problem, is_valid_id_number

TODAY = dt.date(2026, 11, 20)


def make(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (make("64022119850715001"), None),
        (" 11010519491231002x ", None),
        ("6402211985071500", "应为18位，当前为16位"),
        ("64022119850715001A", "最后一位为数字或X"),
        (make("64022119850230001"), "出生日期无效"),
        (make("64022118400101001"), "出生日期无效"),
        (make("64022120301231001"), "出生日期无效"),  # born after today
        ("640221198507150016", "校验位错误：应为5，实为6"),
    ],
)
def test_the_id_number_check_gives_the_reason_in_chinese(value, message):
    problem = id_number_problem(value, today=TODAY)
    if message is None:
        assert problem is None
    else:
        assert message in problem


@given(st.text(alphabet="0123456789X", min_size=17, max_size=19))
def test_the_reason_and_the_validity_check_always_agree(value):
    assert (id_number_problem(value, today=TODAY) is None) == is_valid_id_number(value, today=TODAY)


def test_the_applications_intake_uses_the_one_check_rather_than_a_copy():
    assert not hasattr(services, "id_number_problem")
    assert services.intake.id_number_problem is identifiers.id_number_problem


def test_a_full_width_id_number_is_accepted_on_the_form_after_normalisation(township, data):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in data.PERSON_ID)
    application, _ = services.application_submit(
        organisation=township,
        applicant=data.person(id_number=full_width),
        request=data.wanted(),
        today=TODAY,
    )
    assert application.id_number == data.PERSON_ID
