"""Every check of an annual report in one call: the table identities (``identities``), the text's sums and quoted
figures (``narrative_sums``) and the format the year requires. The compiled report and the checker of published
reports both call ``check_report``; the findings are ``findings.Finding``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .findings import SOFT, TEXT, Finding
from .identities import check_carry_and_stock, check_tables, check_township_rules
from .narrative_sums import check_narrative_figures, check_narrative_sums
from .tables import FORMAT_2021, FORMATS, TABLE_A, TABLE_TITLES, Table, format_for_year


def check_format_for_year(year: int | None, format_code: str | None, text: str = "") -> list[Finding]:
    """§5.3 obsolete format: the tables (and the format cited in the preface) must fit the report year."""
    if year is None or format_code is None:
        return []
    expected = format_for_year(year)
    findings = []
    if expected is not None and expected.code != format_code:
        used = FORMATS[format_code]
        findings.append(
            Finding(
                "format_year",
                SOFT,
                TEXT,
                "",
                "",
                None,
                None,
                f"{year} 年度报告应使用{expected.name}（{expected.document}），但表格采用{used.name}",
            )
        )
    if format_code == FORMAT_2021.code and re.search(r"〔2019〕\s*60\s*号", text):
        findings.append(
            Finding(
                "format_citation",
                SOFT,
                TEXT,
                "",
                "",
                None,
                None,
                "正文引用国办公开办函〔2019〕60号，但表格采用 2021 年格式（国办公开办函〔2021〕30号）",
            )
        )
    return findings


def check_reading(*, tables_found: bool, year: int | None, assumptions=(), units=()) -> list[Finding]:
    """What reading a published report took: labels matched approximately, units read, or no table at all.

    A report for 2019 or later (or of unknown year) must carry Tables A–C (国办公开办函〔2019〕60号,
    〔2021〕30号); finding none is said, not passed over. Reports before 2019 were free-form.
    """
    findings = []
    if not tables_found and (year is None or year >= 2019):
        findings.append(
            Finding(
                "no_tables",
                SOFT,
                TEXT,
                "",
                "",
                None,
                None,
                "未识别到表二至表四：2019 年起的年度报告应以表格报告主动公开、依申请公开和复议诉讼数字；"
                "本次仅检查了正文",
                "无表格可核对",
            )
        )
    for table, row, printed, why in assumptions:
        if why == "单行":
            findings.append(
                Finding(
                    "other_single_row",
                    SOFT,
                    table,
                    row,
                    "",
                    None,
                    None,
                    f"{TABLE_TITLES[table]} 把（六）其他处理印成一行（2019 年格式的写法），2021 年格式分为 1–3 三行；"
                    "其数字按（六）3.其他计入合计，（六）1、2 按0计",
                    "（六）其他处理 = （六）3.其他；（六）1、2 = 0",
                )
            )
            continue
        findings.append(
            Finding(
                "label_assumed",
                SOFT,
                table,
                row,
                "",
                None,
                None,
                f"{TABLE_TITLES[table]} 行标签“{printed}”与格式不符，按“{row}”读取",
                f"“{printed}”即“{row}”（按行的位置和近似匹配）",
            )
        )
    for table, row, column, raw in units:
        converted = column.endswith("（单位：万元）")
        findings.append(
            Finding(
                "unit_read",
                SOFT,
                table,
                row,
                column,
                None,
                None,
                f"{TABLE_TITLES[table]} {row} 行 {column} 列写作“{raw}”"
                + ("，已换算为万元" if converted else "，按元读取（该列未规定单位）"),
                "元换算为万元（÷10000）" if converted else "金额单位为元",
            )
        )
    return findings


def check_report(
    *,
    tables: Mapping[str, Table],
    text: str = "",
    previous: Mapping[str, Table] | None = None,
    township: bool = False,
    year: int | None = None,
    format_code: str | None = None,
) -> list[Finding]:
    """Every check that applies: hard identities, the text's sums, and the soft checks.

    ``previous`` is last year's tables (carry-over and Table A stock); ``township`` enables the 规章
    check; ``year`` and ``format_code`` enable the obsolete-format check.
    """
    findings = check_tables(tables)
    findings += check_narrative_sums(text)
    if previous:
        findings += check_carry_and_stock(tables, previous)
    if township and TABLE_A in tables:
        findings += check_township_rules(tables[TABLE_A])
    findings += check_narrative_figures(text, tables)
    findings += check_format_for_year(year, format_code, text)
    return findings
