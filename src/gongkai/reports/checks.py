"""Checks of an annual report's figures: pure functions over tables of numbers and the report's text.

Hard checks are the arithmetic identities of the national format (annual-report-format.md §5.1) and
the sums stated in the text; a report that fails one contradicts itself. Soft checks (§5.2, §5.3) are
warnings: the figure is suspicious but may have an explanation.

Every check returns a list of ``Finding``; an empty list means no problem was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .tables import (
    B_APPLICANT_COLUMNS,
    C_OUTCOMES,
    FORMAT_2019,
    FORMAT_2021,
    TABLE_A,
    TABLE_B,
    TABLE_C,
    TABLE_TITLES,
    Cell,
    Number,
    Table,
    cell_label,
    format_for_year,
    result_rows,
)

HARD = "hard"
SOFT = "soft"
TEXT = "text"  # the `table` of a finding about the report's text


@dataclass(frozen=True)
class Finding:
    check: str  # a stable identifier of the check, e.g. "b_row_balance"
    severity: str  # HARD or SOFT
    table: str  # "A", "B", "C" or "text"
    row: str  # row label as printed ("" when not about one row)
    column: str  # column label as printed ("" when not about one column)
    expected: Number | None
    found: Number | None
    message: str

    @property
    def table_title(self) -> str:
        return TABLE_TITLES.get(self.table, "正文")

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "table": self.table,
            "table_title": self.table_title,
            "row": self.row,
            "column": self.column,
            "expected": _json_number(self.expected),
            "found": _json_number(self.found),
            "message": self.message,
        }


def _json_number(value: Number | None) -> int | float | str | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def fmt(value: Cell) -> str:
    """A number as a report prints it: 12, 2.21 (no trailing zeros), "空白" for a blank."""
    if value is None:
        return "空白"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    return str(value)


def _sum(values: Iterable[Number]) -> Number:
    total: Number = 0
    for value in values:
        total += value
    return total


def _complete(values: Sequence[Cell]) -> bool:
    return all(v is not None for v in values)


# --- Cell values (identity 5) --------------------------------------------------------------------


def check_cell_values(table: Table) -> list[Finding]:
    """Every cell is filled (blank ≠ 0), a non-negative integer, or a non-negative amount for money."""
    findings = []
    spec = table.spec
    title = spec.short_title
    for key in spec.cells:
        value = table[key]
        row_label, col_label = cell_label(spec, key)
        where = f"{title} {row_label} 行 {col_label} 列"
        if value is None:
            findings.append(
                Finding("blank_cell", HARD, spec.key, row_label, col_label, 0, None, f"{where}：空白，应填 0")
            )
            continue
        if spec.cell_is_integer(key) and isinstance(value, Decimal) and value != value.to_integral_value():
            findings.append(
                Finding(
                    "not_integer",
                    HARD,
                    spec.key,
                    row_label,
                    col_label,
                    None,
                    value,
                    f"{where}：应为整数，实为 {fmt(value)}",
                )
            )
        if value < 0 and not spec.cell_is_signed(key):
            findings.append(
                Finding(
                    "negative",
                    HARD,
                    spec.key,
                    row_label,
                    col_label,
                    None,
                    value,
                    f"{where}：不应为负数，实为 {fmt(value)}",
                )
            )
    return findings


# --- Table B (identities 1–3) --------------------------------------------------------------------


def check_table_b(table: Table) -> list[Finding]:
    """Identities 1–3 of Table B: row balance, result total, and the 总计 column, for every column/row."""
    return [*check_b_row_balance(table), *check_b_result_total(table), *check_b_column_total(table)]


def check_b_row_balance(table: Table) -> list[Finding]:
    """Identity 1: for every column, 一 + 二 = （七）总计 + 四 (the corner note of the table)."""
    findings = []
    for column in table.spec.columns:
        c = column.code
        received, carried_in = table[("received", c)], table[("carried_in", c)]
        total, carried_out = table[("total", c)], table[("carried_out", c)]
        if not _complete([received, carried_in, total, carried_out]):
            continue
        incoming = received + carried_in
        outgoing = total + carried_out
        if incoming != outgoing:
            findings.append(
                Finding(
                    "b_row_balance",
                    HARD,
                    TABLE_B,
                    "一 + 二 = （七）总计 + 四",
                    column.label,
                    incoming,
                    outgoing,
                    f"表三 {column.label} 列：新收 {fmt(received)} + 上年结转 {fmt(carried_in)} = {fmt(incoming)}，"
                    f"但办理结果总计 {fmt(total)} + 结转下年度 {fmt(carried_out)} = {fmt(outgoing)}",
                )
            )
    return findings


def check_b_result_total(table: Table) -> list[Finding]:
    """Identity 2: for every column, （七）总计 = the sum of the leaf result rows."""
    findings = []
    rows = result_rows(table.spec)
    for column in table.spec.columns:
        c = column.code
        parts = [table[(r, c)] for r in rows]
        total = table[("total", c)]
        if not _complete([*parts, total]):
            continue
        expected = _sum(parts)
        if expected != total:
            findings.append(
                Finding(
                    "b_result_total",
                    HARD,
                    TABLE_B,
                    "（七）总计",
                    column.label,
                    expected,
                    total,
                    f"表三 {column.label} 列：办理结果各项 {'+'.join(fmt(p) for p in parts)} = {fmt(expected)}，"
                    f"但（七）总计 = {fmt(total)}",
                )
            )
    return findings


def check_b_column_total(table: Table) -> list[Finding]:
    """Identity 3: for every row, 总计 = 自然人 + the five kinds of 法人或其他组织."""
    findings = []
    spec = table.spec
    for row in spec.rows:
        parts = [table[(row.code, c)] for c in B_APPLICANT_COLUMNS]
        total = table[(row.code, "total")]
        if not _complete([*parts, total]):
            continue
        expected = _sum(parts)
        if expected != total:
            row_label, _ = cell_label(spec, (row.code, "total"))
            findings.append(
                Finding(
                    "b_column_total",
                    HARD,
                    TABLE_B,
                    row_label,
                    "总计",
                    expected,
                    total,
                    f"表三 {row_label} 行：自然人 {fmt(parts[0])} + 法人或其他组织 "
                    f"{'+'.join(fmt(p) for p in parts[1:])} = {fmt(expected)}，但总计列 = {fmt(total)}",
                )
            )
    return findings


# --- Table C (identity 4) ------------------------------------------------------------------------


def check_table_c(table: Table) -> list[Finding]:
    """Identity 4: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结, for each of the three groups."""
    findings = []
    for row in table.spec.rows:
        parts = [table[(row.code, c)] for c in C_OUTCOMES]
        total = table[(row.code, "total")]
        if not _complete([*parts, total]):
            continue
        expected = _sum(parts)
        if expected != total:
            row_label, _ = cell_label(table.spec, (row.code, "total"))
            terms = " + ".join(
                f"{table.spec.column(c).label} {fmt(p)}" for c, p in zip(C_OUTCOMES, parts, strict=True)
            )
            findings.append(
                Finding(
                    "c_group_total",
                    HARD,
                    TABLE_C,
                    row_label,
                    "总计",
                    expected,
                    total,
                    f"表四 {row_label}：{terms} = {fmt(expected)}，但总计 = {fmt(total)}",
                )
            )
    return findings


def check_tables(tables: Mapping[str, Table]) -> list[Finding]:
    """Every hard check on whichever of Tables A, B and C are given (keyed "A", "B", "C")."""
    findings = []
    for key in (TABLE_A, TABLE_B, TABLE_C):
        table = tables.get(key)
        if table is None:
            continue
        findings += check_cell_values(table)
        if key == TABLE_B:
            findings += check_table_b(table)
        elif key == TABLE_C:
            findings += check_table_c(table)
    return findings


# --- Soft checks ---------------------------------------------------------------------------------


def check_carry_over(table_b: Table, previous_b: Table) -> list[Finding]:
    """Check 6: this year's 二、上年结转 equals last year's 四、结转下年度, column by column."""
    findings = []
    for column in table_b.spec.columns:
        c = column.code
        carried_in = table_b[("carried_in", c)]
        last_out = previous_b[("carried_out", c)]
        if carried_in is None or last_out is None or carried_in == last_out:
            continue
        findings.append(
            Finding(
                "carry_over",
                SOFT,
                TABLE_B,
                "二、上年结转政府信息公开申请数量",
                column.label,
                last_out,
                carried_in,
                f"表三 {column.label} 列：上年结转 {fmt(carried_in)}，但上一年度报告结转下年度继续办理 {fmt(last_out)}",
            )
        )
    return findings


def check_table_a_stock(table_a: Table, previous_a: Table) -> list[Finding]:
    """Check 7: 现行有效件数 = last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (2021 format)."""
    findings = []
    spec = table_a.spec
    for row_code in ("rules", "normative_docs"):
        if ("in_force" not in spec.row_columns(row_code)) or not previous_a.spec.has_row(row_code):
            continue
        if "in_force" not in previous_a.spec.row_columns(row_code):
            continue
        last = previous_a[(row_code, "in_force")]
        issued, repealed, in_force = (table_a[(row_code, c)] for c in ("issued", "repealed", "in_force"))
        if not _complete([last, issued, repealed, in_force]):
            continue
        expected = last + issued - repealed
        if expected != in_force:
            label = spec.row(row_code).label
            findings.append(
                Finding(
                    "a_stock",
                    SOFT,
                    TABLE_A,
                    label,
                    "现行有效件数",
                    expected,
                    in_force,
                    f"表二 {label}：上年现行有效 {fmt(last)} + 本年制发 {fmt(issued)} − 本年废止 {fmt(repealed)} = "
                    f"{fmt(expected)}，但现行有效件数 = {fmt(in_force)}",
                )
            )
    return findings


def check_township_rules(table_a: Table) -> list[Finding]:
    """Check 8: a township (乡、镇、街道) cannot make 规章, so every 规章 figure should be 0."""
    findings = []
    spec = table_a.spec
    for col in spec.row_columns("rules"):
        value = table_a[("rules", col)]
        if value:
            label = spec.column(col).label
            findings.append(
                Finding(
                    "township_rules",
                    SOFT,
                    TABLE_A,
                    "规章",
                    label,
                    0,
                    value,
                    f"表二 规章 {label} = {fmt(value)}：乡镇（街道）无权制定规章，应为 0"
                    "（可能把内部规章制度填入了规章行）",
                )
            )
    return findings


def check_carry_and_stock(tables: Mapping[str, Table], previous: Mapping[str, Table]) -> list[Finding]:
    findings = []
    if TABLE_B in tables and TABLE_B in previous:
        findings += check_carry_over(tables[TABLE_B], previous[TABLE_B])
    if TABLE_A in tables and TABLE_A in previous:
        findings += check_table_a_stock(tables[TABLE_A], previous[TABLE_A])
    return findings


def check_format_for_year(year: int | None, format_code: str | None, text: str = "") -> list[Finding]:
    """§5.3 obsolete format: the tables (and the format cited in the preface) must fit the report year."""
    if year is None or format_code is None:
        return []
    expected = format_for_year(year)
    findings = []
    if expected is not None and expected.code != format_code:
        used = FORMATS_BY_CODE[format_code]
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


FORMATS_BY_CODE = {FORMAT_2021.code: FORMAT_2021, FORMAT_2019.code: FORMAT_2019}


# --- Text against tables (check 9) ---------------------------------------------------------------

_N = r"(\d+)\s*"
_GAP = r"[^，,。；;：:\d（）()]{0,12}?"

# (pattern, table, row, column codes summed). Kept narrow: a phrase that names one figure unambiguously.
NARRATIVE_FIGURES: tuple[tuple[re.Pattern[str], str, str, tuple[str, ...]], ...] = (
    (
        re.compile(rf"(?:本年|全年|年内)?(?:共|累计)?新收{_GAP}申请\s*(?:共计?)?\s*{_N}件"),
        TABLE_B,
        "received",
        ("total",),
    ),
    (
        re.compile(rf"(?:本年|全年|年内)(?:度)?共?(?:收到|受理){_GAP}申请\s*(?:共计?)?\s*{_N}件"),
        TABLE_B,
        "received",
        ("total",),
    ),
    (re.compile(rf"上年(?:度)?结转{_GAP}{_N}件"), TABLE_B, "carried_in", ("total",)),
    (re.compile(rf"结转(?:至|到)?下(?:一)?年度?{_GAP}{_N}件"), TABLE_B, "carried_out", ("total",)),
    (re.compile(rf"行政复议(?:案件)?(?:共|共计)?\s*{_N}[件起宗]"), TABLE_C, "admin_review", ("total",)),
    (re.compile(rf"行政诉讼(?:案件)?(?:共|共计)?\s*{_N}[件起宗]"), TABLE_C, "litigation", ("total",)),
)


def extract_narrative_figures(text: str) -> list[tuple[str, str, str, int, str]]:
    """Figures the text quotes for a table cell: (table, row, column, value, the quoted phrase)."""
    figures = []
    for pattern, table, row, cols in NARRATIVE_FIGURES:
        for match in pattern.finditer(text):
            figures.append((table, row, cols[0], int(match.group(1)), match.group(0)))
    return figures


def check_narrative_figures(text: str, tables: Mapping[str, Table]) -> list[Finding]:
    """Check 9: figures quoted in the text (e.g. "共收到申请N件") equal the table's figures."""
    findings = []
    for table_key, row, col, value, phrase in extract_narrative_figures(text):
        table = tables.get(table_key)
        if table is None:
            continue
        if row == "litigation":
            cells = [table[("direct", "total")], table[("after_review", "total")]]
            if not _complete(cells):
                continue
            actual = _sum(cells)
            label = "行政诉讼 总计"
        else:
            actual = table[(row, col)]
            if actual is None:
                continue
            row_label, col_label = cell_label(table.spec, (row, col))
            label = f"{row_label} {col_label}"
        if actual != value:
            findings.append(
                Finding(
                    "text_vs_table",
                    SOFT,
                    TEXT,
                    label,
                    "",
                    actual,
                    value,
                    f"正文“{phrase.strip()}”为 {value}，但{TABLE_TITLES[table_key]} {label} = {fmt(actual)}",
                )
            )
    if TABLE_C in tables and re.search(r"均(?:获|被|予以|得到)?维持", text):
        table = tables[TABLE_C]
        for row in table.spec.rows:
            for col in ("corrected", "pending", "other"):
                value = table[(row.code, col)]
                if value:
                    row_label, col_label = cell_label(table.spec, (row.code, col))
                    findings.append(
                        Finding(
                            "text_all_upheld",
                            SOFT,
                            TEXT,
                            row_label,
                            col_label,
                            0,
                            value,
                            f"正文称“均获维持”，但表四 {row_label} {col_label} = {fmt(value)}",
                        )
                    )
    return findings


# --- Sums stated in the text ---------------------------------------------------------------------

# A breakdown: a quantity followed by "，其中", "：", "分别为" or "（其中…）", and the quantities after it.
# Its scope is the list that follows: a list whose items are separated by "，" ends at the next "；" or
# "。"; one separated by "；" ends at the next "。"; a parenthesis ends at its closing parenthesis. A
# breakdown whose total is itself an item of a larger breakdown keeps its own items to itself, so in
# "共计 506 条，其中，制发文件 120 件；网上公开 134 条：公文 30 条，…；微信 112 条" the 506 is the sum
# of 120, 134 and 112, and 30, … are summed only against 134.

_SPACE = "[ \t\u3000]*"
_NUMBER = r"(?<![\d.．])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_UNIT = r"(万元|亿元|元|人次|条|件|项|篇|份|期|起|宗|次|则|人|名|户|个(?=[，,。；;、：:）)\s]|$))"
_QUANTITY = re.compile(_NUMBER + _SPACE + _UNIT)
_INTRO = re.compile(
    _SPACE
    + r"(?:(?P<colon>[：:])"
    + r"|(?:[，,]"
    + _SPACE
    + r")?(?P<word>其中|分别为|分别是|具体为|包括)"
    + _SPACE
    + r"[：:，,]?"
    + r"|(?P<paren>[（(]"
    + _SPACE
    + r"(?:其中|含|包括)"
    + _SPACE
    + r"[：:，,]?))"
)
_SEPARATOR_LEVEL = {"，": 1, ",": 1, "、": 1, "；": 2, ";": 2, "。": 3, "！": 3, "？": 3, "\n": 3}
_LABEL_BREAK = "，,；;。：:\n"
_FAMILIES = {
    **dict.fromkeys(("条", "件", "项", "篇", "份", "期", "起", "宗", "次", "则", "个"), "count"),
    **dict.fromkeys(("人", "名"), "people"),
}
# An item that states a change or a comparison is not a part of the total.
_NOT_A_PART = re.compile(r"增加|减少|增长|下降|上升|同比|环比|较上年|比上年|较去年|比去年|较\d{4}年")
_RESIDUAL = re.compile(r"其他|其它|其余")
_HEADING_LINE = re.compile(r"^\s*(?:#|\||[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


@dataclass(frozen=True)
class _Quantity:
    value: Decimal
    unit: str
    start: int
    end: int
    depth: int

    @property
    def family(self) -> str:
        return _FAMILIES.get(self.unit, self.unit)


@dataclass
class _Breakdown:
    total: _Quantity
    kind: str  # "colon", "word" or "paren"
    word: str
    start: int
    end: int
    part_depth: int


def _flatten(text: str) -> str:
    """Join wrapped lines into one stream; keep a break before headings and table lines."""
    out: list[str] = []
    for line in text.replace("**", "").splitlines():
        if not line.strip():
            continue
        if out and _HEADING_LINE.match(line):
            out.append("\n")
        elif out:
            out.append(" ")
        out.append(line.strip())
    return "".join(out)


def _depths(text: str) -> list[int]:
    depths, depth = [], 0
    for ch in text:
        if ch in ")）":
            depth = max(depth - 1, 0)
        depths.append(depth)
        if ch in "(（":
            depth += 1
    return depths


def _quantities(text: str, depths: list[int]) -> list[_Quantity]:
    found = []
    for match in _QUANTITY.finditer(text):
        before = text[: match.start()].rstrip()
        if before.endswith("第"):
            continue
        number = match.group(1).replace(",", "") + (f".{match.group(2)}" if match.group(2) else "")
        found.append(
            _Quantity(Decimal(number), match.group(3), match.start(), match.end(), depths[match.start()])
        )
    return found


def _label_start(text: str, position: int, floor: int) -> int:
    start = max((text.rfind(ch, floor, position) for ch in _LABEL_BREAK), default=-1)
    return max(start + 1, floor)


def _label_before(text: str, position: int, floor: int) -> str:
    return text[_label_start(text, position, floor) : position].strip()


def _scope_end(text: str, depths: list[int], start: int, first_part: _Quantity, depth: int) -> int:
    """End of a list that starts at ``start`` and whose first item is ``first_part``."""
    level = None
    for i in range(first_part.end, len(text)):
        if depths[i] < depth or (text[i] in ")）" and depths[i] == depth and i > start and depth > 0):
            return i
        if depths[i] != depth:
            continue
        ch_level = _SEPARATOR_LEVEL.get(text[i])
        if ch_level is None:
            continue
        if level is None:
            level = ch_level
            if level == 3:
                return i
        elif ch_level > level:
            return i
    return len(text)


def _breakdowns(text: str, depths: list[int], quantities: list[_Quantity]) -> list[_Breakdown]:
    found: list[_Breakdown] = []
    for q in quantities:
        match = _INTRO.match(text, q.end)
        if not match:
            continue
        start = match.end()
        if match.group("paren"):
            kind, word, part_depth = "paren", "其中", q.depth + 1
            end = next((i for i in range(start, len(text)) if depths[i] < part_depth), len(text))
            end = next(
                (i for i in range(start, len(text)) if text[i] in ")）" and depths[i] == q.depth),
                end,
            )
        else:
            kind = "colon" if match.group("colon") else "word"
            word = match.group("word") or "："
            part_depth = q.depth
            first = next((p for p in quantities if p.start >= start and p.depth == q.depth), None)
            if first is None:
                continue
            end = _scope_end(text, depths, start, first, q.depth)
        for outer in found:
            if outer.start <= q.start < outer.end:
                end = min(end, outer.end)
        found.append(_Breakdown(q, kind, word, start, end, part_depth))
    return found


def _parts(
    bd: _Breakdown, text: str, quantities: list[_Quantity], nested: list[_Breakdown]
) -> list[_Quantity]:
    parts = []
    for p in quantities:
        if not (bd.start <= p.start < bd.end) or p.depth != bd.part_depth or p.family != bd.total.family:
            continue
        if any(inner.start <= p.start < inner.end for inner in nested):
            continue
        if _NOT_A_PART.search(_label_before(text, p.start, bd.start)):
            continue
        parts.append(p)
    return parts


def _sums_to(parts: list[_Quantity], total: Decimal) -> bool:
    running = Decimal(0)
    for i, p in enumerate(parts):
        running += p.value
        if i >= 1 and running == total:
            return True
    return False


@dataclass(frozen=True)
class NarrativeSum:
    """A total stated in the text with its parts, e.g. "共计 134 条：公文 30 条，…"."""

    phrase: str  # the text up to the total, e.g. "在政府信息公开网上公开信息共计 134 条"
    total: Decimal
    parts: tuple[Decimal, ...]
    exhaustive: bool  # a colon or "分别为" list; a "其中" list may name only some parts
    consistent: bool

    @property
    def parts_sum(self) -> Decimal:
        return sum(self.parts, Decimal(0))

    @property
    def message(self) -> str:
        return f"{'+'.join(fmt(p) for p in self.parts)}={fmt(self.parts_sum)}，与总数{fmt(self.total)}不符"


def find_narrative_sums(text: str) -> list[NarrativeSum]:
    """Every statement in the text that a total is made of two or more parts, checked or not.

    Finds "共计 N 条，其中 a 条，b 条", "共 N 件：a 件，b 件", "N 人（其中 a 人，b 人）" and nested
    breakdowns. A "其中" list may name only some of the parts ("of which"), so it is inconsistent when
    its parts exceed the total, or fall short of it although one part is a residual (其他/其余), and no
    leading run of its parts makes the total. A colon or "分别为" list is inconsistent whenever its parts
    differ from the total.
    """
    flat = _flatten(text)
    depths = _depths(flat)
    quantities = _quantities(flat, depths)
    breakdowns = _breakdowns(flat, depths, quantities)
    sums = []
    for bd in breakdowns:
        nested = [
            other
            for other in breakdowns
            if other is not bd
            and bd.start <= other.total.start < bd.end
            and other.total.depth == bd.part_depth
        ]
        parts = _parts(bd, flat, quantities, nested)
        if len(parts) < 2:
            continue
        total = bd.total.value
        found = sum((p.value for p in parts), Decimal(0))
        exhaustive = bd.kind == "colon" or bd.word in {"分别为", "分别是", "具体为"}
        consistent = found == total
        if not consistent and not exhaustive:
            residual = any(_RESIDUAL.search(_label_before(flat, p.start, bd.start)) for p in parts)
            consistent = _sums_to(parts, total) or (found < total and not residual)
        phrase = flat[_label_start(flat, bd.total.start, 0) : bd.total.end]
        sums.append(
            NarrativeSum(phrase.strip(), total, tuple(p.value for p in parts), exhaustive, consistent)
        )
    return sums


def check_narrative_sums(text: str) -> list[Finding]:
    """A finding for each sum stated in the text whose parts do not add up to its total."""
    return [
        Finding(
            "text_sum",
            HARD,
            TEXT,
            s.phrase,
            "",
            _int_if_whole(s.total),
            _int_if_whole(s.parts_sum),
            f"正文“{s.phrase}”：{s.message}",
        )
        for s in find_narrative_sums(text)
        if not s.consistent
    ]


def _int_if_whole(value: Decimal) -> Number:
    return int(value) if value == value.to_integral_value() else value


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


def is_consistent(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    """True when no hard finding (or, with ``strict``, no finding at all) was made."""
    return not any(strict or f.severity == HARD for f in findings)


__all__ = [
    "HARD",
    "SOFT",
    "TEXT",
    "Finding",
    "check_b_column_total",
    "check_b_result_total",
    "check_b_row_balance",
    "check_carry_and_stock",
    "check_carry_over",
    "check_cell_values",
    "check_format_for_year",
    "check_narrative_figures",
    "check_narrative_sums",
    "find_narrative_sums",
    "NarrativeSum",
    "check_report",
    "check_table_a_stock",
    "check_table_b",
    "check_table_c",
    "check_tables",
    "check_township_rules",
    "extract_narrative_figures",
    "fmt",
    "is_consistent",
]
