"""Issue 15: an imported 2019-format report gives the next year's Table A 上一年项目数量 (国办公开办函〔2019〕60号 表二,
第二十条第（五）（六）（八）项) where no ExternalFigures were entered for its year — shown with its source, never
overwriting hand-entered figures."""

from pathlib import Path

import pytest

from gongkai.reports import services, sources
from gongkai.reports.compile import compile_report
from gongkai.reports.models import ExternalFigures, PastReport
from gongkai.reports.tables import TABLE_A

pytestmark = [pytest.mark.django_db, pytest.mark.today("2020-03-02")]
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "real_reports"
# 雄县's real 2019 report (2019 trial format, one cell a line as the PDF gave it). It left these rows blank, as every
# stored real report leaves them blank or 0, so the test fills them — in the report's own layout — to tell a figure
# read from the report from a default 0.
FIGURES = {
    "\n行政许可\n其他对外管理服务事项\n": "\n行政许可\n12\n3\n7\n其他对外管理服务事项\n5\n-1\n2\n",
    "\n行政处罚\n行政强制\n": "\n行政处罚\n4\n0\n9\n行政强制\n1\n1\n0\n",
    "\n行政事业性收费\n": "\n行政事业性收费\n6\n-2\n",
}
NAME = "xiongxian-2019.txt"


def xiongxian_2019() -> bytes:
    text = (CORPUS / NAME).read_text(encoding="utf-8")
    for real, filled in FIGURES.items():
        assert real in text
        text = text.replace(real, filled)
    return text.encode()


def _import(admin, township, *, confirm=True):
    return services.past_report_import(
        actor=admin,
        organisation=township,
        year=2019,
        name=NAME,
        data=xiongxian_2019(),
        confirm=confirm,
    )


def test_the_year_end_item_counts_of_an_imported_2019_report_are_next_years_last_year_items(admin, township):
    reading = _import(admin, township, confirm=False)
    assert reading.format_code == "2019"
    assert reading.item_counts == {
        "licensing_items": 15,
        "other_services_items": 4,
        "penalty_items": 4,
        "compulsion_items": 2,
        "admin_fee_items": 4,
    }
    assert not PastReport.objects.exists()  # the dry run keeps nothing
    assert compile_report(township, 2020).tables[TABLE_A][("licensing", "last_year_items")] == 0

    _import(admin, township)
    assert PastReport.objects.get().item_counts["licensing_items"] == 15
    ExternalFigures.objects.create(
        organisation=township, year=2020, licensing_items=16, source_note="县政务服务中心 2020年台账"
    )
    table = compile_report(township, 2020).tables[TABLE_A]
    assert (table[("licensing", "last_year_items")], table[("licensing", "change")]) == (15, 1)
    assert table[("other_services", "last_year_items")] == 4
    assert table[("admin_fees", "last_year_items")] == 4
    label, rows = sources.records_behind(township, 2020, "A:licensing:last_year_items")
    assert (
        "渠口乡人民政府2019年年度报告（导入）",
        "数据来源：导入的2019年度报告（xiongxian-2019.txt）",
        "",
    ) in rows
    assert not ExternalFigures.objects.filter(
        year=2019
    ).exists()  # nothing written into the hand-entered figures


def test_hand_entered_figures_of_that_year_win_over_the_imported_report(admin, township):
    _import(admin, township)
    ExternalFigures.objects.create(
        organisation=township, year=2019, licensing_items=20, source_note="县审批局 2019年事项清单"
    )
    table = compile_report(township, 2020).tables[TABLE_A]
    assert table[("licensing", "last_year_items")] == 20
    assert table[("penalty", "last_year_items")] == 0  # the entered row is the year's source as a whole
    _label, rows = sources.records_behind(township, 2020, "A:licensing:last_year_items")
    assert [detail for _title, detail, _url in rows] == ["县审批局 2019年事项清单"]


def test_a_2021_format_report_gives_no_item_counts(admin, township):
    table_a = compile_report(township, 2022).tables[TABLE_A]
    assert services.year_end_item_counts(table_a, "2021") == {}
