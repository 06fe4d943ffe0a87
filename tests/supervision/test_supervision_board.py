"""The self-check on real records, the county board with the records behind each figure, 考核 and its XLSX."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from openpyxl import load_workbook

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Membership, Role
from gongkai.participation import services as participation_services
from gongkai.supervision import queries, scoring, services
from gongkai.supervision.models import IndicatorWeight

pytestmark = pytest.mark.today("2026-03-02")
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def records(township, other_township, village, publish, register):
    """渠口乡: its 工作动态 last updated on 1 Feb (stale), an overdue application, a 留言 past its due date and a
    village silent since October; 通伏乡: every column fresh."""
    publish(township, "渠口乡召开春耕动员会", kind="news", published_on=dt.date(2026, 2, 1))
    publish(township, "关于春季防火的通知", kind="notice", published_on=dt.date(2026, 2, 27))
    publish(township, "渠口乡人民政府关于春耕的通知", kind="document", published_on=dt.date(2026, 2, 27))
    publish(village, "渠口村2025年10月村级财务收支公开", kind="other", published_on=dt.date(2025, 10, 20))
    for kind in ("news", "notice", "document"):
        publish(other_township, f"通伏乡{kind}", kind=kind, published_on=dt.date(2026, 2, 27))
    application = register(township, dt.date(2026, 1, 5))
    question = participation_services.question_submit(
        organisation=township, subject="村道硬化", body="何时？", today=dt.date(2026, 2, 2)
    )
    return {"application": application, "question": question}


def rules_of(findings, level="failing"):
    return sorted((f.rule, f.subject) for f in findings if f.level == level)


def test_the_township_self_check_names_the_stale_column_the_application_and_the_question(township, records):
    findings = queries.self_check(township, today=TODAY)
    assert rules_of(findings) == [
        ("application_due", records["application"].case_number),
        ("column_stale", "工作动态"),
        ("report_unpublished", "2025年度报告"),
    ]
    assert ("question_overdue", "村道硬化") in rules_of(findings, "warning")
    [stale] = [f for f in findings if f.rule == "column_stale"]
    assert stale.fails_on == dt.date(2026, 2, 15)


def test_the_village_is_checked_for_its_quarterly_and_monthly_postings(village, records):
    assert rules_of(queries.self_check(village, today=TODAY)) == [
        ("village_finance_stale", "村级财务公开"),
        ("village_stale", "村务公开"),
    ]


def test_a_missing_attachment_file_is_found(township, records, publish, clerk, settings, tmp_path):
    from django.core.files.base import ContentFile

    from gongkai.catalog.models import Attachment

    item = publish(township, "带附件的通知", kind="notice", published_on=dt.date(2026, 3, 2))
    attachment = Attachment(disclosure=item, original_name="名单.pdf", file_type="pdf", size=3)
    attachment.file.save("list.pdf", ContentFile(b"pdf"), save=True)
    assert not [f for f in queries.self_check(township, today=TODAY) if f.rule == "attachment_missing"]
    attachment.file.storage.delete(attachment.file.name)
    [missing] = [f for f in queries.self_check(township, today=TODAY) if f.rule == "attachment_missing"]
    assert missing.subject == "带附件的通知：名单.pdf" and missing.object_id == item.pk


def test_broken_links_found_by_the_checker_are_findings(township, publish, settings):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class NotFound(BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802
            self.send_response(404 if "gone" in self.path else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.SITE_URL = f"http://127.0.0.1:{server.server_address[1]}/"
        item = publish(
            township, "有链接的通知", kind="notice", body='<a href="/gone">附件</a><a href="/here">在</a>'
        )
        assert services.links_check(organisation=township, today=TODAY) == (2, 1)
        [broken] = [f for f in queries.self_check(township, today=TODAY) if f.rule == "broken_link"]
        assert broken.object_id == item.pk and broken.subject.endswith("/gone")
    finally:
        server.shutdown()
        server.server_close()


# ---- the board ----------------------------------------------------------------------------------------------------


def test_the_county_viewer_sees_each_township_with_its_figures(
    login, county_viewer, township, other_township, records
):
    response = login(county_viewer).get("/office/supervision/")
    assert response.status_code == 200
    rows = {row.organisation.code: row for row in response.context["rows"]}
    assert set(rows) == {"qukou", "tongfu-xiang"}
    assert rows["qukou"].figures == {
        "overdue_applications": 1,
        "late_items": 0,
        "stale_columns": 3,  # 工作动态, and the village's quarter and finance month
        "overdue_questions": 1,
        "key_work_gaps": 0,
    }
    assert rows["tongfu-xiang"].figures == dict.fromkeys(queries.FIGURES, 0)
    page = response.content.decode()
    assert f"/office/supervision/org/{township.pk}/stale_columns/" in page


def test_each_figure_leads_to_the_records_it_counts(login, county_viewer, township, records):
    client = login(county_viewer)
    page = client.get(f"/office/supervision/org/{township.pk}/overdue_applications/").content.decode()
    assert records["application"].case_number in page
    assert f"/office/applications/{records['application'].pk}/" in page
    page = client.get(f"/office/supervision/org/{township.pk}/stale_columns/").content.decode()
    assert "工作动态" in page and "2026-02-15" in page
    page = client.get(f"/office/supervision/org/{township.pk}/overdue_questions/").content.decode()
    assert f"/office/participation/questions/{records['question'].pk}/" in page


def test_a_report_published_after_31_january_stays_late(township, records):
    from gongkai.reports.models import AnnualReport, ReportState

    AnnualReport.objects.create(
        organisation=township,
        year=2025,
        state=ReportState.PUBLISHED,
        published_at=dt.datetime(2026, 2, 10, 2, tzinfo=dt.UTC),
    )
    status = queries.report_status(township, today=TODAY)
    assert (status.year, status.published_on, status.late) == (2025, dt.date(2026, 2, 10), True)


def test_a_one_person_office_without_separation_of_duties_is_shown(login, county_viewer, township, records):
    township.separate_review_duties = False
    township.save(update_fields=["separate_review_duties"])
    page = login(county_viewer).get("/office/supervision/").content.decode()
    assert "已关闭" in page


def test_anonymous_is_sent_to_the_login(client, township):
    for url in (
        "/office/supervision/",
        f"/office/supervision/org/{township.pk}/late_items/",
        "/office/supervision/self-check/",
        "/office/supervision/assessment/",
    ):
        assert client.get(url)["Location"].startswith("/office/login/")


def test_staff_of_another_township_cannot_open_this_townships_figures(login, other_township_staff, township):
    client = login(other_township_staff)
    assert client.get(f"/office/supervision/org/{township.pk}/late_items/").status_code == 404
    assert client.get(f"/office/supervision/self-check/?org={township.pk}").status_code == 404
    rows = client.get("/office/supervision/").context["rows"]
    assert [row.organisation.code for row in rows] == ["tongfu-xiang"]


def test_the_board_refuses_post(login, county_viewer):
    assert login(county_viewer).post("/office/supervision/").status_code == 405


def test_an_unknown_figure_is_404(login, county_viewer, township):
    assert login(county_viewer).get(f"/office/supervision/org/{township.pk}/nothing/").status_code == 404


def test_the_self_check_page_lists_each_organisations_findings(login, clerk, township, records):
    page = login(clerk).get("/office/supervision/self-check/").content.decode()
    assert "栏目不更新" in page and "工作动态" in page and "村级财务未按月公开" in page


# ---- 考核 ----------------------------------------------------------------------------------------------------------


def test_each_score_is_100_minus_its_traced_deductions(county, township, records):
    [qukou, tongfu] = scoring.scores(county, year=2026, quarter=1, today=TODAY)
    traced = sorted((d.indicator.code, d.record.label, d.points) for d in qukou.deductions)
    assert traced == [
        ("application_overdue", records["application"].case_number, 2),
        ("column_failing", "栏目不更新：工作动态", 5),
        ("question_overdue", "村道硬化", 1),
        ("report_late", "2025年度报告（尚未发布）", 10),
        ("village_finance", "2026年01月无财务公开", 1),
        ("village_finance", "2026年02月无财务公开", 1),
    ]
    assert qukou.score == Decimal(100) - sum(d.points for d in qukou.deductions) == Decimal(80)
    assert tongfu.score == Decimal(90)  # its 2025 report is not published either


def test_a_cap_stops_the_deductions_and_the_capped_records_are_still_listed(county, township, records):
    IndicatorWeight.objects.create(organisation=county, indicator="village_finance", points=1, cap=1)
    [qukou, _] = scoring.scores(county, year=2026, quarter=1, today=TODAY)
    finance = [d for d in qukou.deductions if d.indicator.code == "village_finance"]
    assert [d.points for d in finance] == [1, 0] and finance[-1].capped


def test_a_village_quarter_without_any_item_is_deducted_once_the_quarter_is_over(county, township, records):
    [qukou, _] = scoring.scores(county, year=2025, quarter=None, today=TODAY)
    quarters = [d.record.label for d in qukou.deductions if d.indicator.code == "village_quarter"]
    assert quarters == ["2025年第1季度无村务公开", "2025年第2季度无村务公开", "2025年第3季度无村务公开"]


def test_the_xlsx_opens_and_each_score_is_the_sum_of_its_listed_deductions(
    login, county_viewer, township, records
):
    response = login(county_viewer).get("/office/supervision/assessment/?year=2026&quarter=1&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    scores = {row[0]: row[2] for row in book["得分"].iter_rows(min_row=2, values_only=True)}
    deducted = {}
    for row in book["扣分明细"].iter_rows(min_row=2, values_only=True):
        deducted[row[0]] = deducted.get(row[0], 0) + row[9]
    assert scores == {"渠口乡": 80, "通伏乡": 90}
    assert all(scores[name] == 100 - deducted.get(name, 0) for name in scores)
    traced = [
        row for row in book["扣分明细"].iter_rows(min_row=2, values_only=True) if row[7] == "application"
    ]
    assert traced[0][8] == records["application"].pk


@pytest.fixture
def county_admin(county, django_user_model):
    user = django_user_model.objects.create_user(username="county_admin", password="x-Long-pass-123")
    Membership.objects.create(user=user, organisation=county, role=Role.ADMIN)
    return user


def test_the_county_admin_sets_a_weight_and_it_is_audited(login, county_admin, county):
    response = login(county_admin).post(
        "/office/supervision/assessment/weights/", {"indicator": "item_late", "points": "2", "cap": "8"}
    )
    assert response.status_code == 302
    weight = IndicatorWeight.objects.get(organisation=county, indicator="item_late")
    assert (weight.points, weight.cap) == (2, 8)
    assert AuditEvent.objects.filter(action="supervision.weight_set").exists()


def test_a_township_admin_cannot_set_weights(login, admin, township):
    response = login(admin).post(
        "/office/supervision/assessment/weights/", {"indicator": "item_late", "points": "0", "cap": "0"}
    )
    assert response.status_code == 302  # a township is not a 考核 body: refused with a message
    assert not IndicatorWeight.objects.exists()
    with pytest.raises(DomainError, match="县级"):
        services.weight_set(
            organisation=township, actor=admin, indicator="item_late", points=Decimal(0), cap=Decimal(0)
        )


def test_the_county_viewer_cannot_set_weights(login, county_viewer):
    response = login(county_viewer).post(
        "/office/supervision/assessment/weights/", {"indicator": "item_late", "points": "0", "cap": "0"}
    )
    assert response.status_code == 403


def test_a_cap_below_the_points_is_refused(county_admin, county):
    with pytest.raises(DomainError, match="上限"):
        services.weight_set(
            organisation=county, actor=county_admin, indicator="item_late", points=Decimal(3), cap=Decimal(1)
        )


# ---- the daily job and the weekly digest ---------------------------------------------------------------------------


def test_the_daily_job_prints_the_findings_and_the_digest_mails_the_staff(township, records, clerk):
    clerk.email = "clerk@qukou.gov.cn"
    clerk.save(update_fields=["email"])
    out = io.StringIO()
    call_command("self_check", "--org", "qukou", "--digest", stdout=out)
    text = out.getvalue()
    assert "qukou\t3 failing\t1 warning" in text and "栏目不更新：工作动态（2026-02-15）" in text
    [message] = mail.outbox
    assert message.to == ["clerk@qukou.gov.cn"] and "工作动态" in message.body


def test_the_office_dashboard_summarises_the_self_check(login, clerk, township, records):
    page = login(clerk).get("/office/").content.decode()
    assert "政务公开自查：未通过3项，预警1项。" in page and "/office/supervision/self-check/" in page
