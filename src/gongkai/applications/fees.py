"""信息处理费 (information processing fee) under Art. 42 and 国办函〔2020〕109号.

Providing information on application is free; a fee may be charged only when the number or frequency of an
applicant's requests clearly exceeds a reasonable range. Two bases, both 超额累进 (only the excess is charged, at
rising rates), and one application uses exactly one of them:

- 按件计收 (per request): requests counted per applicant per calendar month, cumulatively;
- 按量计收 (per page): pages counted per request; only for paper copies, e-mail or copied electronic data.

Amounts are whole yuan as `Decimal`. Pure: nothing here reads the database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gongkai.core.errors import DomainError

STANDARD = "国办函〔2020〕109号"


class FeeError(DomainError):
    pass


class FeeBasis(StrEnum):
    PER_REQUEST = "per_request"
    PER_PAGE = "per_page"

    @property
    def label(self) -> str:
        return {"per_request": "按件计收", "per_page": "按量计收"}[self.value]


@dataclass(frozen=True)
class FeeBand:
    first: int
    last: int | None  # None: open-ended
    rate: Decimal  # yuan per request or per page


# 按件: 1–10 free, 11–30 at 100; from 31 on, bands of 10 each adding 100 元/件 (band reading unverified, §4).
PER_REQUEST_BANDS: tuple[FeeBand, ...] = (
    FeeBand(1, 10, Decimal(0)),
    FeeBand(11, 30, Decimal(100)),
)
PER_REQUEST_BAND_WIDTH_ABOVE_30 = 10
PER_REQUEST_STEP = Decimal(100)

# 按量: 1–30 free, 31–100 at 10, 101–200 at 20, 201 and above at 40 元/页.
PER_PAGE_BANDS: tuple[FeeBand, ...] = (
    FeeBand(1, 30, Decimal(0)),
    FeeBand(31, 100, Decimal(10)),
    FeeBand(101, 200, Decimal(20)),
    FeeBand(201, None, Decimal(40)),
)


def per_request_band(k: int) -> FeeBand:
    """The band of the k-th request of the month (k ≥ 1)."""
    for band in PER_REQUEST_BANDS:
        if band.first <= k <= band.last:
            return band
    steps = (k - 31) // PER_REQUEST_BAND_WIDTH_ABOVE_30
    first = 31 + steps * PER_REQUEST_BAND_WIDTH_ABOVE_30
    return FeeBand(first, first + PER_REQUEST_BAND_WIDTH_ABOVE_30 - 1, PER_REQUEST_STEP * (2 + steps))


@dataclass(frozen=True)
class FeeLine:
    first: int
    last: int
    count: int
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class FeeQuote:
    basis: FeeBasis
    amount: Decimal  # yuan
    lines: tuple[FeeLine, ...]
    explanation: str

    @property
    def is_free(self) -> bool:
        return self.amount == 0


def _lines(first: int, last: int, band_of) -> tuple[FeeLine, ...]:
    """Split the items numbered first..last into their bands."""
    lines: list[FeeLine] = []
    k = first
    while k <= last:
        band = band_of(k)
        end = last if band.last is None else min(last, band.last)
        count = end - k + 1
        lines.append(FeeLine(k, end, count, band.rate, band.rate * count))
        k = end + 1
    return tuple(lines)


def _describe(lines: tuple[FeeLine, ...], unit: str) -> str:
    parts = []
    for line in lines:
        span = f"第{line.first}{unit}" if line.first == line.last else f"第{line.first}至{line.last}{unit}"
        if line.rate == 0:
            parts.append(f"{span}免费")
        else:
            parts.append(f"{span}：{line.count}{unit}×{line.rate}元={line.amount}元")
    return "；".join(parts)


def _check_count(value, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeError(f"{name}应为整数", field=name)
    if value < minimum:
        raise FeeError(f"{name}不能小于{minimum}", field=name)
    return value


def fee_per_request(*, previous_in_month: int, count: int = 1) -> FeeQuote:
    """按件计收: the fee for `count` requests when the applicant already made `previous_in_month` requests this
    calendar month (cumulative per applicant per month, 国办函〔2020〕109号)."""
    previous_in_month = _check_count(previous_in_month, "本月此前申请件数", minimum=0)
    count = _check_count(count, "申请件数", minimum=1)
    lines = _lines(previous_in_month + 1, previous_in_month + count, per_request_band)
    amount = sum((line.amount for line in lines), Decimal(0))
    explanation = (
        f"按件计收（{STANDARD}，同一申请人同一自然月累计计算，超额累进）：本月{_describe(lines, '件')}；"
        f"合计{amount}元。"
    )
    return FeeQuote(FeeBasis.PER_REQUEST, amount, lines, explanation)


def _page_band(k: int) -> FeeBand:
    for band in PER_PAGE_BANDS:
        if k >= band.first and (band.last is None or k <= band.last):
            return band
    raise AssertionError(k)


def fee_per_page(*, pages: int) -> FeeQuote:
    """按量计收: the fee for one request of `pages` pages (counted per request, 国办函〔2020〕109号)."""
    pages = _check_count(pages, "页数", minimum=1)
    lines = _lines(1, pages, _page_band)
    amount = sum((line.amount for line in lines), Decimal(0))
    explanation = f"按量计收（{STANDARD}，按单件申请的页数超额累进）：共{pages}页，{_describe(lines, '页')}；合计{amount}元。"
    return FeeQuote(FeeBasis.PER_PAGE, amount, lines, explanation)


def fee_quote(
    *,
    basis: str,
    previous_in_month: int | None = None,
    count: int = 1,
    pages: int | None = None,
) -> FeeQuote:
    """The fee of one application on one basis. Giving inputs for both bases is refused: an application is
    charged 按件 or 按量, never both (国办函〔2020〕109号)."""
    try:
        basis = FeeBasis(basis)
    except ValueError:
        raise FeeError("计收方式只能是按件计收或按量计收", field="basis") from None
    if basis is FeeBasis.PER_REQUEST:
        if pages is not None:
            raise FeeError("同一申请只能选择按件或按量一种方式计收，不能同时按页数计费", field="pages")
        if previous_in_month is None:
            raise FeeError("按件计收须填写申请人本月此前的申请件数", field="previous_in_month")
        return fee_per_request(previous_in_month=previous_in_month, count=count)
    if previous_in_month is not None or count != 1:
        raise FeeError(
            "同一申请只能选择按件或按量一种方式计收，不能同时按件数计费", field="previous_in_month"
        )
    if pages is None:
        raise FeeError("按量计收须填写页数", field="pages")
    return fee_per_page(pages=pages)


def check_single_basis(bases) -> FeeBasis | None:
    """Refuse an application whose fee notices use more than one basis; return the basis used, if any."""
    distinct = {FeeBasis(b) for b in bases}
    if len(distinct) > 1:
        raise FeeError("同一申请只能选择按件或按量一种方式计收，不能既按件又按量收费", field="basis")
    return distinct.pop() if distinct else None
