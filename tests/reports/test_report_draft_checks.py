"""Issue 14: the report's own check warns of an empty part, of 0 staff or 0 funding while the organisation's records
hold some, and of a typed date line; the published report is dated on the day it is published."""

import pytest

from gongkai.reports import services
from gongkai.reports.findings import SOFT
from gongkai.reports.models import ReportState

pytestmark = [pytest.mark.django_db, pytest.mark.today("2022-01-20")]


@pytest.fixture
def report(clerk, township):
    return services.report_create(actor=clerk, organisation=township, year=2021)


def warnings(findings, check):
    return [f for f in findings if f.check == check]


PROBLEMS_FILLED = (
    "（一）上年度问题的改进情况\n上年度指出的栏目更新不及时问题已整改。\n"
    "（二）本年度存在的主要问题\n政策解读形式单一。\n（三）改进措施\n增加图解、视频解读。"
)


def test_an_emptied_part_is_a_warning_that_does_not_stop_the_report(report, clerk):
    services.report_save_narrative(actor=clerk, report=report, texts={"problems": PROBLEMS_FILLED})
    assert warnings(services.report_check(actor=clerk, report=report), "empty_section") == []
    services.report_save_narrative(
        actor=clerk, report=report, texts={"problems": PROBLEMS_FILLED, "other": "  \n"}
    )
    (found,) = warnings(services.report_check(actor=clerk, report=report), "empty_section")
    assert found.severity == SOFT and found.message == "“六、其他需要报告的事项”没有内容，请填写或说明“无”"
    assert report.state == ReportState.CHECKED
    assert any(f["check"] == "empty_section" for f in report.findings)  # stored with the check


def test_zero_staff_in_the_text_while_staff_are_recorded_is_a_warning(make, report, clerk, township):
    make.staff(township, 2021, full_time=1, part_time=1)
    assert warnings(services.report_check(actor=clerk, report=report), "zero_staff") == []
    services.report_save_narrative(
        actor=clerk, report=report, texts={"overview": "本年度从事政府信息公开工作人员0人。"}
    )
    (found,) = warnings(services.report_check(actor=clerk, report=report), "zero_staff")
    assert "登记了2021年的工作人员2人" in found.message and found.severity == SOFT


def test_zero_staff_with_no_record_anywhere_is_no_warning(report, clerk):
    services.report_save_narrative(
        actor=clerk, report=report, texts={"overview": "本年度从事政府信息公开工作人员0人。"}
    )
    assert warnings(services.report_check(actor=clerk, report=report), "zero_staff") == []


def test_zero_funding_while_a_village_records_funding_is_a_warning(make, clerk, township, village):
    make.funding(village, 2018, "1.50")
    report = services.report_create(
        actor=clerk, organisation=township, year=2018
    )  # the free style prints 经费
    assert warnings(services.report_check(actor=clerk, report=report), "zero_funding") == []
    services.report_save_narrative(actor=clerk, report=report, texts={}, include_children=False)
    (found,) = warnings(services.report_check(actor=clerk, report=report), "zero_funding")
    assert "登记了2018年的经费1.50万元" in found.message


def test_a_typed_date_line_is_warned_of_and_the_published_report_is_dated_on_the_day_of_publication(
    report, clerk, reviewer, quick_render
):
    services.report_save_narrative(actor=clerk, report=report, texts={"dated": "2021年12月1日"})
    (found,) = warnings(services.report_check(actor=clerk, report=report), "dated")
    assert found.message == "落款日期“2021年12月1日”将在发布时改为发布当日“2022年1月20日”（不得倒签）"
    services.report_publish(actor=reviewer, report=report)
    report.refresh_from_db()
    assert report.snapshot["dated"] == "2022年1月20日"
    assert services.report_compile(report).dated == "2022年1月20日"


def test_a_part_holding_only_its_sub_headings_is_warned_of_as_empty(report, clerk):
    """The compiled 五 of a first year holds its three sub-headings and nothing under them."""
    (found,) = warnings(services.report_check(actor=clerk, report=report), "empty_section")
    assert found.row == "五、存在的主要问题及改进情况" and found.severity == SOFT
    assert found.message == (
        "“五、存在的主要问题及改进情况”只有小标题“（一）上年度问题的改进情况”、“（二）本年度存在的主要问题”、"
        "“（三）改进措施”，没有内容，请填写或说明“无”"
    )
    assert report.state == ReportState.CHECKED  # a warning: the check still passes


def test_a_sub_heading_with_nothing_under_it_is_warned_of_by_name(report, clerk):
    text = PROBLEMS_FILLED.replace("政策解读形式单一。\n", "")
    services.report_save_narrative(actor=clerk, report=report, texts={"problems": text})
    findings = services.report_check(actor=clerk, report=report)
    assert warnings(findings, "empty_section") == []
    (found,) = warnings(findings, "empty_subsection")
    assert (
        found.message
        == "“五、存在的主要问题及改进情况”中“（二）本年度存在的主要问题”下没有内容，请填写或说明“无”"
    )
    services.report_save_narrative(actor=clerk, report=report, texts={"problems": PROBLEMS_FILLED})
    assert warnings(services.report_check(actor=clerk, report=report), "empty_subsection") == []


def test_a_sub_heading_followed_by_its_text_on_the_same_line_is_not_empty():
    from gongkai.reports.draft_checks import empty_sub_headings

    assert empty_sub_headings("（一）主动公开\n本年度主动公开信息12条。\n（二）依申请公开\n无。") == (
        [],
        False,
    )
    assert empty_sub_headings("（一）主动公开。本年度主动公开信息12条。") == ([], False)
    assert empty_sub_headings("（一）甲\n（二）乙") == (["（一）甲", "（二）乙"], True)
