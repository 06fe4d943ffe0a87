"""The labels and codes of Table B as the reference texts give them: one source of expected values for the
applications tests (decision types, applicant columns) and the reports tests (the table's rows and columns).

The labels are read from annual-report-format.md (§3.1 columns, §3.2 rows, printed order), the stable codes from
glossary.md ("Table B rows", "Applications"); both are copied into tests/fixtures/reference/ so that a fresh clone
runs every test. The code under test has one definition (gongkai.applications.decisions); the tests compare it
with these, never with a second hand-typed list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "fixtures" / "reference"
# The shared originals the copies were taken from, when this checkout sits beside them.
SHARED_REFERENCE = Path("/work/shared/reference")

RESULTS = "三、本年度办理结果"
NON_RESULT_ROWS = ("received", "carried_in", "total", "carried_out")


@dataclass(frozen=True)
class Line:
    code: str
    label: str  # exactly as printed in the format
    group: str  # the header it sits under ("" for 一, 二, 四 and the plain columns)


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = re.search(r"^#{2,3} ", text[start + len(heading) :], flags=re.M)
    return text[start : start + len(heading) + following.start()] if following else text[start:]


def _glossary_codes(table_heading: str) -> list[tuple[str, str]]:
    """(中文, code) of each row of a glossary table, in order."""
    rows = []
    for line in _section(read("glossary.md"), table_heading).splitlines():
        match = re.match(r"\|\s*(.+?)\s*\|.*`([a-z_]+)`\s*\|$", line)
        if match:
            rows.append((match.group(1), match.group(2)))
    return rows


def read(name: str) -> str:
    return (REFERENCE / name).read_text(encoding="utf-8")


@cache
def table_b_rows() -> tuple[Line, ...]:
    """The 25 numeric rows of Table B (2021 format) in printed order, with the code glossary.md gives each."""
    block = _section(read("annual-report-format.md"), "### 3.2 Rows").split("```")[1]
    lines = [line for line in block.splitlines() if line.strip()]
    leaves: list[tuple[str, str]] = []  # (label, group)
    parents: dict[int, str] = {}
    for i, line in enumerate(lines):
        depth = len(line) - len(line.lstrip())
        label = line.strip()
        parents[depth] = label
        next_depth = len(lines[i + 1]) - len(lines[i + 1].lstrip()) if i + 1 < len(lines) else -1
        if next_depth > depth:
            continue  # a group header: no numbers of its own
        parent = max((d for d in parents if d < depth), default=None)
        leaves.append((label, parents[parent] if parent is not None else ""))
    glossary = _glossary_codes("## Table B rows (stable codes)")[: len(leaves)]
    assert len(leaves) == len(glossary) == 25, (len(leaves), len(glossary))
    for (chinese, code), (label, group) in zip(glossary, leaves, strict=True):
        # The glossary names a row by its number and (parts of) its label: "（六）1.…逾期不补正…".
        printed = (group[: group.index("）") + 1] if label[0].isdigit() else "") + label
        assert all(part in printed for part in chinese.split("…")), (chinese, code, printed)
    return tuple(Line(code, label, group) for (_, code), (label, group) in zip(glossary, leaves, strict=True))


@cache
def decision_rows() -> tuple[Line, ...]:
    """The 21 leaf result rows of Table B: one per decision type."""
    return tuple(row for row in table_b_rows() if row.code not in NON_RESULT_ROWS)


@cache
def table_b_columns() -> tuple[Line, ...]:
    """The 7 data columns of Table B (§3.1): 自然人, the five kinds of 法人或其他组织, 总计."""
    section = _section(read("annual-report-format.md"), "### 3.1 Columns")
    labels = re.search(r"\*\*7 data columns\*\*: (.+?)\.\s*There", section, flags=re.S).group(1).split(", ")
    level3 = re.search(r"under 法人或其他组织: (.+)", section).group(1).split(" | ")
    group = "法人或其他组织"
    codes = {re.sub(r"\s*\(.*\)$", "", label): code for label, code in _glossary_codes("## Applications")}
    codes["总计"] = "total"
    return tuple(Line(codes[label], label, group if label in level3 else "") for label in labels)


def applicant_columns() -> tuple[Line, ...]:
    return tuple(column for column in table_b_columns() if column.code != "total")
