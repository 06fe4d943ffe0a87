"""The report formats as data: cell counts, stable codes and exact labels."""

from decimal import Decimal

import glossary
import pytest

from gongkai.reports.tables import (
    B_COLUMNS,
    FORMAT_2019,
    FORMAT_2021,
    TABLE_B_2021,
    Table,
    cell_label,
    format_for_year,
    result_rows,
)


def test_the_2021_format_has_200_numeric_cells():
    assert len(FORMAT_2021.table_a.cells) == 10
    assert len(FORMAT_2021.table_b.cells) == 175
    assert len(FORMAT_2021.table_c.cells) == 15
    assert FORMAT_2021.cell_count == 200


def test_the_2019_trial_format_has_22_table_a_cells_and_161_table_b_cells():
    assert len(FORMAT_2019.table_a.cells) == 22
    assert len(FORMAT_2019.table_b.cells) == 161
    assert [r.label for r in FORMAT_2019.table_a.rows][1] == "规范性文件"
    assert FORMAT_2019.table_b.row("other_handling").label == "（六）其他处理"


def test_table_b_rows_carry_the_glossary_codes_and_the_printed_labels_in_the_printed_order():
    expected = [(row.code, row.label, row.group) for row in glossary.table_b_rows()]
    assert [(r.code, r.label, r.group) for r in TABLE_B_2021.rows] == expected
    assert [(c.code, c.label, c.group) for c in B_COLUMNS] == [
        (c.code, c.label, c.group) for c in glossary.table_b_columns()
    ]
    assert result_rows(TABLE_B_2021) == tuple(row.code for row in glossary.decision_rows())


def test_the_2019_table_b_has_the_same_rows_but_one_other_handling_row():
    rows_2021 = [r.code for r in TABLE_B_2021.rows]
    rows_2019 = [r.code for r in FORMAT_2019.table_b.rows]
    assert rows_2019 == [
        *rows_2021[: rows_2021.index("other_no_correction")],
        "other_handling",
        "total",
        "carried_out",
    ]
    assert FORMAT_2019.table_b.row("other_handling").group == glossary.RESULTS


def test_labels_are_the_exact_labels_of_the_format():
    assert TABLE_B_2021.row("refuse_security_stability").label == "3.危及“三安全一稳定”"
    assert TABLE_B_2021.row("other_no_correction").label == (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    )
    assert FORMAT_2021.table_a.column("fee_amount_wan").label == "本年收费金额（单位：万元）"
    assert cell_label(TABLE_B_2021, ("refuse_third_party", "total")) == ("（三）4.保护第三方合法权益", "总计")
    assert cell_label(FORMAT_2021.table_c, ("direct", "pending")) == (
        "行政诉讼（未经复议直接起诉）",
        "尚未审结",
    )


def test_table_c_cells_run_review_then_direct_then_after_review_litigation():
    cells = FORMAT_2021.table_c.cells
    assert cells[0] == ("admin_review", "upheld")
    assert cells[4] == ("admin_review", "total")
    assert cells[5] == ("direct", "upheld")
    assert cells[14] == ("after_review", "total")


def test_a_new_table_is_blank_not_zero():
    table = Table(FORMAT_2021.table_b)
    assert table[("received", "total")] is None
    assert len(table.blank_cells) == 175
    assert Table.zeros(FORMAT_2021.table_a)[("admin_fees", "fee_amount_wan")] == Decimal(0)


def test_a_table_refuses_cells_its_format_does_not_have():
    with pytest.raises(KeyError):
        Table(FORMAT_2021.table_a, {("licensing", "issued"): 1})
    with pytest.raises(KeyError):
        Table(FORMAT_2021.table_b, {("other_handling", "total"): 1})
    with pytest.raises(ValueError):
        Table.from_rows(FORMAT_2021.table_a, {"rules": [1, 2]})


@pytest.mark.parametrize(
    ("year", "code"),
    [(2018, None), (2019, "2019"), (2020, "2019"), (2021, "2021"), (2030, "2021")],
)
def test_the_year_decides_the_format(year, code):
    fmt = format_for_year(year)
    assert (fmt.code if fmt else None) == code
