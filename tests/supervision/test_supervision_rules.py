"""The self-check's rules, pure: facts and a date in, findings out."""

import datetime as dt

from gongkai.supervision import rules
from gongkai.supervision.rules import FAILING, WARNING, Facts

D = dt.date


def fresh(**fields) -> Facts:
    last = D(2026, 3, 1)
    base = {
        "organisation_id": 1,
        "last_item_on": last,
        "last_by_kind": {"news": last, "notice": last, "document": last},
    }
    return Facts(**{**base, **fields})


def only(findings, rule):
    return [(f.level, f.subject, f.fails_on) for f in findings if f.rule == rule]


def test_a_fresh_organisation_has_no_findings():
    assert rules.check(fresh(), D(2026, 3, 2)) == []


def test_the_news_column_warns_from_day_10_and_fails_on_day_14():
    facts = fresh(last_by_kind={"news": D(2026, 3, 1), "notice": D(2026, 3, 1), "document": D(2026, 3, 1)})
    assert only(rules.check(facts, D(2026, 3, 10)), "column_stale") == []
    assert only(rules.check(facts, D(2026, 3, 11)), "column_stale") == [(WARNING, "工作动态", D(2026, 3, 15))]
    assert only(rules.check(facts, D(2026, 3, 15)), "column_stale") == [(FAILING, "工作动态", D(2026, 3, 15))]


def test_notice_and_policy_columns_warn_in_month_5_and_fail_after_6_months():
    old = D(2025, 9, 1)
    facts = fresh(last_by_kind={"news": D(2026, 3, 1), "notice": old, "document": D(2026, 3, 1)})
    assert only(rules.check(facts, D(2026, 1, 31)), "column_stale") == []
    assert only(rules.check(facts, D(2026, 2, 1)), "column_stale") == [(WARNING, "通知公告", D(2026, 3, 1))]
    assert only(rules.check(facts, D(2026, 3, 1)), "column_stale") == [(FAILING, "通知公告", D(2026, 3, 1))]


def test_an_empty_column_fails_today():
    facts = fresh(last_by_kind={"news": D(2026, 3, 1), "notice": D(2026, 3, 1)})
    assert only(rules.check(facts, D(2026, 3, 2)), "column_empty") == [(FAILING, "政策文件", D(2026, 3, 2))]


def test_the_home_page_fails_after_14_days_without_an_item():
    facts = fresh(last_item_on=D(2026, 2, 1))
    assert only(rules.check(facts, D(2026, 2, 15)), "home_stale") == [(FAILING, "首页", D(2026, 2, 15))]


def test_a_question_past_its_due_date_warns_and_fails_after_three_months():
    facts = fresh(open_questions=[(7, "村道", D(2026, 1, 5), D(2026, 1, 12))])
    assert only(rules.check(facts, D(2026, 1, 12)), "question_overdue") == []
    assert only(rules.check(facts, D(2026, 1, 13)), "question_overdue") == [(WARNING, "村道", D(2026, 4, 5))]
    assert only(rules.check(facts, D(2026, 4, 6)), "question_unanswered") == [
        (FAILING, "村道", D(2026, 4, 5))
    ]


def test_a_silent_wechat_account_fails_after_14_days_and_none_is_not_checked():
    facts = fresh(has_wechat=True, last_wechat_on=D(2026, 2, 1))
    assert only(rules.check(facts, D(2026, 2, 11)), "wechat_silent") == [
        (WARNING, "微信公众号", D(2026, 2, 15))
    ]
    assert only(rules.check(facts, D(2026, 2, 15)), "wechat_silent") == [
        (FAILING, "微信公众号", D(2026, 2, 15))
    ]
    assert only(rules.check(fresh(), D(2026, 6, 1)), "wechat_silent") == []


def test_an_unpublished_item_warns_before_its_art_26_date_and_fails_after():
    facts = fresh(unpublished_items=[(3, "通知", D(2026, 3, 10))])
    assert only(rules.check(facts, D(2026, 3, 4)), "item_late") == []
    assert only(rules.check(facts, D(2026, 3, 5)), "item_late") == [(WARNING, "通知", D(2026, 3, 10))]
    assert only(rules.check(facts, D(2026, 3, 11)), "item_late") == [(FAILING, "通知", D(2026, 3, 10))]


def test_last_years_report_warns_in_january_and_fails_from_february():
    facts = fresh(report_year=2025)
    assert only(rules.check(facts, D(2026, 1, 31)), "report_unpublished") == [
        (WARNING, "2025年度报告", D(2026, 1, 31))
    ]
    assert only(rules.check(facts, D(2026, 2, 1)), "report_unpublished") == [
        (FAILING, "2025年度报告", D(2026, 1, 31))
    ]


def test_a_village_publishes_quarterly_and_its_finances_monthly():
    facts = Facts(
        organisation_id=2,
        is_village=True,
        last_item_on=D(2026, 1, 10),
        last_village_finance_on=D(2026, 1, 10),
    )
    found = rules.check(facts, D(2026, 3, 15))
    assert only(found, "village_stale") == [(WARNING, "村务公开", D(2026, 4, 10))]
    assert only(found, "village_finance_stale") == [(FAILING, "村级财务公开", D(2026, 2, 10))]
    assert only(rules.check(Facts(organisation_id=2, is_village=True), D(2026, 3, 15)), "column_empty") == [
        (FAILING, "村务公开", D(2026, 3, 15))
    ]


def test_failing_findings_come_first():
    facts = fresh(last_by_kind={"news": D(2026, 3, 1), "notice": D(2026, 3, 1)}, report_year=2025)
    levels = [f.level for f in rules.check(facts, D(2026, 1, 20))]
    assert levels == sorted(levels, key=lambda level: level != FAILING)


def test_a_key_work_stage_past_its_date_fails_on_that_date():
    facts = fresh(key_work_gaps=[(7, "道路工程：质量安全监督", D(2026, 2, 20))])
    assert only(rules.check(facts, D(2026, 3, 2)), "key_work_gap") == [
        (FAILING, "道路工程：质量安全监督", D(2026, 2, 20))
    ]
    assert rules.check(fresh(), D(2026, 3, 2)) == []
