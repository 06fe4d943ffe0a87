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


def test_an_emptied_part_is_a_warning_that_does_not_stop_the_report(report, clerk):
    assert warnings(services.report_check(actor=clerk, report=report), "empty_section") == []
    services.report_save_narrative(actor=clerk, report=report, texts={"other": "  \n"})
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
