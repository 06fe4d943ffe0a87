"""`gongkai report check FILE`: output, JSON and exit codes (0 consistent, 1 findings, 2 unreadable)."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from report_samples import FIXTURES, render_docx, sample_2021

REPO = Path(__file__).resolve().parents[2]
# A copy of ../shared/reference/qukou-2018-annual-report.md, so that a fresh clone runs every test.
QUKOU = REPO / "tests" / "fixtures" / "qukou-2018-annual-report.md"


def run(*args: str) -> tuple[int, str, str]:
    """Run the command as a user does, through `python -m gongkai.cli`, and capture its exit code."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "report", "check", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    return result.returncode, result.stdout, result.stderr


def check(*args: str) -> tuple[int, str]:
    """Run the command in-process through call_command."""
    out = StringIO()
    try:
        call_command("report", "check", *args, stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_a_consistent_report_prints_that_it_is_consistent():
    code, output = check(str(FIXTURES / "report-2021-consistent.html"))
    assert code == 0
    assert "识别到的表格：表二、表三、表四" in output
    assert "一致：未发现问题" in output


def test_the_broken_2021_report_prints_each_finding_with_its_numbers():
    code, output = check(str(FIXTURES / "report-2021-broken.html"))
    assert code == 1
    expected = [
        "表三 自然人 列：新收 20 + 上年结转 2 = 22，但办理结果总计 20 + 结转下年度 3 = 23",
        "表三 总计 列：新收 25 + 上年结转 2 = 27，但办理结果总计 25 + 结转下年度 3 = 28",
        "表三 总计 列：办理结果各项 11+3+0+0+0+1+0+1+0+0+7+1+0+1+1+0+0+0+0+0+0 = 26，但（七）总计 = 25",
        "表三 （一）予以公开 行：自然人 8 + 法人或其他组织 1+0+0+1+0 = 10，但总计列 = 11",
        "表四 行政复议：结果维持 1 + 结果纠正 0 + 其他结果 0 + 尚未审结 1 = 2，但总计 = 3",
        "180+100+50=330，与总数320不符",
        "正文“结转下年度继续办理 2 件”为 2，但表三 四、结转下年度继续办理 总计 = 3",
        "正文“行政复议 2 件”为 2，但表四 行政复议 总计 = 3",
    ]
    for line in expected:
        assert line in output
    assert "不一致：6 条错误，2 条提示" in output


def broken_findings(path) -> list[tuple[str, str, str, object, object]]:
    code, output = check(str(path), "--format", "json")
    assert code == 1
    data = json.loads(output)
    assert data["consistent"] is False
    return [(f["check"], f["row"], f["column"], f["expected"], f["found"]) for f in data["findings"]]


BROKEN_2021 = [
    ("b_row_balance", "一 + 二 = （七）总计 + 四", "自然人", 22, 23),
    ("b_row_balance", "一 + 二 = （七）总计 + 四", "总计", 27, 28),
    ("b_result_total", "（七）总计", "总计", 26, 25),
    ("b_column_total", "（一）予以公开", "总计", 10, 11),
    ("c_group_total", "行政复议", "总计", 2, 3),
    ("text_sum", "本年主动公开政府信息共计 320 条", "", 320, 330),
    ("text_vs_table", "四、结转下年度继续办理 总计", "", 3, 2),
    ("text_vs_table", "行政复议 总计", "", 3, 2),
]


def test_the_broken_html_report_gives_exactly_the_expected_findings():
    assert broken_findings(FIXTURES / "report-2021-broken.html") == BROKEN_2021


def test_the_broken_docx_report_gives_exactly_the_same_findings(tmp_path):
    path = render_docx(tmp_path / "broken.docx", *sample_2021(broken=True))
    assert broken_findings(path) == BROKEN_2021


def test_the_broken_pdf_report_gives_exactly_the_same_findings(tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    path = tmp_path / "broken.pdf"
    weasyprint.HTML(str(FIXTURES / "report-2021-broken.html")).write_pdf(str(path))
    assert broken_findings(path) == BROKEN_2021


def test_the_broken_markdown_report_reports_a_blank_cell_and_a_litigation_group():
    # Issue 11: the blank is soft and read as 0, so the two sums through it fail: 1 + 0 … ≠ 0, 24 ≠ 25.
    assert broken_findings(FIXTURES / "report-2021-broken.md") == [
        ("blank_cells", "（三）4.保护第三方合法权益", "总计", 0, None),
        ("b_result_total", "（七）总计", "总计", 24, 25),
        ("b_column_total", "（三）4.保护第三方合法权益", "总计", 1, 0),
        ("c_group_total", "行政诉讼（未经复议直接起诉）", "总计", 2, 1),
    ]


def test_the_broken_2019_report_reports_the_uncounted_other_handling_row():
    assert broken_findings(FIXTURES / "report-2019-broken.html") == [
        ("b_result_total", "（七）总计", "自然人", 21, 20),
        ("b_result_total", "（七）总计", "总计", 26, 25),
        ("c_group_total", "行政诉讼（未经复议直接起诉）", "总计", 1, 0),
        ("text_sum", "本局主动公开政府信息 210 条", "", 210, 200),
        ("text_vs_table", "行政诉讼 总计", "", 0, 1),
    ]


def test_the_broken_narrative_reports_its_three_sums():
    findings = broken_findings(FIXTURES / "narrative-broken.txt")
    assert [(f[0], f[3], f[4]) for f in findings] == [
        ("text_sum", 160, 162),
        ("text_sum", 6, 7),
        ("text_sum", "3.5", "3.7"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "report-2021-consistent.html",
        "report-2021-consistent.md",
        "report-2019-consistent.html",
        "narrative-consistent.txt",
    ],
)
def test_each_consistent_fixture_gives_no_findings(name):
    code, output = check(str(FIXTURES / name), "--format", "json")
    data = json.loads(output)
    assert (code, data["consistent"], data["findings"]) == (0, True, [])


def test_json_output_lists_the_tables_found():
    code, output = check(str(FIXTURES / "report-2021-consistent.md"), "--format", "json")
    data = json.loads(output)
    assert code == 0
    assert data["file"].endswith("report-2021-consistent.md")
    assert data["tables_found"] == ["表二", "表三", "表四"]
    assert data["format"] == "2021"


def test_an_unreadable_file_exits_with_2_without_a_traceback():
    code, output = check(str(FIXTURES / "missing.html"))
    assert code == 2
    assert "文件不存在" in output


@pytest.fixture
def qukou() -> Path:
    return QUKOU


def test_the_qukou_report_gives_one_finding_and_exit_code_1(qukou):
    code, output = check(str(qukou), "--format", "json")
    data = json.loads(output)
    assert code == 1
    assert data["tables_found"] == []
    [finding] = data["findings"]
    assert "30+38+68+8=144，与总数134不符" in finding["message"]


def test_exit_codes_through_the_gongkai_command(qukou):
    assert run(str(FIXTURES / "report-2021-consistent.html"))[0] == 0
    code, stdout, _ = run(str(qukou))
    assert code == 1
    assert "30+38+68+8=144，与总数134不符" in stdout
    code, _, stderr = run(str(FIXTURES / "corrupt.pdf"))
    assert code == 2
    assert "Traceback" not in stderr
    assert "PDF 文件损坏" in stderr
    code, stdout, _ = run(str(FIXTURES / "missing.html"), "--format", "json")
    assert code == 2
    assert json.loads(stdout)["error"].startswith("文件不存在")


def test_strict_mode_fails_on_warnings_too(tmp_path):
    path = tmp_path / "report.md"
    text = (FIXTURES / "report-2021-consistent.md").read_text(encoding="utf-8")
    path.write_text(
        text.replace("本年度共收到政府信息公开申请 25 件", "本年度共收到政府信息公开申请 24 件"),
        encoding="utf-8",
    )
    assert check(str(path))[0] == 0
    code, output = check(str(path), "--strict")
    assert code == 1
    assert "[提示]" in output
