"""Writes to annual reports: narrative, check, publish (who may, and when), external figures; and the 渠口乡 demo's
2018 and recent reports, built in every format and passed through `gongkai report check`."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from gongkai.audit.models import AuditEvent
from gongkai.catalog.models import Status
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Organisation
from gongkai.reports import render as report_render
from gongkai.reports import services
from gongkai.reports.compile import compile_report
from gongkai.reports.findings import HARD, is_consistent
from gongkai.reports.models import AnnualReport, ExternalFigures, ReportState
from gongkai.reports.narrative_sums import check_narrative_sums
from gongkai.reports.services import ReportError

pytestmark = pytest.mark.django_db

D = dt.date
# A "其中" list whose parts (3+4+4=11) exceed its total: the checker flags it (a "其中" list may name only some
# parts, so 3+4 alone would be consistent; its parts may never exceed the total).
BROKEN_SUM = "本年度共计 10 条，其中 公文 3 条，通知 4 条，其他 4 条。"


@pytest.fixture
def report(make, clerk, township):
    return services.report_create(actor=clerk, organisation=township, year=2021)


@pytest.fixture
def checked(report, clerk):
    services.report_check(actor=clerk, report=report)
    assert report.state == ReportState.CHECKED
    return report


def actions(report) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type__icontains="annualreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_broken_sum_is_one_the_checker_flags_and_a_partial_list_is_not():
    assert [f.message for f in check_narrative_sums(BROKEN_SUM)] == [
        "正文“本年度共计 10 条”：3+4+4=11，与总数10不符"
    ]
    assert check_narrative_sums("本年度共计 10 条，其中 公文 3 条，通知 4 条。") == []


def test_a_new_report_is_a_draft_and_creating_it_twice_returns_the_same_report(report, clerk, township):
    assert report.state == ReportState.DRAFT and report.pk
    assert services.report_create(actor=clerk, organisation=township, year=2021).pk == report.pk
    assert actions(report) == ["reports.create"]


def test_a_report_for_a_future_year_or_by_a_read_only_user_is_refused(make, clerk, county_viewer, township):
    with pytest.raises(ReportError, match="年度应在2008年至"):
        services.report_create(actor=clerk, organisation=township, year=dt.date.today().year + 1)
    with pytest.raises(ReportError, match="没有权限"):
        services.report_create(actor=county_viewer, organisation=township, year=2021)
    assert not AnnualReport.objects.exists()


def test_checking_a_consistent_report_makes_it_checked_and_stores_the_findings(report, clerk):
    findings = services.report_check(actor=clerk, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.CHECKED
    assert report.checked_at is not None
    assert is_consistent(findings)
    assert report.findings == [f.to_dict() for f in findings]
    assert actions(report)[-1] == "reports.check"


def test_a_report_with_a_hard_finding_stays_a_draft_with_the_finding_stored(report, clerk):
    services.report_save_narrative(actor=clerk, report=report, texts={"other": BROKEN_SUM})
    findings = services.report_check(actor=clerk, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    hard = [f for f in report.findings if f["severity"] == HARD]
    assert [(f["check"], f["expected"], f["found"]) for f in hard] == [("text_sum", 10, 11)]
    assert not is_consistent(findings)


def test_editing_the_narrative_sends_a_checked_report_back_to_draft(checked, clerk):
    services.report_save_narrative(
        actor=clerk,
        report=checked,
        texts={"overview": "本年度工作稳步推进。\r\n", "problems": "  村级公开不及时。 "},
    )
    checked.refresh_from_db()
    assert checked.state == ReportState.DRAFT and checked.findings == []
    assert checked.narrative == {"overview": "本年度工作稳步推进。", "problems": "村级公开不及时。"}
    assert actions(checked)[-1] == "reports.narrative_save"
    compiled = services.report_compile(checked)
    assert next(s for s in compiled.sections if s.key == "overview").text == "本年度工作稳步推进。"


def test_only_the_editable_sections_can_be_saved(report, clerk, county_viewer):
    with pytest.raises(ReportError, match="未知的报告部分：table_b"):
        services.report_save_narrative(actor=clerk, report=report, texts={"table_b": "1"})
    with pytest.raises(ReportError, match="没有权限"):
        services.report_save_narrative(actor=county_viewer, report=report, texts={"overview": "x"})
    report.refresh_from_db()
    assert report.narrative == {}


def test_a_report_cannot_be_published_before_it_is_checked(report, reviewer):
    with pytest.raises(ReportError, match="请先校验报告"):
        services.report_publish(actor=reviewer, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and report.disclosure is None


def test_a_clerk_cannot_publish_only_a_reviewer_or_admin_can(checked, clerk, admin, quick_render):
    with pytest.raises(ReportError, match="只有审核人或管理员可以发布年度报告"):
        services.report_publish(actor=clerk, report=checked)
    checked.refresh_from_db()
    assert checked.state == ReportState.CHECKED
    services.report_publish(actor=admin, report=checked)
    assert checked.state == ReportState.PUBLISHED


def test_a_hard_finding_that_appears_after_the_check_stops_the_publication(checked, reviewer):
    # The text changed behind the check's back (say, a concurrent save): publishing checks again.
    AnnualReport.objects.filter(pk=checked.pk).update(narrative={"other": BROKEN_SUM})
    checked.refresh_from_db()
    assert checked.state == ReportState.CHECKED
    with pytest.raises(ReportError, match="3\\+4\\+4=11，与总数10不符"):
        services.report_publish(actor=reviewer, report=checked)
    checked.refresh_from_db()
    assert checked.state == ReportState.CHECKED and checked.disclosure is None


def test_publishing_creates_a_published_item_with_an_index_number_and_the_pdf_and_docx(
    make, township, clerk, reviewer
):
    make.apply(
        township,
        D(2021, 3, 1),
        make.person(1),
        "渠口乡2020年低保资金发放明细",
        ("decide", D(2021, 3, 9), "granted"),
    )
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    services.report_publish(actor=reviewer, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.published_at is not None
    item = report.disclosure
    assert item.status == Status.PUBLISHED and item.index_no
    assert (
        item.title == "渠口乡人民政府2021年政府信息公开工作年度报告"
    )  # the portal's 年报 column finds it by title
    assert item.organisation == township
    assert sorted(a.original_name for a in item.attachments.all()) == [
        "渠口乡人民政府2021年政府信息公开工作年度报告.docx",
        "渠口乡人民政府2021年政府信息公开工作年度报告.pdf",
    ]
    pdf = item.attachments.get(file_type="pdf").file.read()
    assert pdf.startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(item.attachments.get(file_type="docx").file.read())) as docx:
        assert "三、收到和处理政府信息公开申请情况" in docx.read("word/document.xml").decode()
    snapshot = report.snapshot
    assert snapshot["year"] == 2021 and snapshot["format"] == "2021"
    cells = {(c["row"], c["column"]): c["value"] for c in snapshot["tables"]["B"]["cells"]}
    assert cells[("received", "natural_person")] == "1" and cells[("granted", "total")] == "1"
    assert len(cells) == 175 and len(snapshot["tables"]["C"]["cells"]) == 15
    assert actions(report) == ["reports.create", "reports.check", "reports.publish"]
    item_actions = set(
        AuditEvent.objects.filter(object_id=str(item.pk), action__startswith="catalog.").values_list(
            "action", flat=True
        )
    )
    assert {"catalog.disclosure_create", "catalog.disclosure_published"} <= item_actions


def test_the_snapshot_keeps_the_published_figures_when_the_records_change_later(
    make, township, clerk, reviewer, quick_render
):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    services.report_publish(actor=reviewer, report=report)
    make.apply(
        township, D(2021, 6, 1), make.person(2), "迟到登记的申请", ("decide", D(2021, 6, 9), "granted")
    )
    report.refresh_from_db()
    cells = {(c["row"], c["column"]): c["value"] for c in report.snapshot["tables"]["B"]["cells"]}
    assert cells[("received", "total")] == "0"
    assert compile_report(township, 2021).tables["B"][("received", "total")] == 1  # the records have moved on
    assert services.report_compile(report).tables["B"][("received", "total")] == 0  # the report has not


def test_a_published_report_can_be_neither_edited_nor_checked_nor_published_again(
    checked, reviewer, clerk, quick_render
):
    services.report_publish(actor=reviewer, report=checked)
    with pytest.raises(ReportError, match="年度报告已发布，不能再修改"):
        services.report_save_narrative(actor=clerk, report=checked, texts={"overview": "改写"})
    with pytest.raises(ReportError, match="年度报告已发布"):
        services.report_check(actor=clerk, report=checked)
    with pytest.raises(ReportError, match="请先校验报告"):
        services.report_publish(actor=reviewer, report=checked)
    checked.refresh_from_db()
    assert checked.state == ReportState.PUBLISHED and "overview" not in checked.narrative


def test_external_figures_need_a_source_note_and_a_clerk_of_the_organisation(
    make, township, clerk, other_township_staff
):
    figures = ExternalFigures(organisation=township, year=2021, licensing_decisions=7, source_note="  ")
    with pytest.raises(ReportError, match="请填写数据来源说明") as raised:
        services.external_figures_save(actor=clerk, figures=figures)
    assert raised.value.field == "source_note"
    figures.source_note = "县行政审批服务局业务系统导出"
    with pytest.raises(DomainError, match="没有权限"):
        services.external_figures_save(actor=other_township_staff, figures=figures)
    services.external_figures_save(actor=clerk, figures=figures)
    assert compile_report(township, 2021).tables["A"][("licensing", "decisions")] == 7
    assert AuditEvent.objects.filter(action="reports.external_figures_save").count() == 1
    assert ExternalFigures.objects.get().admin_fees_wan == Decimal(0)


# ---- the 渠口乡 demo ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def qukou_demo(demo_database, django_db_blocker):
    """The demo (built once per run by tests/conftest.py) in the database for this class only."""
    with django_db_blocker.unblock(), demo_database.loaded():
        yield


@pytest.fixture
def qukou(qukou_demo, db):
    return Organisation.objects.get(code="qukou")


def check_file(path) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("report", "check", str(path), "--format", "json", stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def built_reports_pass_the_checker(compiled, tmp_path, formats=("html", "docx", "pdf")):
    import json

    for output_format in formats:
        path = tmp_path / f"report.{output_format}"
        path.write_bytes(report_render.render(compiled, output_format))
        code, output = check_file(path)
        data = json.loads(output)
        assert (code, data["findings"]) == (0, []), (output_format, output)
        yield output_format, data


class TestTheQukouDemo:
    def test_the_2018_report_reproduces_the_published_figures(self, qukou):
        report = compile_report(qukou, 2018)
        figures = report.figures
        assert figures["items_distinct"] == 506
        assert figures["documents_issued"] == 120
        website = tuple(
            figures[k] for k in ("website_document", "website_notice", "website_news", "website_other")
        )
        assert (figures["website"], website) == (144, (30, 38, 68, 8))
        assert figures["website_documents_issued"] == 10  # 144 − 10 = the published 134
        assert (figures["wechat"], figures["boards"]) == (112, 140)
        assert (figures["staff_total"], figures["staff_full_time"], figures["staff_part_time"]) == (15, 14, 1)
        assert figures["funding_wan"] == Decimal("2.21")
        assert (figures["applications_received"], figures["complaints"]) == (0, 0)
        proactive = next(s for s in report.sections if s.key == "proactive").text
        assert (
            "在政府信息公开网上公开信息共计144条：公文30条，通知公告38条，工作动态68条，其他8条" in proactive
        )
        assert "投入政务公开专项经费2.21万元" in next(s for s in report.sections if s.key == "staffing").text

    def test_the_built_2018_report_passes_the_checker_in_every_format(self, qukou, tmp_path):
        compiled = compile_report(qukou, 2018)
        checked = dict(built_reports_pass_the_checker(compiled, tmp_path))
        assert set(checked) == {"html", "docx", "pdf"}
        assert checked["html"]["format"] is None and checked["html"]["tables_found"] == []

    def test_a_recent_2021_format_report_of_the_demo_has_applications_and_passes_the_checker(
        self, qukou, tmp_path
    ):
        compiled = compile_report(qukou, 2024)
        b = compiled.tables["B"]
        # 2024: four cases received and decided in the year (one abandoned after a fee notice went unpaid).
        assert (b[("received", "total")], b[("carried_in", "total")]) == (4, 0)
        assert (b[("total", "total")], b[("carried_out", "total")]) == (4, 0)
        assert (b[("granted", "total")], b[("partly_granted", "total")]) == (1, 1)
        assert b[("refuse_prohibited_by_law", "natural_person")] == 1
        assert b[("other_fee_unpaid", "business")] == 1
        assert next(s for s in compiled.sections if s.key == "other").text.startswith(
            "本年度收取信息处理费1700"
        )
        assert not [f for f in services.report_findings(compiled) if f.severity == HARD]
        for output_format, data in built_reports_pass_the_checker(compiled, tmp_path, ("html", "pdf")):
            assert data["format"] == "2021", output_format
            assert data["tables_found"] == ["表二", "表三", "表四"], output_format
