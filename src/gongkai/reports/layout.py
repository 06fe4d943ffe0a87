"""The printed layout of Tables A–C as a grid of cells with merged headers, shared by HTML, DOCX and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gongkai.reports.tables import (
    B_SUBGROUPS,
    RESULTS,
    TABLE_A,
    TABLE_B,
    TABLE_B_CORNER_NOTE,
    Table,
)


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    number: bool = False
    key: tuple[str, str] | None = None  # the table cell it shows, for traceability


@dataclass
class Grid:
    rows: int
    cols: int
    cells: list[GridCell]

    def by_row(self) -> list[list[GridCell]]:
        out: list[list[GridCell]] = [[] for _ in range(self.rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out


def format_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if "." not in text else text.rstrip("0").rstrip(".")
    return str(value)


def grid_for(table: Table) -> Grid:
    if table.spec.key == TABLE_A:
        return _grid_a(table)
    if table.spec.key == TABLE_B:
        return _grid_b(table)
    return _grid_c(table)


def _grid_a(table: Table) -> Grid:
    spec = table.spec
    width = 1 + max(len(row.columns) for row in spec.rows)
    cells: list[GridCell] = []
    r = 0
    blocks: list[tuple[str, list]] = []
    for row in spec.rows:
        if not blocks or blocks[-1][0] != row.block:
            blocks.append((row.block, []))
        blocks[-1][1].append(row)
    for block, rows in blocks:
        cells.append(GridCell(block, r, 0, colspan=width, header=True))
        r += 1
        columns = rows[0].columns
        cells.append(GridCell("信息内容", r, 0, header=True))
        for i, code in enumerate(columns):
            span = width - 1 - i if i == len(columns) - 1 else 1
            cells.append(GridCell(spec.column(code).label, r, 1 + i, colspan=span, header=True))
        r += 1
        for row in rows:
            cells.append(GridCell(row.label, r, 0))
            for i, code in enumerate(row.columns):
                span = width - 1 - i if i == len(row.columns) - 1 else 1
                cells.append(
                    GridCell(
                        format_number(table[(row.code, code)]),
                        r,
                        1 + i,
                        colspan=span,
                        number=True,
                        key=(row.code, code),
                    )
                )
            r += 1
    return Grid(r, width, cells)


def _row_path(row) -> list[str]:
    if row.group in B_SUBGROUPS:
        return [RESULTS, row.group, row.label]
    if row.group == RESULTS:
        return [RESULTS, row.label]
    return [row.label]


def _grid_b(table: Table) -> Grid:
    spec = table.spec
    columns = spec.columns
    label_cols = 3
    cells = [
        GridCell(TABLE_B_CORNER_NOTE, 0, 0, rowspan=3, colspan=label_cols, header=True),
        GridCell("申请人情况", 0, label_cols, colspan=len(columns), header=True),
    ]
    c = label_cols
    groups_done = set()
    for column in columns:
        if column.group:
            if column.group not in groups_done:
                span = sum(1 for col in columns if col.group == column.group)
                cells.append(GridCell(column.group, 1, c, colspan=span, header=True))
                groups_done.add(column.group)
            cells.append(GridCell(column.label, 2, c, header=True))
        else:
            cells.append(GridCell(column.label, 1, c, rowspan=2, header=True))
        c += 1
    paths = [_row_path(row) for row in spec.rows]
    first_body = 3
    for i, (row, path) in enumerate(zip(spec.rows, paths, strict=True)):
        r = first_body + i
        for level, segment in enumerate(path):
            last = level == len(path) - 1
            if last:
                cells.append(GridCell(segment, r, level, colspan=label_cols - level))
                break
            starts_here = i == 0 or paths[i - 1][: level + 1] != path[: level + 1]
            if starts_here:
                span = 1
                while i + span < len(paths) and paths[i + span][: level + 1] == path[: level + 1]:
                    span += 1
                cells.append(GridCell(segment, r, level, rowspan=span))
        for j, column in enumerate(columns):
            cells.append(
                GridCell(
                    format_number(table[(row.code, column.code)]),
                    r,
                    label_cols + j,
                    number=True,
                    key=(row.code, column.code),
                )
            )
    return Grid(first_body + len(spec.rows), label_cols + len(columns), cells)


def _grid_c(table: Table) -> Grid:
    spec = table.spec
    outcomes = spec.columns
    n = len(outcomes)
    review, direct, after = spec.rows
    cells = [
        GridCell(review.label, 0, 0, colspan=n, header=True),
        GridCell(direct.group, 0, n, colspan=2 * n, header=True),
        GridCell(direct.label, 1, n, colspan=n, header=True),
        GridCell(after.label, 1, 2 * n, colspan=n, header=True),
    ]
    for j, column in enumerate(outcomes):
        cells.append(GridCell(column.label, 1, j, rowspan=2, header=True))
        cells.append(GridCell(column.label, 2, n + j, header=True))
        cells.append(GridCell(column.label, 2, 2 * n + j, header=True))
    for g, row in enumerate((review, direct, after)):
        for j, column in enumerate(outcomes):
            cells.append(
                GridCell(
                    format_number(table[(row.code, column.code)]),
                    3,
                    g * n + j,
                    number=True,
                    key=(row.code, column.code),
                )
            )
    return Grid(4, 3 * n, cells)
