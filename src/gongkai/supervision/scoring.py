"""考核: each township (街道, department) scored per quarter or year from its records.

Score = 100 − the sum of its deductions. Every deduction is one record (an application, an item, a 留言, a column,
a village's missing quarter or month, a report) times the indicator's points; once an indicator reaches its cap,
further records are listed with 0 points, so the score is always 100 minus the sum of the traced rows.

Default weights follow the inspection indicators' proportions (国办秘函〔2019〕19号, 扣分指标) and the Regulations'
hard limits; a county changes them for its own townships (IndicatorWeight, services.weight_set).
Periods are evaluated as of their last day, or today while they are running — from the records as they stood
then, by their event dates: an application's clock is replayed from the events dated up to that day (one decided
after the period ended was open, and overdue, at its end); an item published after the period's end neither
updates a column nor ends its lateness for the period; a 留言 answered after the end was unanswered at the end.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q

from gongkai.applications import queries as application_queries
from gongkai.applications.clock import FEE_PAUSES_CLOCK, ClockError, ClockState, compute_clock
from gongkai.applications.models import ApplicationEvent
from gongkai.catalog import queries as catalog_queries
from gongkai.orgs import queries as org_queries
from gongkai.orgs.models import VILLAGE_KINDS
from gongkai.participation import queries as participation_queries
from gongkai.supervision import facts, rules
from gongkai.supervision import queries as supervision_queries
from gongkai.supervision.facts import VILLAGE_FINANCE_WORD
from gongkai.supervision.models import IndicatorWeight

FULL_MARKS = Decimal(100)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    points: Decimal  # per record
    cap: Decimal  # at most this much for the indicator in one period
    basis: str


INDICATORS = [
    Indicator("application_overdue", "依申请公开超期未答复", Decimal(2), Decimal(20), "条例第三十三条"),
    Indicator("item_late", "主动公开信息超过20个工作日", Decimal(1), Decimal(10), "条例第二十六条"),
    Indicator("question_overdue", "留言逾期答复或未答复", Decimal(1), Decimal(10), "检查指标·互动回应情况"),
    Indicator(
        "column_failing", "栏目不更新或空白", Decimal(5), Decimal(15), "检查指标·单项否决（栏目不更新）"
    ),
    Indicator("village_quarter", "村务公开季度未更新", Decimal(2), Decimal(10), "村民委员会组织法第三十条"),
    Indicator("village_finance", "村级财务未按月公开", Decimal(1), Decimal(10), "村民委员会组织法第三十条"),
    Indicator("report_late", "年度报告未按期发布", Decimal(10), Decimal(10), "条例第四十九条"),
]
BY_CODE = {i.code: i for i in INDICATORS}


def weights(county) -> dict[str, Indicator]:
    """The indicators with the county's own points and caps where it set them."""
    own = {w.indicator: w for w in IndicatorWeight.objects.filter(organisation=county)} if county else {}
    out = {}
    for ind in INDICATORS:
        w = own.get(ind.code)
        out[ind.code] = Indicator(ind.code, ind.label, w.points, w.cap, ind.basis) if w else ind
    return out


# ---- periods --------------------------------------------------------------------------------------------------


def period_bounds(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first = dt.date(year, 3 * quarter - 2, 1)
    last = rules.add_months(first, 3) - dt.timedelta(days=1)
    return first, last


def period_label(year: int, quarter: int | None) -> str:
    return f"{year}年" if quarter is None else f"{year}年第{quarter}季度"


# ---- the records behind each indicator ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    label: str
    organisation: str
    date: dt.date | None
    object_type: str
    object_id: int | None


def _records(organisation, code: str, first: dt.date, last: dt.date, as_of: dt.date) -> list[Record]:
    name = organisation.display_name
    if code == "application_overdue":
        return [
            Record(
                application.case_number,
                application.organisation.display_name,
                due_on,
                "application",
                application.pk,
            )
            for application, due_on in _applications_overdue_as_of(organisation, as_of)
            if first <= due_on <= last
        ]
    if code == "item_late":
        # published late within the period, or still unpublished at its end (published after it, or not yet)
        unpublished_at_end = Q(
            status__in=("draft", "secrecy_review", "approval"), published_on__isnull=True
        ) | Q(published_on__gt=as_of)
        qs = catalog_queries.in_subtree(organisation).filter(
            (catalog_queries.late_filter() & Q(published_on__gte=first, published_on__lte=last))
            | (unpublished_at_end & Q(due_on__gte=first, due_on__lte=last, due_on__lt=as_of))
        )
        return [
            Record(d.title, d.organisation.display_name, d.due_on, "disclosure", d.pk)
            for d in qs.select_related("organisation").order_by("due_on", "id")
        ]
    if code == "question_overdue":
        # past its answer period at some day of the period up to its end: answered late (even after the period
        # ended), or not answered at all
        qs = participation_queries.questions_in(organisation).filter(
            Q(due_on__gte=first, due_on__lte=last, due_on__lt=as_of, received_on__lte=as_of)
            & (Q(answered_on__gt=F("due_on")) | Q(answered_on__isnull=True, state="open"))
        )
        return [
            Record(q.subject, q.organisation.display_name, q.due_on, "question", q.pk)
            for q in qs.order_by("due_on", "id")
        ]
    if code == "column_failing":
        organisations = org_queries.subtree(organisation).exclude(kind__in=VILLAGE_KINDS).order_by("path")
        return [
            Record(f"{f.label}：{f.subject}", org.display_name, f.fails_on, "column", org.pk)
            for org in organisations  # villages are scored by their own two indicators
            for f in rules.check(facts.read_columns_as_of(org, as_of=as_of), as_of)
            if f.rule in supervision_queries.COLUMN_RULES and f.level == rules.FAILING
        ]
    if code in ("village_quarter", "village_finance"):
        return _village_records(organisation, code, first, last, as_of)
    if code == "report_late":
        status = supervision_queries.report_status(organisation, today=as_of)
        deadline = dt.date(as_of.year, 1, 31)
        if status and status.late and first <= deadline <= last:
            if status.published_on and status.published_on <= as_of:
                when = f"发布于{status.published_on:%Y-%m-%d}"
            elif status.published_on:
                when = f"期末尚未发布，{status.published_on:%Y-%m-%d}发布"
            else:
                when = "尚未发布"
            return [Record(f"{status.year}年度报告（{when}）", name, deadline, "report", organisation.pk)]
        return []
    raise KeyError(code)


def _applications_overdue_as_of(organisation, as_of: dt.date) -> list[tuple]:
    """(application, due date) of the subtree's applications past their due date by the end of `as_of`: still open
    then (超期未答复) or answered after the due date (超期答复). Each clock is replayed from the events dated up to
    that day, so an application decided after the period ended was open, and overdue, at its end."""
    applications = list(
        application_queries.in_subtree(organisation)
        .filter(received_on__lte=as_of)
        .select_related("organisation")
        .order_by("received_on", "id")
    )
    events = defaultdict(list)
    for event in ApplicationEvent.objects.filter(application__in=applications, date__lte=as_of).order_by(
        "date", "id"
    ):
        events[event.application_id].append(event.as_clock_event())
    calendars = application_queries.CalendarCache()
    out = []
    for application in applications:
        try:
            clock = compute_clock(
                events[application.pk],
                calendars.for_org(application.organisation),
                today=as_of,
                fee_pauses_clock=FEE_PAUSES_CLOCK,
            )
        except ClockError:  # a history the clock cannot read is shown on the case itself, not scored
            continue
        late = clock.state == ClockState.OVERDUE or (clock.state == ClockState.CLOSED and clock.answered_late)
        if late and clock.due_on:
            out.append((application, clock.due_on))
    return out


def _village_records(organisation, code, first, last, as_of) -> list[Record]:
    """Each village of the subtree, each whole quarter (or month) of the period up to `as_of` without an item
    (a finance item for the monthly rule, which applies to villages that publish their finances at all)."""
    out = []
    villages = org_queries.subtree(organisation).filter(kind__in=VILLAGE_KINDS).order_by("path")
    step = 3 if code == "village_quarter" else 1
    for village in villages:
        items = catalog_queries.public_disclosures(village).filter(organisation=village)
        if code == "village_finance":
            items = items.filter(title__contains=VILLAGE_FINANCE_WORD)
            if not items.exists():
                continue
        days = set(
            items.filter(published_on__gte=first, published_on__lte=last).values_list(
                "published_on", flat=True
            )
        )
        start = first
        while start <= last:
            end = rules.add_months(start, step) - dt.timedelta(days=1)
            if end >= as_of:
                break  # the quarter (month) is not over yet
            if not any(start <= d <= end for d in days):
                span = f"{start:%Y年}第{(start.month - 1) // 3 + 1}季度" if step == 3 else f"{start:%Y年%m月}"
                out.append(
                    Record(
                        f"{span}无{'村务公开' if step == 3 else '财务公开'}",
                        village.display_name,
                        end,
                        "organisation",
                        village.pk,
                    )
                )
            start = rules.add_months(start, step)
    return out


# ---- the score ------------------------------------------------------------------------------------------------------


@dataclass
class Deduction:
    indicator: Indicator
    record: Record
    points: Decimal
    capped: bool = False


@dataclass
class Score:
    organisation: object
    period: str
    deductions: list[Deduction] = field(default_factory=list)

    @property
    def deducted(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))

    @property
    def score(self) -> Decimal:
        return FULL_MARKS - self.deducted


def score(organisation, *, year: int, quarter: int | None, today: dt.date, indicators=None) -> Score:
    first, last = period_bounds(year, quarter)
    as_of = min(today, last)
    indicators = indicators or weights(None)
    result = Score(organisation, period_label(year, quarter))
    for ind in indicators.values():
        taken = Decimal(0)
        for record in _records(organisation, ind.code, first, last, as_of):
            points = min(ind.points, max(ind.cap - taken, Decimal(0)))
            taken += points
            result.deductions.append(Deduction(ind, record, points, capped=points < ind.points))
    return result


def scores(county, *, year: int, quarter: int | None, today: dt.date) -> list[Score]:
    indicators = weights(county)
    return [
        score(org, year=year, quarter=quarter, today=today, indicators=indicators)
        for org in supervision_queries.board_organisations(county)
    ]


def xlsx(results: list[Score]) -> bytes:
    """得分 (one row per organisation) and 扣分明细 (one row per deduction, with the record it comes from)."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "得分"
    summary.append(["机构", "考核期间", "得分", "扣分合计", "扣分项数"])
    detail = book.create_sheet("扣分明细")
    detail.append(
        [
            "机构",
            "考核期间",
            "指标",
            "依据",
            "记录",
            "所属机构",
            "日期",
            "记录类型",
            "记录编号",
            "扣分",
            "说明",
        ]
    )
    for result in results:
        name = result.organisation.display_name
        summary.append(
            [name, result.period, float(result.score), float(result.deducted), len(result.deductions)]
        )
        for d in result.deductions:
            detail.append(
                [
                    name,
                    result.period,
                    d.indicator.label,
                    d.indicator.basis,
                    d.record.label,
                    d.record.organisation,
                    d.record.date,
                    d.record.object_type,
                    d.record.object_id,
                    float(d.points),
                    "已达该指标扣分上限" if d.capped else "",
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
