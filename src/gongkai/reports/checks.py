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
from .tables import FORMAT_2021, FORMATS, TABLE_A, Table, format_for_year


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
