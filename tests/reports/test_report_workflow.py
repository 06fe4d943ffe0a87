"""The report workflow, guarded: every state change through one transition service (TRANSITIONS, compare-and-set,
one ReportEvent and one audit row); a stale or illegal change is refused; rendering happens before the write
transaction; a save writes only the fields it changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.audit.models import AuditEvent
from gongkai.audit.writes import save_audited
from gongkai.catalog import services as catalog_services
from gongkai.catalog.models import Disclosure
from gongkai.reports import publishing, render, services
from gongkai.reports.models import (
    TRANSITIONS,
    AnnualReport,
    ExternalFigures,
    ReportAction,
    ReportEvent,
    ReportState,
)
from gongkai.reports.services import ReportError

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(clerk, township):
    return services.report_create(actor=clerk, organisation=township, year=2021)


def events(report) -> list[tuple[str, str, str]]:
    return list(
        ReportEvent.objects.filter(report=report)
        .order_by("id")
        .values_list("action", "from_state", "to_state")
    )


def audit_actions(report) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="reports.annualreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_transition_table_has_publishing_as_its_only_way_out_and_nothing_after_it():
    expected = {
        ReportState.DRAFT: {ReportState.DRAFT, ReportState.CHECKED},
        ReportState.CHECKED: {ReportState.CHECKED, ReportState.DRAFT, ReportState.PUBLISHED},
        ReportState.PUBLISHED: set(),
    }
    assert expected == TRANSITIONS


def test_each_step_writes_exactly_one_event_and_one_audit_row(report, clerk, reviewer, quick_render):
    services.report_save_narrative(actor=clerk, report=report, texts={"overview": "本年度工作稳步推进。"})
    services.report_check(actor=clerk, report=report)
    services.report_save_narrative(actor=clerk, report=report, texts={"problems": "村级公开不及时。"})
    services.report_check(actor=clerk, report=report)
    services.report_publish(actor=reviewer, report=report)
    assert events(report) == [
        (ReportAction.CREATE, "", ReportState.DRAFT),
        (ReportAction.NARRATIVE_SAVE, ReportState.DRAFT, ReportState.DRAFT),
        (ReportAction.CHECK, ReportState.DRAFT, ReportState.CHECKED),
        (ReportAction.NARRATIVE_SAVE, ReportState.CHECKED, ReportState.DRAFT),
        (ReportAction.CHECK, ReportState.DRAFT, ReportState.CHECKED),
        (ReportAction.PUBLISH, ReportState.CHECKED, ReportState.PUBLISHED),
    ]
    assert audit_actions(report) == [
        "reports.create",
        "reports.narrative_save",
        "reports.check",
        "reports.narrative_save",
        "reports.check",
        "reports.publish",
    ]
    publish = AuditEvent.objects.get(action="reports.publish")
    assert publish.before["state"] == "checked" and publish.after["state"] == "published"
    assert ReportEvent.objects.filter(report=report).order_by("id").last().actor == reviewer


def test_a_failed_check_is_recorded_as_a_step_back_to_draft(report, clerk):
    services.report_check(actor=clerk, report=report)
    AnnualReport.objects.filter(pk=report.pk).update(
        narrative={"other": "本年度共计 10 条，其中 公文 3 条，通知 4 条，其他 4 条。"}
    )
    report.refresh_from_db()
    services.report_check(actor=clerk, report=report)
    last = ReportEvent.objects.filter(report=report).order_by("id").last()
    assert (last.from_state, last.to_state, last.comment) == ("checked", "draft", "发现 1 处错误")


def test_an_illegal_transition_is_refused_and_writes_nothing(report, clerk):
    before = (len(events(report)), len(audit_actions(report)))
    with pytest.raises(ReportError, match="年度报告不能从“草稿”变为“已发布”"):
        services._transition(
            report=report, actor=clerk, to=ReportState.PUBLISHED, action=ReportAction.PUBLISH
        )
    AnnualReport.objects.filter(pk=report.pk).update(state=ReportState.PUBLISHED)
    report.refresh_from_db()
    for to in (ReportState.DRAFT, ReportState.CHECKED, ReportState.PUBLISHED):
        with pytest.raises(ReportError, match="年度报告不能从“已发布”变为"):
            services._transition(report=report, actor=clerk, to=to, action=ReportAction.CHECK)
    assert (len(events(report)), len(audit_actions(report))) == before


def test_a_stale_report_cannot_be_saved_over_a_change_of_state(report, clerk):
    stale = AnnualReport.objects.get(pk=report.pk)  # a second page, opened while the report was a draft
    services.report_check(actor=clerk, report=report)
    before = (len(events(report)), len(audit_actions(report)))
    with pytest.raises(ReportError, match="状态已被他人更改"):
        services.report_save_narrative(actor=clerk, report=stale, texts={"overview": "旧页面上的修改"})
    report.refresh_from_db()
    assert report.state == ReportState.CHECKED and "overview" not in report.narrative
    assert (len(events(report)), len(audit_actions(report))) == before


def test_a_report_published_meanwhile_is_not_published_twice(report, clerk, reviewer, admin, quick_render):
    services.report_check(actor=clerk, report=report)
    first, second = AnnualReport.objects.get(pk=report.pk), AnnualReport.objects.get(pk=report.pk)
    services.report_publish(actor=reviewer, report=first)
    with pytest.raises(ReportError, match="状态已被他人更改"):
        services.report_publish(actor=admin, report=second)  # read as 已校验 before the first publication
    assert Disclosure.objects.count() == 1  # the second item was rolled back with its transition
    assert [e[0] for e in events(report)].count(ReportAction.PUBLISH) == 1
    assert audit_actions(report).count("reports.publish") == 1


def test_saving_one_section_keeps_a_section_saved_meanwhile(report, clerk):
    stale = AnnualReport.objects.get(pk=report.pk)
    services.report_save_narrative(actor=clerk, report=report, texts={"problems": "村级公开不及时。"})
    services.report_save_narrative(actor=clerk, report=stale, texts={"overview": "本年度工作稳步推进。"})
    report.refresh_from_db()
    assert report.narrative == {"problems": "村级公开不及时。", "overview": "本年度工作稳步推进。"}
    assert stale.narrative == report.narrative  # the service leaves the caller's object as stored


def test_the_pdf_and_docx_are_rendered_before_the_write_transaction(
    report, clerk, reviewer, quick_render, monkeypatch
):
    services.report_check(actor=clerk, report=report)
    outside = len(connection.atomic_blocks)  # the test's own transaction
    inside_a_transaction = []
    for name in ("to_pdf", "to_docx"):
        stand_in = getattr(render, name)

        def recording(compiled, stand_in=stand_in, name=name):
            inside_a_transaction.append((name, len(connection.atomic_blocks) > outside))
            return stand_in(compiled)

        monkeypatch.setattr(render, name, recording)
    # reading the text back out of the files (pypdf, python-docx) is slow too: it happens before as well
    for module in (publishing, catalog_services):
        reader = module.extract_text

        def reading(data, reader=reader):
            inside_a_transaction.append(("extract_text", len(connection.atomic_blocks) > outside))
            return reader(data)

        monkeypatch.setattr(module, "extract_text", reading)
    services.report_publish(actor=reviewer, report=report)
    assert inside_a_transaction == [
        ("to_pdf", False),
        ("to_docx", False),
        ("extract_text", False),
        ("extract_text", False),
    ]
    assert report.state == ReportState.PUBLISHED


# ---- core.services.save_audited writes only what changed -----------------------------------------------------


@pytest.fixture
def figures(clerk, township):
    return services.external_figures_save(
        actor=clerk,
        figures=ExternalFigures(
            organisation=township, year=2021, licensing_decisions=1, source_note="县局导出"
        ),
    )


def test_a_save_naming_its_fields_keeps_a_concurrent_change_to_another_field(figures, clerk):
    mine = ExternalFigures.objects.get(pk=figures.pk)
    ExternalFigures.objects.filter(pk=figures.pk).update(penalty_decisions=9)  # someone else, meanwhile
    mine.licensing_decisions = 7
    save_audited(
        actor=clerk, obj=mine, action="reports.external_figures_save", fields=["licensing_decisions"]
    )
    stored = ExternalFigures.objects.get(pk=figures.pk)
    assert (stored.licensing_decisions, stored.penalty_decisions) == (7, 9)
    assert mine.penalty_decisions == 9  # the caller's object now holds the row as stored
    audit = AuditEvent.objects.filter(action="reports.external_figures_save").order_by("id").last()
    assert (audit.before, audit.after) == ({"licensing_decisions": 1}, {"licensing_decisions": 7})


def test_a_save_without_named_fields_updates_only_the_columns_that_differ(figures, clerk):
    figures.compulsion_decisions = 3
    with CaptureQueriesContext(connection) as queries:
        save_audited(actor=clerk, obj=figures, action="reports.external_figures_save")
    [update] = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "external" in q["sql"]
    ]
    assert "compulsion_decisions" in update
    assert "licensing_decisions" not in update and "source_note" not in update
    assert ExternalFigures.objects.get(pk=figures.pk).compulsion_decisions == 3


def test_a_save_naming_an_unknown_field_is_a_programming_error(figures, clerk):
    with pytest.raises(ValueError, match="no field"):
        save_audited(actor=clerk, obj=figures, action="x", fields=["no_such_field"])
