import glossary

from gongkai.applications.decisions import (
    APPLICANT_CHOICES,
    APPLICANT_CODES,
    APPLICANT_COLUMNS,
    DECISION_CHOICES,
    DECISION_CODES,
    DECISION_TYPES,
    decision,
    decision_by_label,
    decisions_in_group,
)


def test_there_are_exactly_the_twenty_one_leaf_result_rows_of_table_b_in_printed_order():
    assert list(DECISION_CODES) == [row.code for row in glossary.decision_rows()]
    assert len(DECISION_TYPES) == 21


def test_every_decision_label_and_group_is_the_reference_text():
    # A numbered sub-row sits under its group's header; （一） and （二） are rows of their own.
    expected = [(row.code, row.label, row.group) for row in glossary.decision_rows()]
    actual = [
        (d.code, d.label, glossary.RESULTS if d.label.startswith("（") else d.group.label)
        for d in DECISION_TYPES
    ]
    assert actual == expected


def test_the_groups_have_one_one_eight_three_five_and_three_rows():
    sizes = [
        len(decisions_in_group(g))
        for g in ("granted", "partly_granted", "refused", "unable", "not_handled", "other")
    ]
    assert sizes == [1, 1, 8, 3, 5, 3]


def test_labels_are_exactly_those_printed_in_the_annual_report_format():
    assert decision("granted").label == "（一）予以公开"
    assert decision("partly_granted").label == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert decision("refuse_security_stability").label == "3.危及“三安全一稳定”"
    assert decision("refuse_admin_query").label == "8.属于行政查询事项"
    assert decision("not_handled_reissue").label == "5.要求行政机关确认或重新出具已获取信息"
    assert (
        decision("other_no_correction").label
        == "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    )
    assert (
        decision("other_fee_unpaid").label
        == "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    )
    assert decision("refuse_state_secret").group.label == "（三）不予公开"


def test_each_decision_cites_its_article():
    assert decision("refuse_state_secret").article == "第十四条"
    assert decision("refuse_third_party").article == "第十五条"
    assert decision("refuse_process_info").article == "第十六条"
    assert decision("refuse_admin_query").article == "第三十六条第（七）项"
    assert decision("unable_needs_creation").article == "第三十八条"
    assert decision("not_handled_excessive").article == "第三十五条"
    assert decision("other_no_correction").article == "第三十条"
    assert decision("not_handled_reissue").article == ""


def test_numbers_and_display_labels_read_naturally():
    assert decision("granted").number == "（一）"
    assert decision("refuse_state_secret").number == "（三）1"
    assert decision("other_misc").number == "（六）3"
    assert decision("partly_granted").display == "部分公开"
    assert decision("unable_not_held").display == "无法提供：本机关不掌握相关政府信息"
    assert ("refuse_state_secret", "不予公开：属于国家秘密") in DECISION_CHOICES


def test_a_label_printed_with_a_comma_is_read_as_the_same_row():
    label = "1.申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请"
    assert decision_by_label(label).code == "other_no_correction"
    assert decision_by_label("1.属于国家秘密", "（三）不予公开").code == "refuse_state_secret"
    assert decision_by_label("1.属于国家秘密", "（四）无法提供") is None


def test_the_applicant_columns_are_the_six_of_table_b_without_a_subtotal():
    expected = glossary.applicant_columns()
    assert list(APPLICANT_CODES) == [c.code for c in expected]
    assert [c.label for c in APPLICANT_COLUMNS] == [c.label for c in expected]
    assert [c.is_organisation for c in APPLICANT_COLUMNS] == [c.group == "法人或其他组织" for c in expected]
    assert len(APPLICANT_COLUMNS) == 6
    assert dict(APPLICANT_CHOICES)["other_org"] == "法人或其他组织（其他）"
