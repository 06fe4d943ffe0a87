"""The inspection self-check as pure rules: facts in, findings out; `today` is passed in.

The limits are those of 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》(reference/catalog.md §6.1) and of
the Regulations; a warning starts before each limit (day 10 of 14, month 5 of 6) so the column never fails
unseen. Each finding names its rule, its object and the date it fails (or failed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

WARNING = "warning"
FAILING = "failing"

# 首页不更新 and 栏目不更新 ① (§6.1): dynamic columns 2 weeks, notice and policy columns 6 months.
HOME_DAYS, HOME_WARN_DAYS = 14, 10
NEWS_DAYS, NEWS_WARN_DAYS = 14, 10
SLOW_COLUMN_MONTHS, SLOW_COLUMN_WARN_MONTHS = 6, 5
# 政务新媒体: an account not updated for 2 weeks (same indicators, 新媒体 part).
WECHAT_DAYS, WECHAT_WARN_DAYS = 14, 10
# 互动回应差 (§6.1): valid messages unanswered for more than 3 months.
QUESTION_MONTHS = 3
# 村务公开 (村民委员会组织法 Art. 30; reference/village-affairs.md): at least quarterly, finances monthly.
VILLAGE_MONTHS, VILLAGE_WARN_MONTHS = 3, 2
VILLAGE_FINANCE_MONTHS = 1
VILLAGE_FINANCE_WARN_DAYS = 25
# Art. 26: items due within this many days are flagged before they are late.
ITEM_DUE_WARN_DAYS = 5
POSTING_END_WARN_DAYS = 3
# Art. 49: the annual report by 31 January; warned from 1 January.
REPORT_DEADLINE = (1, 31)

RULE_LABELS = {
    "home_stale": "首页不更新（14天）",
    "column_stale": "栏目不更新",
    "column_empty": "空白栏目",
    "question_unanswered": "留言超过3个月未答复",
    "question_overdue": "留言逾期未答复",
    "wechat_silent": "微信公众号14天未更新",
    "broken_link": "链接不可用",
    "attachment_missing": "附件文件缺失",
    "item_late": "信息未在20个工作日内公开（条例第二十六条）",
    "posting_ending": "公示即将期满",
    "application_due": "依申请公开即将到期或已超期（条例第三十三条）",
    "report_unpublished": "上一年度报告未按期发布（条例第四十九条）",
    "village_stale": "村务公开未按季度更新",
    "village_finance_stale": "村级财务未按月公开",
    "consultation_feedback": "意见征集采纳情况逾期未反馈",
    "key_work_gap": "重点工作环节逾期未公开",
}

# The columns the inspection counts, by the catalog kind whose items fill them.
COLUMNS = [
    ("news", "工作动态", "days", NEWS_DAYS, NEWS_WARN_DAYS),
    ("notice", "通知公告", "months", SLOW_COLUMN_MONTHS, SLOW_COLUMN_WARN_MONTHS),
    ("document", "政策文件", "months", SLOW_COLUMN_MONTHS, SLOW_COLUMN_WARN_MONTHS),
]


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str  # WARNING or FAILING
    subject: str  # the object: a column, an item, a 留言, an application, a link …
    fails_on: dt.date
    object_type: str = ""  # "disclosure", "question", "application", "consultation", "report", "column"
    object_id: int | None = None

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def level_label(self) -> str:
        return "未通过" if self.level == FAILING else "预警"


@dataclass
class Facts:
    """What the rules need to know about one organisation on `today` (read by supervision.facts)."""

    organisation_id: int
    is_village: bool = False
    has_home: bool = True
    last_item_on: dt.date | None = None
    last_by_kind: dict[str, dt.date | None] = field(default_factory=dict)
    last_wechat_on: dt.date | None = None
    has_wechat: bool = False
    last_village_finance_on: dt.date | None = None
    open_questions: list[tuple[int, str, dt.date, dt.date]] = field(
        default_factory=list
    )  # id, subject, received, due
    unpublished_items: list[tuple[int, str, dt.date]] = field(default_factory=list)  # id, title, due_on
    postings_ending: list[tuple[int, str, dt.date]] = field(default_factory=list)
    applications: list[tuple[int, str, str, dt.date]] = field(default_factory=list)  # id, number, state, due
    report_year: int | None = (
        None  # last year's report, when this organisation files one and it is unpublished
    )
    report_id: int | None = None
    broken_links: list[tuple[int, str, str]] = field(default_factory=list)  # item id, title, url
    missing_files: list[tuple[int, str, str]] = field(default_factory=list)  # item id, title, file name
    feedback_overdue: list[tuple[int, str, dt.date]] = field(default_factory=list)
    # key works of the organisation itself with a stage late or missing: work id, "work：stage", expected date
    key_work_gaps: list[tuple[int, str, dt.date]] = field(default_factory=list)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _limit(last: dt.date, unit: str, limit: int, warn: int) -> tuple[dt.date, dt.date]:
    """(the day the column fails, the day the warning starts) after the last update on `last`."""
    if unit == "days":
        return last + dt.timedelta(days=limit), last + dt.timedelta(days=warn)
    return add_months(last, limit), add_months(last, warn)


def _freshness(rule, subject, last, unit, limit, warn, today, *, object_type="column") -> Finding | None:
    fails_on, warns_on = _limit(last, unit, limit, warn)
    if today >= fails_on:
        return Finding(rule, FAILING, subject, fails_on, object_type)
    if today >= warns_on:
        return Finding(rule, WARNING, subject, fails_on, object_type)
    return None


def check(facts: Facts, today: dt.date) -> list[Finding]:
    """Every finding of the organisation on `today`, failing ones first, then by the date they fail."""
    out: list[Finding] = []
    if facts.is_village:
        out += _village(facts, today)
    elif facts.has_home:
        if facts.last_item_on is None:
            out.append(Finding("column_empty", FAILING, "首页", today, "column"))
        else:
            found = _freshness(
                "home_stale", "首页", facts.last_item_on, "days", HOME_DAYS, HOME_WARN_DAYS, today
            )
            out += [found] if found else []
        for kind, name, unit, limit, warn in COLUMNS:
            last = facts.last_by_kind.get(kind)
            if last is None:
                out.append(Finding("column_empty", FAILING, name, today, "column"))
                continue
            found = _freshness("column_stale", name, last, unit, limit, warn, today)
            out += [found] if found else []
    if facts.has_wechat and facts.last_wechat_on is not None:
        found = _freshness(
            "wechat_silent",
            "微信公众号",
            facts.last_wechat_on,
            "days",
            WECHAT_DAYS,
            WECHAT_WARN_DAYS,
            today,
            object_type="channel",
        )
        out += [found] if found else []
    for pk, subject, received, due in facts.open_questions:
        fails_on = add_months(received, QUESTION_MONTHS)
        if today > fails_on:
            out.append(Finding("question_unanswered", FAILING, subject, fails_on, "question", pk))
        elif today > due:
            out.append(Finding("question_overdue", WARNING, subject, fails_on, "question", pk))
    for pk, title, due in facts.unpublished_items:
        if today > due:
            out.append(Finding("item_late", FAILING, title, due, "disclosure", pk))
        elif (due - today).days <= ITEM_DUE_WARN_DAYS:
            out.append(Finding("item_late", WARNING, title, due, "disclosure", pk))
    for pk, title, ends in facts.postings_ending:
        if 0 <= (ends - today).days <= POSTING_END_WARN_DAYS:
            out.append(Finding("posting_ending", WARNING, title, ends, "disclosure", pk))
    for pk, number, state, due in facts.applications:
        level = FAILING if state == "overdue" else WARNING
        out.append(Finding("application_due", level, number, due, "application", pk))
    if facts.report_year is not None:
        deadline = dt.date(facts.report_year + 1, *REPORT_DEADLINE)
        level = FAILING if today > deadline else WARNING
        out.append(
            Finding(
                "report_unpublished",
                level,
                f"{facts.report_year}年度报告",
                deadline,
                "report",
                facts.report_id,
            )
        )
    for pk, title, url in facts.broken_links:
        out.append(Finding("broken_link", FAILING, f"{title}：{url}", today, "disclosure", pk))
    for pk, title, name in facts.missing_files:
        out.append(Finding("attachment_missing", FAILING, f"{title}：{name}", today, "disclosure", pk))
    for pk, title, due in facts.feedback_overdue:
        out.append(Finding("consultation_feedback", FAILING, title, due, "consultation", pk))
    for pk, subject, expected_on in facts.key_work_gaps:
        out.append(Finding("key_work_gap", FAILING, subject, expected_on, "keywork", pk))
    return sorted(out, key=lambda f: (f.level != FAILING, f.fails_on, f.rule, f.subject))


def _village(facts: Facts, today: dt.date) -> list[Finding]:
    if facts.last_item_on is None:
        return [Finding("column_empty", FAILING, "村务公开", today, "column")]
    out = []
    found = _freshness(
        "village_stale", "村务公开", facts.last_item_on, "months", VILLAGE_MONTHS, VILLAGE_WARN_MONTHS, today
    )
    out += [found] if found else []
    if facts.last_village_finance_on is not None:
        fails_on = add_months(facts.last_village_finance_on, VILLAGE_FINANCE_MONTHS)
        warns_on = facts.last_village_finance_on + dt.timedelta(days=VILLAGE_FINANCE_WARN_DAYS)
        if today >= fails_on:
            out.append(Finding("village_finance_stale", FAILING, "村级财务公开", fails_on, "column"))
        elif today >= warns_on:
            out.append(Finding("village_finance_stale", WARNING, "村级财务公开", fails_on, "column"))
    return out
