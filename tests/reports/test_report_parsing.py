"""Reading published reports from files: each layout gives back the figures it was written from."""

from pathlib import Path

import pytest
from report_samples import (
    FIXTURES,
    markdown_2021_broken_tables,
    render_docx,
    sample_2021,
    tables_2019,
    tables_2021,
)

from gongkai.reports.parsing import (
    ReportReadError,
    detect_format,
    label_key,
    match_row,
    parse_cell,
    read_report,
)
from gongkai.reports.tables import FORMAT_2019, FORMAT_2021, TABLE_A, TABLE_B, TABLE_C

# A copy of ../shared/reference/qukou-2018-annual-report.md, so that a fresh clone runs every test.
QUKOU = Path(__file__).resolve().parents[1] / "fixtures" / "qukou-2018-annual-report.md"


def values(tables):
    return {key: dict(table.values) for key, table in tables.items()}


@pytest.fixture(scope="module")
def docx_2021(tmp_path_factory) -> Path:
    return render_docx(tmp_path_factory.mktemp("docx") / "report-2021.docx", *sample_2021(broken=False))


@pytest.fixture(scope="module")
def pdf_2021(tmp_path_factory) -> Path:
    weasyprint = pytest.importorskip("weasyprint")
    path = tmp_path_factory.mktemp("pdf") / "report-2021.pdf"
    weasyprint.HTML(str(FIXTURES / "report-2021-consistent.html")).write_pdf(str(path))
    return path


def test_html_with_merged_header_and_group_cells_gives_back_every_figure():
    report = read_report(FIXTURES / "report-2021-consistent.html")
    assert values(report.tables) == values(tables_2021())
    assert (report.file_type, report.format_code, report.year) == ("html", "2021", 2022)
    assert report.organisation == "某某县市场监督管理局"
    assert not report.township
    assert "本年主动公开政府信息共计 320 条" in report.text
    assert "予以公开 8" not in report.text  # the tables are not part of the text


def test_markdown_pipe_tables_give_back_every_figure():
    report = read_report(FIXTURES / "report-2021-consistent.md")
    assert report.file_type == "markdown"
    assert values(report.tables) == values(tables_2021())
    assert "|" not in report.text


def test_a_blank_markdown_cell_is_read_as_missing_not_zero():
    report = read_report(FIXTURES / "report-2021-broken.md")
    assert values(report.tables) == values(markdown_2021_broken_tables())
    assert report.tables[TABLE_B][("refuse_third_party", "total")] is None


def test_docx_tables_with_merged_cells_give_back_every_figure(docx_2021):
    report = read_report(docx_2021)
    assert report.file_type == "docx"
    assert values(report.tables) == values(tables_2021())
    assert "本年度共收到政府信息公开申请 25 件" in report.text


def test_pdf_tables_are_read_from_the_extracted_text(pdf_2021):
    report = read_report(pdf_2021)
    if "行政复议" not in report.text:
        pytest.skip("no CJK font available to weasyprint")
    assert report.file_type == "pdf"
    assert values(report.tables) == values(tables_2021())
    assert report.notes == ["表格由提取的文字识别（尽力而为），请核对原件"]


def test_a_2019_trial_format_report_is_read_in_its_own_layout():
    report = read_report(FIXTURES / "report-2019-consistent.html")
    assert report.format_code == "2019"
    assert values(report.tables) == values(tables_2019())
    assert report.tables[TABLE_A][("licensing", "change")] == -2


def test_a_free_form_report_has_no_tables_and_keeps_its_text():
    report = read_report(FIXTURES / "narrative-consistent.txt")
    assert report.tables == {}
    assert report.format_code is None
    assert (report.year, report.organisation, report.township) == (2017, "某某镇人民政府", True)


def test_the_qukou_report_is_a_township_report_for_2018():
    report = read_report(QUKOU)
    assert (report.year, report.organisation, report.township) == (2018, "平罗县渠口乡人民政府", True)
    assert report.tables == {}


def test_a_gbk_encoded_text_file_is_read(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(
        "某某乡人民政府 2018 年政府信息公开年度报告\n共计 3 条：公文 1 条，其他 2 条。".encode("gbk")
    )
    report = read_report(path)
    assert report.township
    assert "公文 1 条" in report.text


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("（六）1.申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请", "other_no_correction"),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
        ("2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_fee_unpaid"),
        ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partly_granted"),
        ("（二）部分公开", "partly_granted"),
        ("2.其他法律、行政法规禁止公开", "refuse_prohibited_by_law"),
        ('3.危及"三安全一稳定"', "refuse_security_stability"),
        ("一、本年新收政府信息公开申请数量", "received"),
        ("（七） 总 计", "total"),
        ("3.其他", "other_misc"),
        ("（三）不予公开", None),
    ],
)
def test_table_b_row_labels_match_despite_punctuation_and_spacing(label, code):
    assert match_row(FORMAT_2021.table_b, label) == code


def test_he_and_huo_are_the_same_in_labels():
    assert label_key("法人和其他组织") == label_key("法人或其他组织")
    assert match_row(FORMAT_2019.table_a, "规范性文件") == "normative_docs"
    assert match_row(FORMAT_2021.table_a, "规范性文件") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", (True, 0)), (" 12 ", (True, 12)), ("１２", (True, 12)), ("", (True, None)), ("—", (True, None))],
)
def test_cells_are_numbers_or_blanks(text, expected):
    assert parse_cell(text) == expected


def test_a_cell_with_words_is_not_a_value_cell():
    assert parse_cell("自然人") == (False, None)


def test_the_format_is_told_by_its_labels_or_else_by_the_year():
    assert detect_format("本年新制作数量 本年新公开数量") is FORMAT_2019
    assert detect_format("本年制发件数 现行有效件数") is FORMAT_2021
    assert detect_format("", 2020) is FORMAT_2019
    assert detect_format("", None) is FORMAT_2021


def test_a_missing_file_cannot_be_read(tmp_path):
    with pytest.raises(ReportReadError, match="文件不存在"):
        read_report(tmp_path / "nope.html")


def test_a_directory_cannot_be_read(tmp_path):
    with pytest.raises(ReportReadError, match="不是文件"):
        read_report(tmp_path)


def test_an_unsupported_file_type_cannot_be_read(tmp_path):
    path = tmp_path / "report.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    with pytest.raises(ReportReadError, match="不支持的文件类型"):
        read_report(path)


@pytest.mark.parametrize("name", ["corrupt.pdf", "corrupt.docx"])
def test_a_corrupt_file_cannot_be_read(name):
    with pytest.raises(ReportReadError):
        read_report(FIXTURES / name)


def test_an_empty_or_binary_text_file_cannot_be_read(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(ReportReadError, match="文件为空"):
        read_report(empty)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02abc")
    with pytest.raises(ReportReadError, match="二进制"):
        read_report(binary)


def test_tables_c_and_a_found_are_listed_in_order():
    report = read_report(FIXTURES / "report-2021-consistent.html")
    assert report.tables_found == [TABLE_A, TABLE_B, TABLE_C]


def test_plain_text_tables_are_read_by_their_labels_followed_by_numbers(tmp_path):
    lines = ["某某县财政局 2022 年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项"]
    lines.append("信息内容 本年制发件数 本年废止件数 现行有效件数")
    tables = tables_2021()
    spec = FORMAT_2021.table_a
    for row in spec.rows:
        lines.append(f"{row.label} " + " ".join(str(v) for v in tables[TABLE_A].row_values(row.code)))
    lines.append("三、收到和处理政府信息公开申请情况 申请人情况 自然人 法人或其他组织 总计")
    for row in FORMAT_2021.table_b.rows:
        lines.append(
            f"{row.group}{row.label}\n" + " ".join(str(v) for v in tables[TABLE_B].row_values(row.code))
        )
    lines.append(
        "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计"
    )
    lines.append(" ".join(str(tables[TABLE_C][key]) for key in FORMAT_2021.table_c.cells))
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = read_report(path)
    assert values(report.tables) == values(tables)


def test_a_free_form_report_mentioning_rules_gets_no_tables_from_its_text(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(
        "某某乡人民政府 2016 年政府信息公开年度报告\n依照第二十条，完善规章 3 项制度。", encoding="utf-8"
    )
    assert read_report(path).tables == {}
