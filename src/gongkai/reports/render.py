"""The compiled report as HTML, PDF, DOCX, XLSX and JSON — the same content and the same table layout in each."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from django.template.loader import render_to_string

from gongkai.reports.compile import CompiledReport
from gongkai.reports.layout import Grid, format_number, grid_for

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMATS = tuple(CONTENT_TYPES)


def blocks(report: CompiledReport) -> list[dict]:
    return [
        {"section": section, "grid": grid_for(report.tables[section.table]) if section.table else None}
        for section in report.sections
    ]


def to_html(report: CompiledReport) -> str:
    return render_to_string("reports/report_document.html", {"report": report, "blocks": blocks(report)})


def to_pdf(report: CompiledReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(report)).write_pdf()


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def to_docx(report: CompiledReport) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(report.title)
    run.bold = True
    run.font.size = Pt(18)
    for line in _paragraphs(report.preface):
        document.add_paragraph(line).paragraph_format.first_line_indent = Pt(24)
    for block in blocks(report):
        heading = document.add_paragraph()
        heading_run = heading.add_run(block["section"].title)
        heading_run.bold = True
        heading_run.font.size = Pt(14)
        for line in _paragraphs(block["section"].text):
            document.add_paragraph(line).paragraph_format.first_line_indent = Pt(24)
        if block["grid"] is not None:
            _docx_table(document, block["grid"], WD_TABLE_ALIGNMENT, Pt)
    signature = document.add_paragraph(f"{report.signature}\n{report.dated}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, grid: Grid, alignment, pt) -> None:
    table = document.add_table(rows=grid.rows, cols=grid.cols)
    table.style = "Table Grid"
    table.alignment = alignment.CENTER
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = cell.text
        for paragraph in target.paragraphs:
            for run in paragraph.runs:
                run.font.size = pt(9)
                run.bold = cell.header


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
