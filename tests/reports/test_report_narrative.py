"""Sums stated in a report's text: "共计 N 条，其中 a 条…", colon lists, nested breakdowns."""

from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.reports.narrative_sums import check_narrative_sums, find_narrative_sums

# A copy of ../shared/reference/qukou-2018-annual-report.md, so that a fresh clone runs every test.
QUKOU = Path(__file__).resolve().parents[1] / "fixtures" / "qukou-2018-annual-report.md"


@pytest.fixture
def qukou_text() -> str:
    return QUKOU.read_text(encoding="utf-8")


def test_the_qukou_report_has_exactly_one_inconsistent_sum_144_against_134(qukou_text):
    [finding] = check_narrative_sums(qukou_text)
    assert "30+38+68+8=144，与总数134不符" in finding.message
    assert (finding.expected, finding.found, finding.severity) == (134, 144, "hard")
    assert "在政府信息公开网上公开信息共计 134 条" in finding.row


def test_the_qukou_506_is_the_sum_of_120_134_112_and_140_and_its_staff_15_of_14_and_1(qukou_text):
    sums = {s.total: s for s in find_narrative_sums(qukou_text)}
    assert set(sums) == {506, 134, 15}
    assert sums[506].parts == (120, 134, 112, 140)
    assert sums[506].consistent
    assert sums[15].parts == (14, 1)
    assert sums[15].consistent
    assert sums[134].parts == (30, 38, 68, 8)
    assert not sums[134].consistent


def test_a_colon_list_that_does_not_add_up_is_reported():
    [finding] = check_narrative_sums("共计 50 条：公文 10 条，通知公告 30 条，其他 5 条。")
    assert finding.message.endswith("10+30+5=45，与总数50不符")


def test_a_qizhong_list_may_name_only_some_of_the_parts():
    assert check_narrative_sums("主动公开信息 500 条，其中政策文件 20 条，规划计划 10 条。") == []


def test_a_qizhong_list_with_a_residual_part_must_add_up():
    [finding] = check_narrative_sums("共 20 件，其中予以公开 12 件，其他 5 件。")
    assert finding.message.endswith("12+5=17，与总数20不符")


def test_a_qizhong_list_whose_parts_exceed_the_total_is_reported():
    [finding] = check_narrative_sums("共收到申请 10 件，其中当面申请 6 件，网上申请 5 件。")
    assert finding.message.endswith("6+5=11，与总数10不符")


def test_spaces_are_optional_and_several_units_count_as_items():
    assert check_narrative_sums("共计506条，其中，制发各类文件120件；网上公开386条。") == []
    [finding] = check_narrative_sums("共计506条，其中，制发各类文件120件；网上公开396条。")
    assert finding.message.endswith("120+396=516，与总数506不符")


def test_a_breakdown_in_parentheses_belongs_to_the_number_before_it():
    assert check_narrative_sums("工作人员 6 人（其中专职 2 人，兼职 4 人），开展培训 2 次。") == []
    [finding] = check_narrative_sums("工作人员 6 人（其中专职 3 人，兼职 4 人），开展培训 2 次。")
    assert finding.message.endswith("3+4=7，与总数6不符")


def test_a_nested_breakdown_is_summed_only_against_its_own_total():
    text = "共 100 条，其中：网站 60 条：文件 20 条，动态 30 条，其他 10 条；微信 40 条。"
    assert check_narrative_sums(text) == []
    broken = text.replace("其他 10 条", "其他 15 条")
    [finding] = check_narrative_sums(broken)
    assert finding.message.endswith("20+30+15=65，与总数60不符")


def test_money_in_wan_yuan_with_decimals_is_summed_exactly():
    assert check_narrative_sums("专项经费 3.5 万元，其中网站运维 2.1 万元，培训 1.4 万元。") == []
    [finding] = check_narrative_sums("专项经费 3.5 万元，其中网站运维 2.1 万元，培训 1.6 万元。")
    assert finding.message.endswith("2.1+1.6=3.7，与总数3.5不符")
    assert finding.found == Decimal("3.7")


def test_items_of_another_unit_or_a_change_on_last_year_are_not_parts():
    assert check_narrative_sums("共 9 人，其中专职 3 人，兼职 6 人，较上年增加 2 人，投入经费 5 万元。") == []
    assert check_narrative_sums("共 10 件，其中自然人 8 件，法人 2 件，办结 10 件，结转 0 件。") == []


def test_a_list_continues_across_a_wrapped_line_but_stops_at_a_heading():
    text = "共计 30 条：公文 10\n条，通知 20 条\n\n二、依申请公开情况\n收到申请 5 件。"
    assert check_narrative_sums(text) == []
    [s] = find_narrative_sums(text)
    assert s.parts == (10, 20)


def test_fenbiewei_lists_are_exhaustive():
    [finding] = check_narrative_sums("答复 12 件，分别为予以公开 5 件、部分公开 3 件。")
    assert finding.message.endswith("5+3=8，与总数12不符")


def test_dates_ordinals_and_unrelated_numbers_are_not_quantities():
    text = "2018 年 1 月 1 日至 2018 年 12 月 31 日，第 3 期简报，13 个村，电话 0952-6860685。"
    assert find_narrative_sums(text) == []
