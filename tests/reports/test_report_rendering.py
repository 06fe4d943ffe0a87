"""The built report in every format: the official table layout, Chinese text, and it passes the checker."""

import io
import json
import subprocess
import sys

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from report_samples import tables_2019, tables_2021

from gongkai.orgs.models import Organisation, OrgKind
from gongkai.reports import render
from gongkai.reports.compile import CompiledReport, Section
from gongkai.reports.layout import grid_for
from gongkai.reports.tables import FORMAT_2021, TABLE_A, TABLE_B, TABLE_C


def compiled(style="2021", tables=None) -> CompiledReport:
    organisation = Organisation(
        kind=OrgKind.TOWNSHIP, name="渠口乡人民政府", short_name="渠口乡", code="qukou", path="/1/"
    )
    tables = tables or (tables_2021() if style == "2021" else tables_2019())
    sections = [
        Section("overview", "一、总体情况", "（一）主动公开\n本年度主动公开政府信息120条。", "", False),
        Section("table_a", "二、主动公开政府信息情况", "", "", False, table=TABLE_A, editable=False),
        Section(
            "table_b", "三、收到和处理政府信息公开申请情况", "", "", False, table=TABLE_B, editable=False
        ),
        Section(
            "table_c", "四、政府信息公开行政复议、行政诉讼情况", "", "", False, table=TABLE_C, editable=False
        ),
        Section("problems", "五、存在的主要问题及改进情况", "公开内容的便民性不够。", "", False),
        Section("other", "六、其他需要报告的事项", "本年度未收取信息处理费。", "", False),
    ]
    return CompiledReport(
        organisation=organisation,
        year=2022 if style == "2021" else 2020,
        style=style,
        include_children=True,
        title=f"渠口乡人民政府{2022 if style == '2021' else 2020}年政府信息公开工作年度报告",
        preface="本报告根据《中华人民共和国政府信息公开条例》编制。",
        sections=sections,
        tables=tables,
        signature="渠口乡人民政府",
        dated="2023年1月",
    )


def test_table_b_grid_has_the_three_level_header_and_every_cell():
    grid = grid_for(tables_2021()[TABLE_B])
    corner = grid.cells[0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert "勾稽关系" in corner.text
    labels = [c.text for c in grid.cells if c.header]
    assert labels[:3] == [corner.text, "申请人情况", "自然人"]
    assert "法人或其他组织" in labels and labels.index("法人或其他组织") < labels.index("商业企业")
    numbers = [c for c in grid.cells if c.number]
    assert len(numbers) == len(FORMAT_2021.table_b.cells) == 25 * 7
    results = next(c for c in grid.cells if c.text == "三、本年度办理结果")
    assert results.rowspan == 22  # （一）…（六）3 and （七）总计


def test_grids_cover_every_position_exactly_once():
    for table in tables_2021().values():
        grid = grid_for(table)
        covered = {}
        for cell in grid.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert (r, c) not in covered, f"{(r, c)} covered twice in {table.spec.key}"
                    covered[(r, c)] = cell
        assert len(covered) == grid.rows * grid.cols


def test_docx_has_merged_header_cells_and_every_label_in_order():
    data = render.to_docx(compiled())
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "渠口乡人民政府2022年政府信息公开工作年度报告" in text
    table_b = document.tables[1]
    assert table_b.cell(0, 0)._tc is table_b.cell(2, 2)._tc  # the 3×3 corner is one merged cell
    assert table_b.cell(0, 3).text == "申请人情况"
    assert table_b.cell(0, 3)._tc is table_b.cell(0, 9)._tc


def test_xlsx_has_one_sheet_per_table_with_numbers():
    workbook = load_workbook(io.BytesIO(render.to_xlsx(compiled())))
    assert workbook.sheetnames == [
        "报告正文",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
    ]
    sheet = workbook["收到和处理政府信息公开申请情况"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 25 in values and "（七）总计" in values
    assert any(str(r).startswith("A2:C4") for r in sheet.merged_cells.ranges)


def test_json_has_every_cell_with_its_value():
    data = json.loads(render.to_json(compiled()))
    assert data["format"] == "2021"
    cells = {(c["row"], c["column"]): c["value"] for c in data["tables"]["B"]["cells"]}
    assert len(cells) == 175
    assert cells[("received", "total")] == "25"


def test_pdf_text_has_every_table_label_in_order():
    reader = PdfReader(io.BytesIO(render.to_pdf(compiled())))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    labels = ["一、总体情况", "二、主动公开政府信息情况", "规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制",
              "行政事业性收费", "三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织",
              "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果", "（一）予以公开",
              "（三）不予公开", "1.属于国家秘密", "（七）总计", "四、结转下年度继续办理",
              "四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "五、存在的主要问题及改进情况",
              "六、其他需要报告的事项"]  # fmt: skip
    position = 0
    for label in labels:
        found = text.find(label, position)
        assert found >= 0, f"{label} missing or out of order"
        position = found


@pytest.mark.parametrize("output_format", ["html", "docx", "pdf"])
@pytest.mark.parametrize("style", ["2021", "2019"])
def test_a_built_report_passes_the_checker(tmp_path, output_format, style):
    path = tmp_path / f"report.{output_format}"
    path.write_bytes(render.render(compiled(style), output_format))
    result = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "report", "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    outcome = json.loads(result.stdout)
    assert result.returncode == 0, outcome["findings"]
    assert set(outcome["tables_found"]) >= {"表二", "表三", "表四"}
