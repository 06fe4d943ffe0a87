"""Issue 12: the annual report's PDF and DOCX as official documents (GB/T 9704-2012), read back from the files:
A4 and its margins, East-Asian fonts, page numbers, table headings that repeat and never stand alone at a page's
foot, and the 署名 and date kept with the text before them."""

from dataclasses import replace

import pytest
from docx.oxml.ns import qn
from official_documents import A4_PT, PAGE_NUMBER, docx_document, east_asian_fonts, footer_xml, pdf_pages
from test_report_rendering import compiled
from weasyprint import HTML

from gongkai.core import official_document as gw
from gongkai.reports import render
from gongkai.reports.compile import Section
from gongkai.reports.tables import TABLE_A, TABLE_B, TABLE_C

FILLER = "本年度主动公开政府信息120条，其中通过政府网站公开30条。"
A_BLOCKS = (  # each block heading of Table A and the first row under it
    ("第二十条第（一）项", "规章"),
    ("第二十条第（五）项", "行政许可"),
    ("第二十条第（六）项", "行政处罚"),
    ("第二十条第（八）项", "行政事业性收费"),
)
B_BODY = ("一、本年新收政府信息公开申请数量", "（三）不予公开", "（七）总计", "四、结转下年度继续办理")


def report_of(*sections: Section):
    return replace(compiled(), sections=list(sections))


def text_section(lines: int, key="overview", title="一、总体情况", last="") -> Section:
    body = "\n".join([FILLER] * lines + ([last] if last else []))
    return Section(key, title, body, "", False)


def table_section(key, title, table) -> Section:
    return Section(key, title, "", "", False, table=table, editable=False)


def test_the_docx_report_is_a4_with_the_margins_fonts_and_page_numbers():
    document = docx_document(render.to_docx(compiled()))
    [section] = document.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.left_margin, section.right_margin, section.bottom_margin]
    assert [round(m.mm) for m in margins] == [37, 28, 26, 35]
    fonts = gw.document_fonts()
    paragraphs = document.paragraphs
    title = paragraphs[0]
    assert title.text == "渠口乡人民政府2022年政府信息公开工作年度报告"
    assert east_asian_fonts(title) == {fonts.title} and title.runs[0].font.size.pt == 22
    heading = next(p for p in paragraphs if p.text == "一、总体情况")
    assert east_asian_fonts(heading) == {fonts.heading}  # 黑体 (or its stand-in)
    assert heading.paragraph_format.keep_with_next
    body = next(p for p in paragraphs if p.text.startswith("本年度主动公开"))
    assert east_asian_fonts(body) == {fonts.body} and body.runs[0].font.size.pt == 16
    cell_run = document.tables[1].cell(5, 4).paragraphs[0].runs[0]
    assert cell_run._r.rPr.rFonts.get(qn("w:eastAsia")) == fonts.body
    odd, even = footer_xml(section)
    assert "PAGE" in odd and "PAGE" in even and "— " in odd


def _row_flags(table) -> list[tuple[bool, bool]]:
    flags = []
    for row in table.rows:
        properties = row._tr.trPr
        flags.append(
            (
                properties is not None and properties.find(qn("w:tblHeader")) is not None,
                properties is not None and properties.find(qn("w:cantSplit")) is not None,
            )
        )
    return flags


def test_the_docx_tables_repeat_their_heading_rows_and_keep_headings_with_the_next_row():
    document = docx_document(render.to_docx(compiled()))
    table_a, table_b, table_c = document.tables
    for table, head in ((table_b, 3), (table_c, 3)):
        flags = _row_flags(table)
        assert [repeat for repeat, _ in flags] == [True] * head + [False] * (len(flags) - head)
        assert all(whole for _, whole in flags)  # no row splits across pages
    # Table A is a stack of blocks: none repeats (it would mislabel the next block), each stays with its rows.
    flags = _row_flags(table_a)
    assert not any(repeat for repeat, _ in flags) and all(whole for _, whole in flags)
    block_heading = next(row for row in table_a.rows if row.cells[0].text == "第二十条第（六）项")
    assert block_heading.cells[0].paragraphs[0].paragraph_format.keep_with_next
    data_row = next(row for row in table_a.rows if row.cells[0].text == "行政处罚")
    assert not data_row.cells[0].paragraphs[0].paragraph_format.keep_with_next


def test_the_pdf_report_is_a4_with_page_numbers_and_the_table_headings_in_thead():
    pages = pdf_pages(render.to_pdf(compiled()))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert abs(page["size"][0] - A4_PT[0]) <= 1 and abs(page["size"][1] - A4_PT[1]) <= 1
        assert [int(n) for n in PAGE_NUMBER.findall(page["raw"])] == [number]
    html = render.to_html(compiled())
    assert "thead { display: table-header-group; }" in html
    assert html.count("<thead>") == 2  # Tables B and C; Table A's blocks have their own headings


def _lonely_block_headings(pdf: bytes) -> list[tuple[int, str]]:
    """(page, heading) of each Table A block heading on a page without the block's first row."""
    return [
        (index, heading)
        for index, page in enumerate(pdf_pages(pdf))
        for heading, first_row in A_BLOCKS
        if heading in page["text"] and first_row not in page["text"]
    ]


def test_a_table_heading_never_stands_alone_at_the_foot_of_a_page():
    lonely_without_the_rule = []
    for lines in range(3, 9):  # Table A's blocks walk across the foot of the first page
        report = report_of(text_section(lines), table_section("table_a", "二、主动公开政府信息情况", TABLE_A))
        html = render.to_html(report)
        assert _lonely_block_headings(HTML(string=html).write_pdf()) == [], f"{lines} lines"
        for page in pdf_pages(HTML(string=html).write_pdf()):
            if "二、主动公开政府信息情况" in page["text"]:
                assert "规章" in page["text"], "the section heading left alone above its table"
        loose = html.replace("break-after: avoid; page-break-after: avoid;", "")
        lonely_without_the_rule += _lonely_block_headings(HTML(string=loose).write_pdf())
    assert lonely_without_the_rule, "the sweep never put a heading at a page's foot: it proves nothing"


def test_table_b_repeats_its_heading_on_every_page_it_runs_onto():
    unlabelled_without_thead = []
    for lines in (0, 6):
        report = report_of(text_section(lines), table_section("table_b", "三、收到和处理", TABLE_B))
        html = render.to_html(report)
        pages = [p["text"] for p in pdf_pages(HTML(string=html).write_pdf())]
        with_body = [text for text in pages if any(label in text for label in B_BODY)]
        assert len(with_body) >= 2, "Table B did not run onto a second page"
        assert all("申请人情况" in text and "自然人" in text for text in with_body)
        flat = html.replace("<thead>", "").replace("</thead>", "")
        flat_pages = [p["text"] for p in pdf_pages(HTML(string=flat).write_pdf())]
        unlabelled_without_thead += [
            t for t in flat_pages if any(label in t for label in B_BODY) and "申请人情况" not in t
        ]
    assert unlabelled_without_thead  # without thead the continuation pages lose the heading


def _closing_alone(pdf: bytes, report) -> bool:
    last = pdf_pages(pdf)[-1]["text"]
    rest = PAGE_NUMBER.sub("", last).replace(report.signature, "", 1).replace(report.dated, "", 1)
    return rest == ""


def test_the_signature_and_date_never_stand_alone_on_the_last_page():
    alone_without_the_rule = []
    for lines in range(14, 22):
        report = report_of(
            text_section(lines, key="other", title="六、其他需要报告的事项", last="本年度未收取信息处理费。")
        )
        html = render.to_html(report)
        pdf = HTML(string=html).write_pdf()
        assert not _closing_alone(pdf, report), f"{lines} lines: the last page holds only the signature"
        loose = html.replace("break-before: avoid; page-break-before: avoid;", "").replace(
            ".report-section:last-of-type .report-text p:last-child { break-after: avoid; }", ""
        )
        if _closing_alone(HTML(string=loose).write_pdf(), report):
            alone_without_the_rule.append(lines)
    assert alone_without_the_rule, "the sweep never reached the page's foot: it proves nothing"


@pytest.mark.parametrize("table", [TABLE_A, TABLE_B, TABLE_C])
def test_heading_rows_are_the_rows_of_headings_only(table):
    grid = render.grid_for(compiled().tables[table])
    rows = render.heading_rows(grid)
    assert rows and rows[0] == 0
    head = render.repeated_rows(table, grid)
    assert head == {TABLE_A: 0, TABLE_B: 3, TABLE_C: 3}[table]
    numbers = {cell.row for cell in grid.cells if cell.number}
    assert not numbers & set(rows)


def test_the_checker_reads_a_sentence_across_a_page_number():
    from gongkai.reports.parsing import drop_page_numbers

    page = "在政府信息公开网上公开信息共计144条：公文30条，通知公告38条，工作动态68\n— 1 —"
    assert drop_page_numbers(page).endswith("工作动态68")
    for line in ("- 2 -", "－3－", "第4页 共9页", "第 5 页"):
        assert drop_page_numbers(f"正文\n{line}") == "正文"
    assert drop_page_numbers("2018年\n— 1 —\n120") == "2018年\n120"
    assert drop_page_numbers("共计 - 12 - 件") == "共计 - 12 - 件"  # not alone on its line: text, kept
