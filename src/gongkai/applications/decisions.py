"""Decision types of an application: the leaf result rows of Table B (2021 format) and the applicant columns.

Codes are stable (glossary.md): they are stored in the database and must never be renamed. Labels are printed
exactly as in annual-report-format.md §3.2. Each closed case maps to exactly one decision (regulations.md §3.8).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResultGroup:
    code: str
    label: str  # printed group label, e.g. "（三）不予公开"


@dataclass(frozen=True)
class DecisionType:
    code: str
    group: ResultGroup
    label: str  # the leaf row label exactly as printed in Table B
    article: str  # the legal basis; "" where the row exists only in the report format

    @property
    def number(self) -> str:
        """The row's number as cited in the report, e.g. "（三）1" or "（一）"."""
        if self.label.startswith("（"):
            return self.label[: self.label.index("）") + 1]
        return self.group.label[: self.group.label.index("）") + 1] + self.label.split(".", 1)[0]

    @property
    def display(self) -> str:
        """A self-contained label for forms and lists, e.g. "不予公开：属于国家秘密"."""
        if self.label.startswith("（"):
            return self.label.split("）", 1)[1].split("（", 1)[0]
        return f"{self.group.label.split('）', 1)[1]}：{self.label.split('.', 1)[1]}"


GRANTED = ResultGroup("granted", "（一）予以公开")
PARTLY_GRANTED = ResultGroup("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
REFUSED = ResultGroup("refused", "（三）不予公开")
UNABLE = ResultGroup("unable", "（四）无法提供")
NOT_HANDLED = ResultGroup("not_handled", "（五）不予处理")
OTHER = ResultGroup("other", "（六）其他处理")

RESULT_GROUPS: tuple[ResultGroup, ...] = (GRANTED, PARTLY_GRANTED, REFUSED, UNABLE, NOT_HANDLED, OTHER)

# Table B leaf rows in printed order (annual-report-format.md §3.2); articles from regulations.md §3.8.
DECISION_TYPES: tuple[DecisionType, ...] = (
    DecisionType("granted", GRANTED, "（一）予以公开", "第三十六条第（一）项、第（二）项"),
    DecisionType(
        "partly_granted",
        PARTLY_GRANTED,
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "第三十七条",
    ),
    DecisionType("refuse_state_secret", REFUSED, "1.属于国家秘密", "第十四条"),
    DecisionType("refuse_prohibited_by_law", REFUSED, "2.其他法律行政法规禁止公开", "第十四条"),
    DecisionType("refuse_security_stability", REFUSED, "3.危及“三安全一稳定”", "第十四条"),
    DecisionType("refuse_third_party", REFUSED, "4.保护第三方合法权益", "第十五条"),
    DecisionType("refuse_internal_affairs", REFUSED, "5.属于三类内部事务信息", "第十六条"),
    DecisionType("refuse_process_info", REFUSED, "6.属于四类过程性信息", "第十六条"),
    DecisionType("refuse_enforcement_file", REFUSED, "7.属于行政执法案卷", "第十六条"),
    DecisionType("refuse_admin_query", REFUSED, "8.属于行政查询事项", "第三十六条第（七）项"),
    DecisionType("unable_not_held", UNABLE, "1.本机关不掌握相关政府信息", "第三十六条第（四）项、第（五）项"),
    DecisionType("unable_needs_creation", UNABLE, "2.没有现成信息需要另行制作", "第三十八条"),
    DecisionType("unable_unclear_after_correction", UNABLE, "3.补正后申请内容仍不明确", "第三十条"),
    DecisionType("not_handled_petition", NOT_HANDLED, "1.信访举报投诉类申请", "第三十九条第一款"),
    DecisionType("not_handled_repeat", NOT_HANDLED, "2.重复申请", "第三十六条第（六）项"),
    DecisionType("not_handled_publication", NOT_HANDLED, "3.要求提供公开出版物", "第三十九条第二款"),
    DecisionType("not_handled_excessive", NOT_HANDLED, "4.无正当理由大量反复申请", "第三十五条"),
    # Only in the report format, not in the Regulations (regulations.md §3.8).
    DecisionType("not_handled_reissue", NOT_HANDLED, "5.要求行政机关确认或重新出具已获取信息", ""),
    DecisionType(
        "other_no_correction",
        OTHER,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "第三十条",
    ),
    DecisionType(
        "other_fee_unpaid",
        OTHER,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "第四十二条；国办函〔2020〕109号",
    ),
    DecisionType("other_misc", OTHER, "3.其他", ""),
)

DECISIONS: dict[str, DecisionType] = {d.code: d for d in DECISION_TYPES}
DECISION_CODES: tuple[str, ...] = tuple(DECISIONS)
# For a CharField(choices=…): value is the stable code, label is self-contained.
DECISION_CHOICES: list[tuple[str, str]] = [(d.code, d.display) for d in DECISION_TYPES]

# （四）3: only after a correction was asked for (Art. 30); checked by `services.events.application_decide`.
UNCLEAR_AFTER_CORRECTION = "unable_unclear_after_correction"

# Cases closed by `deemed_abandoned` in the clock land in these rows.
ABANDONED_NO_CORRECTION = "other_no_correction"
ABANDONED_FEE_UNPAID = "other_fee_unpaid"


def decision(code: str) -> DecisionType:
    """The decision type of a stable code; KeyError for an unknown one."""
    return DECISIONS[code]


def decisions_in_group(group_code: str) -> tuple[DecisionType, ...]:
    return tuple(d for d in DECISION_TYPES if d.group.code == group_code)


def _normalise_label(label: str) -> str:
    # （六）1 and （六）2 appear with "，" as well as "、" in published reports; treat them as equal.
    return label.strip().replace("，", "、").replace('"', "“")


def decision_by_label(label: str, group_label: str | None = None) -> DecisionType | None:
    """Find a decision by its printed leaf label (for parsing published reports). Numbered sub-rows repeat
    across groups only in number, so the text after the number is enough; `group_label` narrows it if given."""
    wanted = _normalise_label(label)
    for d in DECISION_TYPES:
        if group_label is not None and _normalise_label(group_label) != _normalise_label(d.group.label):
            continue
        if _normalise_label(d.label) == wanted:
            return d
    return None


@dataclass(frozen=True)
class ApplicantColumn:
    code: str
    label: str
    is_organisation: bool  # under the 法人或其他组织 header


# Table B columns (annual-report-format.md §3.1). There is no 法人或其他组织 subtotal column.
APPLICANT_COLUMNS: tuple[ApplicantColumn, ...] = (
    ApplicantColumn("natural_person", "自然人", False),
    ApplicantColumn("business", "商业企业", True),
    ApplicantColumn("research", "科研机构", True),
    ApplicantColumn("nonprofit", "社会公益组织", True),
    ApplicantColumn("legal_service", "法律服务机构", True),
    ApplicantColumn("other_org", "其他", True),
)
APPLICANT_GROUP_LABEL = "法人或其他组织"
APPLICANT_HEADER_LABEL = "申请人情况"
TOTAL_COLUMN = ("total", "总计")

APPLICANTS: dict[str, ApplicantColumn] = {c.code: c for c in APPLICANT_COLUMNS}
APPLICANT_CODES: tuple[str, ...] = tuple(APPLICANTS)
APPLICANT_CHOICES: list[tuple[str, str]] = [
    (c.code, f"{APPLICANT_GROUP_LABEL}（{c.label}）" if c.is_organisation else c.label)
    for c in APPLICANT_COLUMNS
]
