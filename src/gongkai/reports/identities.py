"""The arithmetic identities of the national format over tables of numbers (annual-report-format.md §5.1, §5.2).

Pure functions over ``Table``s: the compiler's report and a published report read by the checker go through the
same rules. Hard checks (identities 1–5) mean the report contradicts itself; soft checks (6–8) are warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from .findings import HARD, SOFT, Finding, fmt
from .tables import (
    B_APPLICANT_COLUMNS,
    C_OUTCOMES,
    TABLE_A,
    TABLE_B,
    TABLE_C,
    Cell,
    CellKey,
    Number,
    Table,
    cell_label,
    result_rows,
)


def sum_of(values: Iterable[Number]) -> Number:
    total: Number = 0
    for value in values:
        total += value
    return total


def complete(values: Sequence[Cell]) -> bool:
    """True when no value is blank: an identity is checked only over filled cells."""
    return all(v is not None for v in values)


# --- Cell values (identity 5) --------------------------------------------------------------------


def check_cell_values(table: Table) -> list[Finding]:
    """Every cell is a non-negative integer, or a non-negative amount for money (identity 5).

    A blank cell is not an inconsistency by itself: the sums read it as 0 (按0计), and the table gets one soft
    finding that names its blank cells (annual-report-format.md §5.3: print 0, never a blank). Rows the reader
    could not place get one soft finding too: the identities that need them are not checked.
    """
    findings = []
    spec = table.spec
    title = spec.short_title
    blanks = table.blank_cells
    if blanks:
        findings.append(_blank_cells_finding(table, blanks))
    if table.unread_rows:
        labels = [
            cell_label(spec, (row.code, spec.row_columns(row.code)[0]))[0]
            for row in spec.rows
            if row.code in table.unread_rows
        ]
        findings.append(
            Finding(
                "rows_unread",
                SOFT,
                spec.key,
                "、".join(labels),
                "",
                None,
                None,
                f"{title} 有 {len(labels)} 行未能读出（未印出，或数字少于列数、无法确定所在列）：{_shorten(labels)}；"
                "涉及这些行的勾稽关系未核对",
                "这些行的数字未知，不按0计",
            )
        )
    for key in spec.cells:
        value = table[key]
        if value is None:
            continue
        row_label, col_label = cell_label(spec, key)
        where = f"{title} {row_label} 行 {col_label} 列"
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


def _shorten(labels: list[str], limit: int = 6) -> str:
    shown = "、".join(labels[:limit])
    return shown + (f" 等 {len(labels)} 处" if len(labels) > limit else "")


def _blank_cells_finding(table: Table, blanks: list[CellKey]) -> Finding:
    """One finding for all the blank cells of a table, naming them (row, column) in the printed order."""
    spec = table.spec
    where = []
    for key in blanks:
        row_label, col_label = cell_label(spec, key)
        where.append(f"{row_label}/{col_label}")
    rows = list(dict.fromkeys(cell_label(spec, key)[0] for key in blanks))
    columns = list(dict.fromkeys(cell_label(spec, key)[1] for key in blanks))
    return Finding(
        "blank_cells",
        SOFT,
        spec.key,
        rows[0] if len(rows) == 1 else "、".join(rows),
        columns[0] if len(columns) == 1 else "、".join(columns),
        0,
        None,
        f"{spec.short_title} 有 {len(blanks)} 个空白单元格（{_shorten(where)}），按0计；应填 0，不留空白",
        "空白单元格按0计",
    )


# --- Table B (identities 1–3) --------------------------------------------------------------------


def check_table_b(table: Table) -> list[Finding]:
    """Identities 1–3 of Table B: row balance, result total, and the 总计 column, for every column/row."""
    return [*check_b_row_balance(table), *check_b_result_total(table), *check_b_column_total(table)]


def check_b_row_balance(table: Table) -> list[Finding]:
    """Identity 1: for every column, 一 + 二 = （七）总计 + 四 (the corner note of the table)."""
    findings = []
    for column in table.spec.columns:
        c = column.code
        received, carried_in = table.known(("received", c)), table.known(("carried_in", c))
        total, carried_out = table.known(("total", c)), table.known(("carried_out", c))
        if not complete([received, carried_in, total, carried_out]):
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
        parts = [table.known((r, c)) for r in rows]
        total = table.known(("total", c))
        if not complete([*parts, total]):
            continue
        expected = sum_of(parts)
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
        parts = [table.known((row.code, c)) for c in B_APPLICANT_COLUMNS]
        total = table.known((row.code, "total"))
        if not complete([*parts, total]):
            continue
        expected = sum_of(parts)
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
        parts = [table.known((row.code, c)) for c in C_OUTCOMES]
        total = table.known((row.code, "total"))
        if not complete([*parts, total]):
            continue
        expected = sum_of(parts)
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
        carried_in = table_b.known(("carried_in", c))
        last_out = previous_b.known(("carried_out", c))
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
        last = previous_a.known((row_code, "in_force"))
        issued, repealed, in_force = (
            table_a.known((row_code, c)) for c in ("issued", "repealed", "in_force")
        )
        if not complete([last, issued, repealed, in_force]):
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
