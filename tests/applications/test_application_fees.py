from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications.fees import (
    FeeBasis,
    FeeError,
    check_single_basis,
    fee_per_page,
    fee_per_request,
    fee_quote,
    per_request_band,
)


def test_forty_five_requests_in_a_month_cost_5500_yuan():
    quote = fee_per_request(previous_in_month=0, count=45)
    assert quote.amount == Decimal(5500)
    assert quote.basis is FeeBasis.PER_REQUEST
    assert [(line.first, line.last, line.rate) for line in quote.lines] == [
        (1, 10, 0),
        (11, 30, 100),
        (31, 40, 200),
        (41, 45, 300),
    ]
    assert "合计5500元" in quote.explanation
    assert "第1至10件免费" in quote.explanation
    assert "国办函〔2020〕109号" in quote.explanation


def test_one_request_of_250_pages_costs_4700_yuan():
    quote = fee_per_page(pages=250)
    assert quote.amount == Decimal(4700)
    assert [(line.count, line.amount) for line in quote.lines] == [
        (30, 0),
        (70, 700),
        (100, 2000),
        (50, 2000),
    ]
    assert "共250页" in quote.explanation
    assert "合计4700元" in quote.explanation


@pytest.mark.parametrize(
    ("previous", "amount"),
    [(0, 0), (9, 0), (10, 100), (29, 100), (30, 200), (39, 200), (40, 300), (50, 400), (99, 800), (100, 900)],
)
def test_the_next_request_of_the_month_costs_the_rate_of_its_band(previous, amount):
    assert fee_per_request(previous_in_month=previous).amount == Decimal(amount)


@pytest.mark.parametrize(
    ("pages", "amount"), [(1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)]
)
def test_the_page_table_charges_only_the_excess_at_rising_rates(pages, amount):
    assert fee_per_page(pages=pages).amount == Decimal(amount)


def test_the_first_ten_requests_of_a_month_are_free():
    quote = fee_per_request(previous_in_month=0, count=10)
    assert quote.is_free
    assert quote.amount == Decimal(0)


@given(previous=st.integers(0, 200), split=st.integers(1, 50), rest=st.integers(1, 50))
def test_charging_requests_one_batch_or_two_gives_the_same_total(previous, split, rest):
    whole = fee_per_request(previous_in_month=previous, count=split + rest).amount
    parts = (
        fee_per_request(previous_in_month=previous, count=split).amount
        + fee_per_request(previous_in_month=previous + split, count=rest).amount
    )
    assert whole == parts


@given(k=st.integers(31, 1000))
def test_above_thirty_each_band_of_ten_adds_one_hundred_yuan(k):
    band = per_request_band(k)
    assert band.last - band.first == 9
    assert band.rate == Decimal(100) * (2 + (k - 31) // 10)


def test_an_application_charged_both_per_request_and_per_page_is_refused():
    with pytest.raises(FeeError, match="只能选择按件或按量一种方式"):
        fee_quote(basis="per_request", previous_in_month=12, pages=40)
    with pytest.raises(FeeError, match="只能选择按件或按量一种方式"):
        fee_quote(basis="per_page", previous_in_month=12, pages=40)
    with pytest.raises(FeeError, match="不能既按件又按量"):
        check_single_basis(["per_request", "per_page"])


def test_fee_quote_dispatches_on_the_basis():
    assert fee_quote(basis="per_request", previous_in_month=44).amount == Decimal(300)
    assert fee_quote(basis="per_page", pages=250).amount == Decimal(4700)
    assert check_single_basis(["per_page", "per_page"]) is FeeBasis.PER_PAGE
    assert check_single_basis([]) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"basis": "per_month"}, "计收方式"),
        ({"basis": "per_request"}, "本月此前的申请件数"),
        ({"basis": "per_page"}, "须填写页数"),
        ({"basis": "per_page", "pages": 0}, "页数不能小于1"),
        ({"basis": "per_request", "previous_in_month": -1}, "不能小于0"),
        ({"basis": "per_page", "pages": 2.5}, "页数应为整数"),
    ],
)
def test_bad_fee_input_is_refused_in_chinese(kwargs, message):
    with pytest.raises(FeeError, match=message):
        fee_quote(**kwargs)
