"""Warnings of a report's own check before publication (issue 14), beside the table and text checks of ``checks``:
an empty narrative part (or one holding only its sub-headings, or a sub-heading with nothing under it), 0 staff or 0 funding while the organisation's records hold some, and the date line
(the published report is dated on the day it is published, never back-dated)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from gongkai.orgs import queries as org_queries

from .compile import CompiledReport
from .findings import SOFT, TEXT, Finding

# A line that is only a sub-heading of a part: “（二）本年度存在的主要问题”, “（三）改进措施”.
SUB_HEADING = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[）)][^。；;！!？?]{0,30}$")
STAFF_IN_TEXT = re.compile(r"工作人员\s*(\d+)\s*人")
FUNDING_IN_TEXT = re.compile(r"经费\s*(\d+(?:\.\d+)?)\s*万元")


def publication_date(day: dt.date) -> str:
    """The date line of a published report: the day of publication (e.g. 2022年1月20日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _printed(pattern: re.Pattern, text: str, figure) -> Decimal:
    """The figure as the report prints it: the number the (possibly edited) text states, else the compiled one."""
    found = pattern.search(text)
    return Decimal(found.group(1)) if found else Decimal(figure or 0)


def _warning(check: str, row: str, message: str, found=None) -> Finding:
    return Finding(
        check=check,
        severity=SOFT,
        table=TEXT,
        row=row,
        column="",
        expected=None,
        found=found,
        message=message,
    )


def empty_sub_headings(text: str) -> tuple[list[str], bool]:
    """The sub-headings of a part's text with nothing under them (before the next sub-heading or the end), and
    whether the text holds nothing but sub-headings."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    empty, only_headings = [], bool(lines)
    for number, line in enumerate(lines):
        if not SUB_HEADING.match(line):
            only_headings = False
            continue
        following = lines[number + 1] if number + 1 < len(lines) else None
        if following is None or SUB_HEADING.match(following):
            empty.append(line)
    return empty, only_headings


def _empty_part_findings(section) -> list[Finding]:
    """A part with no text, or holding only its sub-headings (五、… with “（二）本年度存在的主要问题” and nothing
    under it); else each sub-heading of the part with nothing under it."""
    if not section.editable:
        return []
    if not section.text.strip():
        return [_warning("empty_section", section.title, f"“{section.title}”没有内容，请填写或说明“无”")]
    empty, only_headings = empty_sub_headings(section.text)
    if only_headings:
        headings = "、".join(f"“{h}”" for h in empty)
        return [
            _warning(
                "empty_section",
                section.title,
                f"“{section.title}”只有小标题{headings}，没有内容，请填写或说明“无”",
            )
        ]
    return [
        _warning(
            "empty_subsection",
            f"{section.title}{heading}",
            f"“{section.title}”中“{heading}”下没有内容，请填写或说明“无”",
        )
        for heading in empty
    ]


def draft_findings(compiled: CompiledReport, *, today: dt.date, dated_entered: bool) -> list[Finding]:
    """The warnings (never hard: they do not stop publication); `dated_entered` when the clerk typed a date line."""
    findings = [finding for section in compiled.sections for finding in _empty_part_findings(section)]
    org, year = compiled.organisation, compiled.year
    text = compiled.text()
    if _printed(STAFF_IN_TEXT, text, compiled.figures.get("staff_total")) == 0:
        recorded = org_queries.staff_counts(org, year)["total"]
        if recorded:
            findings.append(
                _warning(
                    "zero_staff",
                    "工作人员",
                    f"报告中从事政务公开工作人员为0人，但机构信息中登记了{year}年的工作人员{recorded}人，请核实",
                    found=0,
                )
            )
    if _printed(FUNDING_IN_TEXT, text, compiled.figures.get("funding_wan")) == 0:
        recorded = org_queries.funding_total_wan(org, year)
        if recorded:
            findings.append(
                _warning(
                    "zero_funding",
                    "专项经费",
                    f"报告中政务公开专项经费为0万元，但机构信息中登记了{year}年的经费{recorded}万元，请核实",
                    found=0,
                )
            )
    on_publication = publication_date(today)
    if dated_entered and compiled.dated != on_publication:
        findings.append(
            _warning(
                "dated",
                "落款日期",
                f"落款日期“{compiled.dated}”将在发布时改为发布当日“{on_publication}”（不得倒签）",
            )
        )
    return findings
