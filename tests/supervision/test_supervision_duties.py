"""Separation of duties for the annual report (catalog.duties.report_conflict): whoever compiled a report does not
publish it, unless the organisation switched the rule off (a one-person office, shown on the county board)."""

import pytest

from gongkai.catalog import duties
from gongkai.reports import services
from gongkai.reports.models import ReportState
from gongkai.reports.services import ReportError


@pytest.fixture
def checked_by(township):
    def _checked(compiler):
        report = services.report_create(actor=compiler, organisation=township, year=2021)
        services.report_check(actor=compiler, report=report)
        return report

    return _checked


def test_the_compiler_may_not_publish_the_report(checked_by, reviewer):
    report = checked_by(reviewer)
    with pytest.raises(ReportError, match="职责分离"):
        services.report_publish(actor=reviewer, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.CHECKED


def test_another_reviewer_or_admin_publishes_it(checked_by, reviewer, admin):
    report = checked_by(reviewer)
    services.report_publish(actor=admin, report=report)
    assert report.state == ReportState.PUBLISHED


def test_whoever_saved_the_text_counts_as_a_compiler(checked_by, clerk, admin):
    report = checked_by(clerk)
    services.report_save_narrative(actor=admin, report=report, texts={"other": "本年度未收取信息处理费。"})
    services.report_check(actor=clerk, report=report)
    with pytest.raises(ReportError, match="职责分离"):
        services.report_publish(actor=admin, report=report)


def test_a_one_person_office_may_switch_the_rule_off(checked_by, township, admin):
    township.separate_review_duties = False
    township.save(update_fields=["separate_review_duties"])
    report = checked_by(admin)
    services.report_publish(actor=admin, report=report)
    assert report.state == ReportState.PUBLISHED


def test_the_rule_binds_people_only(township):
    assert duties.report_conflict(None, township, {1}) is None
