"""The compiled report as HTML, PDF, DOCX, XLSX and JSON — the same content and the same table layout in each.

The PDF and the DOCX are official documents a township prints and seals, laid out as GB/T 9704-2012
《党政机关公文格式》 (`core.official_document`): A4, 37 mm 天头 and 28 mm 订口 around a 156 × 225 mm text block, the
title in 2号, first-level headings in 黑体 and second-level in 楷体, the body in 3号 仿宋, page numbers “— 1 —”.
Tables never leave a header alone at a page's foot: the heading rows of Tables B and C repeat on every page
(HTML ``thead`` with ``display: table-header-group``; DOCX ``w:tblHeader``), no row splits across pages, and every
row made only of headings (Table A's block headings too) stays with the row after it. The 署名 and the date stay on
the page of the last paragraph before them.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

from django.template.loader import render_to_string

from gongkai.core import official_document as gw
from gongkai.reports.compile import CompiledReport
from gongkai.reports.layout import Grid, format_number, grid_for
from gongkai.reports.tables import TABLE_A

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMATS = tuple(CONTENT_TYPES)


def heading_rows(grid: Grid) -> list[int]:
    """The rows made only of heading cells (every cell that starts in the row is a header)."""
    rows: dict[int, bool] = {}
    for cell in grid.cells:
        rows[cell.row] = rows.get(cell.row, True) and cell.header
    return sorted(r for r, only_headings in rows.items() if only_headings)


def repeated_rows(table_key: str, grid: Grid) -> int:
    """How many rows at the top repeat on each page: the leading heading rows of Tables B and C. Table A is a
    stack of blocks, each with its own headings; repeating the first block's would mislabel the others."""
    if table_key == TABLE_A:
        return 0
    count = 0
    headings = set(heading_rows(grid))
    while count in headings:
        count += 1
    return count


def _table_rows(table_key: str, grid: Grid) -> dict:
    keep = set(heading_rows(grid))
    head = repeated_rows(table_key, grid)
    rows = [{"cells": cells, "keep": index in keep} for index, cells in enumerate(grid.by_row())]
    return {"head": rows[:head], "body": rows[head:]}


def blocks(report: CompiledReport) -> list[dict]:
    out = []
    for section in report.sections:
        grid = grid_for(report.tables[section.table]) if section.table else None
        block = {"section": section, "grid": grid}
        if grid is not None:
            block.update(_table_rows(section.table, grid))
        out.append(block)
    return out


def to_html(report: CompiledReport) -> str:
    return render_to_string(
        "reports/report_document.html",
        {"report": report, "blocks": blocks(report), "page_css": gw.page_css(), "line": gw.LINE_PITCH_PT},
    )


def to_pdf(report: CompiledReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(report)).write_pdf()


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


TABLE_PT = 9.5


def to_docx(report: CompiledReport) -> bytes:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    fonts = gw.document_fonts()
    document = gw.docx_document(fonts)

    def add(text="", **options):
        options.setdefault("family", fonts.body)
        return gw.docx_paragraph(document, text, **options)

    add(report.title, family=fonts.title, size=gw.TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add()
    for line in _paragraphs(report.preface):
        add(line, indent_chars=2)
    last_text = None
    for block in blocks(report):
        section = block["section"]
        family = fonts.subheading if section.level == 3 else fonts.heading
        add(section.title, family=family, indent_chars=2, keep_with_next=True)
        for line in _paragraphs(section.text):
            last_text = add(line, indent_chars=2)
        if block["grid"] is not None:
            _docx_table(document, block, fonts, WD_TABLE_ALIGNMENT)
            last_text = None
    if last_text is not None:  # the 署名 and the date stay on the page of the paragraph before them
        last_text.paragraph_format.keep_with_next = True
        last_text.paragraph_format.keep_together = True
    add(keep_with_next=True)
    add(report.signature, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent_chars=4, keep_with_next=True)
    add(report.dated, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent_chars=4)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, block: dict, fonts: gw.Fonts, alignment) -> None:
    from docx.enum.text import WD_LINE_SPACING

    grid: Grid = block["grid"]
    table = document.add_table(rows=grid.rows, cols=grid.cols)
    table.style = "Table Grid"
    table.alignment = alignment.CENTER
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = cell.text
        for paragraph in target.paragraphs:
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.paragraph_format.first_line_indent = 0
            for run in paragraph.runs:
                gw.docx_font(run, fonts.body, size=TABLE_PT, bold=cell.header)
    gw.docx_table_rows_stay_whole(table, head_rows=len(block["head"]), keep_rows=set(heading_rows(grid)))


def to_xlsx(report: CompiledReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    cover = workbook.active
    cover.title = "报告正文"
    cover.append([report.title])
    cover.append([report.preface])
    for section in report.sections:
        cover.append([section.title])
        for line in _paragraphs(section.text):
            cover.append([line])
    thin = Side(style="thin")
    for section in report.sections:
        if not section.table:
            continue
        grid = grid_for(report.tables[section.table])
        sheet = workbook.create_sheet(title=section.title.split("、", 1)[-1][:31])
        sheet.append([section.title])
        offset = 2
        for cell in grid.cells:
            value = cell.text
            if cell.number and value != "":
                value = Decimal(value) if "." in value else int(value)
            target = sheet.cell(row=offset + cell.row, column=1 + cell.col, value=value)
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            target.font = Font(bold=cell.header)
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=offset + cell.row,
                    start_column=1 + cell.col,
                    end_row=offset + cell.row + cell.rowspan - 1,
                    end_column=cell.col + cell.colspan,
                )
        for row in sheet.iter_rows(min_row=offset, max_row=offset + grid.rows - 1, max_col=grid.cols):
            for target in row:
                target.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_dict(report: CompiledReport) -> dict:
    tables = {}
    for key, table in report.tables.items():
        tables[key] = {
            "title": table.spec.title,
            "cells": [
                {"row": row, "column": column, "value": format_number(table[(row, column)])}
                for row, column in table.spec.cells
            ],
        }
    return {
        "organisation": {"code": report.organisation.code, "name": report.organisation.name},
        "year": report.year,
        "format": report.style,
        "include_children": report.include_children,
        "title": report.title,
        "preface": report.preface,
        "sections": [
            {"key": s.key, "title": s.title, "text": s.text, "table": s.table, "level": s.level}
            for s in report.sections
        ],
        "signature": report.signature,
        "dated": report.dated,
        "tables": tables,
        "figures": {
            key: format_number(value) if isinstance(value, Decimal) else value
            for key, value in report.figures.items()
        },
    }


def to_json(report: CompiledReport) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2)


def render(report: CompiledReport, output_format: str) -> bytes:
    if output_format == "html":
        return to_html(report).encode()
    if output_format == "pdf":
        return to_pdf(report)
    if output_format == "docx":
        return to_docx(report)
    if output_format == "xlsx":
        return to_xlsx(report)
    if output_format == "json":
        return to_json(report).encode()
    raise ValueError(f"unknown format {output_format!r}; use one of {', '.join(FORMATS)}")
