"""The hard identities and the soft checks, on tables built in the test."""

import copy
from decimal import Decimal

from report_samples import tables_2019, tables_2021

from gongkai.reports.checks import check_format_for_year, check_report
from gongkai.reports.findings import HARD, SOFT, is_consistent
from gongkai.reports.identities import (
    check_carry_over,
    check_cell_values,
    check_table_a_stock,
    check_table_b,
    check_table_c,
    check_tables,
    check_township_rules,
)
from gongkai.reports.narrative_sums import check_narrative_figures
from gongkai.reports.tables import FORMAT_2021, TABLE_A, TABLE_B, TABLE_C, Table


def small_table_b(**changes) -> Table:
    """Only 自然人 active: 新收 3, 上年结转 1, 予以公开 3, 结转下年度 1."""
    table = Table.zeros(FORMAT_2021.table_b)
    for row, value in {"received": 3, "carried_in": 1, "granted": 3, "total": 3, "carried_out": 1}.items():
        table[(row, "natural_person")] = value
        table[(row, "total")] = value
    for (row, col), value in changes.items():
        table[(row, col)] = value
    return table


def test_the_sample_2021_tables_pass_every_check():
    assert check_tables(tables_2021()) == []


def test_the_sample_2019_tables_pass_every_check():
    assert check_tables(tables_2019()) == []


def test_a_row_balance_failure_names_the_column_and_quotes_the_numbers():
    table = small_table_b()
    table[("carried_out", "natural_person")] = 2
    table[("carried_out", "total")] = 2
    findings = check_table_b(table)
    assert len(findings) == 2
    natural = findings[0]
    assert (natural.check, natural.severity, natural.table) == ("b_row_balance", HARD, "B")
    assert (natural.column, natural.expected, natural.found) == ("自然人", 4, 5)
    assert natural.message == "表三 自然人 列：新收 3 + 上年结转 1 = 4，但办理结果总计 3 + 结转下年度 2 = 5"
    assert findings[1].column == "总计"


def test_a_wrong_total_column_cell_is_reported_for_its_row_and_its_column():
    table = small_table_b()
    table[("granted", "total")] = 4
    findings = check_table_b(table)
    assert sorted(f.check for f in findings) == ["b_column_total", "b_result_total"]
    row_finding = next(f for f in findings if f.check == "b_column_total")
    assert (row_finding.row, row_finding.column, row_finding.expected, row_finding.found) == (
        "（一）予以公开",
        "总计",
        3,
        4,
    )
    assert "自然人 3 + 法人或其他组织 0+0+0+0+0 = 3，但总计列 = 4" in row_finding.message


def test_a_result_total_that_leaves_out_a_result_row_is_reported():
    table = small_table_b()
    table[("other_misc", "natural_person")] = 1
    table[("other_misc", "total")] = 1
    [finding, total_column] = check_table_b(table)
    assert finding.check == "b_result_total"
    assert (finding.column, finding.expected, finding.found) == ("自然人", 4, 3)
    assert finding.message.endswith("= 4，但（七）总计 = 3")
    assert total_column.column == "总计"


def test_a_table_c_group_that_does_not_add_up_is_reported_with_its_four_parts():
    table = Table.zeros(FORMAT_2021.table_c)
    table[("after_review", "corrected")] = 2
    table[("after_review", "total")] = 1
    [finding] = check_table_c(table)
    assert (finding.table, finding.row, finding.expected, finding.found) == (
        "C",
        "行政诉讼（复议后起诉）",
        2,
        1,
    )
    assert finding.message == (
        "表四 行政诉讼（复议后起诉）：结果维持 0 + 结果纠正 2 + 其他结果 0 + 尚未审结 0 = 2，但总计 = 1"
    )


def test_a_blank_cell_is_a_soft_finding_named_once_and_the_sums_read_it_as_zero():
    # Issue 11 changed this rule: a blank was a hard finding; it is now soft (按0计), once per table.
    table = small_table_b()
    table[("refuse_state_secret", "research")] = None
    table[("refuse_third_party", "research")] = None
    findings = check_tables({TABLE_B: table})
    assert [(f.check, f.severity, f.row, f.column) for f in findings] == [
        ("blank_cells", SOFT, "（三）1.属于国家秘密、（三）4.保护第三方合法权益", "科研机构")
    ]
    assert findings[0].message == (
        "表三 有 2 个空白单元格（（三）1.属于国家秘密/科研机构、（三）4.保护第三方合法权益/科研机构），按0计；"
        "应填 0，不留空白"
    )
    assert findings[0].assumption == "空白单元格按0计"
    table[("granted", "research")] = None
    table[("granted", "natural_person")] = None  # 3 printed as blank: the sums now fail, as hard findings
    assert {f.check for f in check_tables({TABLE_B: table}) if f.severity == HARD} == {
        "b_result_total",
        "b_column_total",
    }


def test_negative_and_fractional_counts_are_errors_but_a_fee_may_have_decimals():
    table = Table.zeros(FORMAT_2021.table_a)
    table[("penalty", "decisions")] = -1
    table[("licensing", "decisions")] = Decimal("2.5")
    table[("admin_fees", "fee_amount_wan")] = Decimal("3.75")
    findings = check_cell_values(table)
    assert [(f.check, f.row, f.found) for f in findings] == [
        ("not_integer", "行政许可", Decimal("2.5")),
        ("negative", "行政处罚", -1),
    ]
    assert findings[1].message == "表二 行政处罚 行 本年处理决定数量 列：不应为负数，实为 -1"


def test_the_2019_yearly_change_column_may_be_negative():
    assert check_cell_values(tables_2019()[TABLE_A]) == []


def test_carry_over_that_differs_from_last_years_carried_forward_is_a_warning():
    last_year = small_table_b()
    this_year = small_table_b()
    this_year[("carried_in", "natural_person")] = 2
    findings = check_carry_over(this_year, last_year)
    assert [(f.severity, f.column, f.expected, f.found) for f in findings] == [(SOFT, "自然人", 1, 2)]
    assert findings[0].message == "表三 自然人 列：上年结转 2，但上一年度报告结转下年度继续办理 1"
    assert check_report(tables={TABLE_B: small_table_b()}, previous={TABLE_B: last_year}) == []


def test_table_a_stock_must_follow_last_years_stock():
    last_year = tables_2021()[TABLE_A]
    this_year = copy.deepcopy(last_year)
    this_year[("normative_docs", "issued")] = 3
    this_year[("normative_docs", "repealed")] = 1
    this_year[("normative_docs", "in_force")] = 26
    [finding] = check_table_a_stock(this_year, last_year)
    assert (finding.severity, finding.row, finding.expected, finding.found) == (
        SOFT,
        "行政规范性文件",
        25,
        26,
    )
    assert (
        finding.message
        == "表二 行政规范性文件：上年现行有效 23 + 本年制发 3 − 本年废止 1 = 25，但现行有效件数 = 26"
    )
    this_year[("normative_docs", "in_force")] = 25
    assert check_table_a_stock(this_year, last_year) == []


def test_a_township_reporting_rules_gets_a_warning_for_each_nonzero_figure():
    table = tables_2021()[TABLE_A]
    assert check_township_rules(table) == []
    table[("rules", "issued")] = 2
    table[("rules", "in_force")] = 2
    findings = check_township_rules(table)
    assert [(f.severity, f.column, f.found) for f in findings] == [
        (SOFT, "本年制发件数", 2),
        (SOFT, "现行有效件数", 2),
    ]
    assert check_report(tables={TABLE_A: table}, township=False) == []
    assert len(check_report(tables={TABLE_A: table}, township=True)) == 2


def test_a_figure_quoted_in_the_text_must_equal_the_table():
    tables = tables_2021()
    text = "本年度共收到政府信息公开申请 24 件，结转下年度继续办理 2 件。发生行政诉讼 1 件。"
    [finding] = check_narrative_figures(text, tables)
    assert (finding.severity, finding.expected, finding.found) == (SOFT, 25, 24)
    assert "共收到政府信息公开申请 24 件" in finding.message
    assert "表三 一、本年新收政府信息公开申请数量 总计 = 25" in finding.message


def test_a_claim_that_all_cases_were_upheld_contradicts_a_pending_case():
    tables = tables_2021()
    [finding] = check_narrative_figures("行政复议案件均获维持。", {TABLE_C: tables[TABLE_C]})[:1]
    assert finding.check == "text_all_upheld"
    assert "尚未审结 = 1" in finding.message


def test_2019_labels_in_a_report_for_2022_are_an_obsolete_format_warning():
    [finding] = check_format_for_year(2022, "2019")
    assert finding.severity == SOFT
    assert "国办公开办函〔2021〕30号" in finding.message
    assert check_format_for_year(2020, "2019") == []
    assert check_format_for_year(2018, None) == []
    [citation] = check_format_for_year(2022, "2021", "根据国办公开办函〔2019〕60号编制")
    assert citation.check == "format_citation"


def test_warnings_alone_leave_a_report_consistent_unless_strict():
    warning = check_format_for_year(2022, "2019")
    assert is_consistent(warning)
    assert not is_consistent(warning, strict=True)
    assert is_consistent([])


def test_findings_serialise_to_json_friendly_dicts():
    table = Table.zeros(FORMAT_2021.table_a)
    table[("licensing", "decisions")] = Decimal("2.5")
    [finding] = check_cell_values(table)
    data = finding.to_dict()
    assert data["found"] == "2.5"
    assert data["table_title"] == "表二"
    assert set(data) == {
        "check",
        "severity",
        "table",
        "table_title",
        "row",
        "column",
        "expected",
        "found",
        "message",
        "assumption",
    }


def test_report_level_check_runs_hard_checks_on_every_table():
    tables = tables_2021()
    tables[TABLE_C][("admin_review", "total")] = 3
    findings = check_report(tables=tables, text="", year=2022, format_code="2021")
    assert [f.check for f in findings] == ["c_group_total"]
