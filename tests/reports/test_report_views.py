"""The office pages of the annual report (/office/reports/…): each page's happy path, anonymous visitors, staff of
another township, wrong methods, read-only users; the county roll-up and the dashboard warning."""

import datetime as dt
import io
import json
import zipfile
from unittest import mock

import pytest
from django.urls import reverse

from gongkai.accounts.models import User
from gongkai.orgs.models import Membership, OrgKind, Role
from gongkai.orgs.services import org_insert
from gongkai.reports import queries, services
from gongkai.reports.models import AnnualReport, ExternalFigures, ReportState

pytestmark = pytest.mark.django_db

D = dt.date


def url(name, *args):
    return reverse(f"reports:{name}", args=args)


def staff_user(username, organisation, role):
    user = User.objects.create(username=username, display_name=username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def records(make, township, other_township):
    """2018: a news item and a notice on the website; 2021: an application by a person and one by a company (and
    one at the other township, which 渠口乡's report must not count)."""
    news = make.item(township, "渠口乡召开春季农田水利建设动员会", kind="news", published_on=D(2018, 3, 20))
    notice = make.item(township, "关于停水检修的通知", published_on=D(2018, 7, 16))
    mine = make.apply(
        township,
        D(2021, 3, 1),
        make.person(1),
        "渠口乡2020年低保资金发放明细",
        ("decide", D(2021, 3, 9), "granted"),
    )
    company = make.apply(
        township,
        D(2021, 4, 1),
        make.body(1, "business"),
        "渠口乡2020年农田水利工程中标结果",
        ("decide", D(2021, 4, 9), "granted"),
    )
    foreign = make.apply(other_township, D(2021, 5, 6), make.person(2), "通伏乡2020年道路工程预算")
    return {"news": news, "notice": notice, "mine": mine, "company": company, "foreign": foreign}


# ---- happy paths ---------------------------------------------------------------------------------------------


def test_the_index_lists_the_reports_and_creates_one_for_a_year(login, clerk, township, make):
    client = login(clerk)
    response = client.get(url("index"))
    assert response.status_code == 200
    assert "渠口乡人民政府的年度报告" in response.content.decode()
    assert "尚未编制年度报告" in response.content.decode()
    response = client.post(url("index"), {"year": "2021"})
    assert response.status_code == 302 and response["Location"] == url("detail", 2021)
    report = AnnualReport.objects.get()
    assert (report.organisation, report.year, report.state) == (township, 2021, ReportState.DRAFT)
    assert "2021年" in client.get(url("index")).content.decode()


def test_the_index_refuses_a_future_year_with_a_message(login, clerk, make):
    response = login(clerk).post(url("index"), {"year": str(dt.date.today().year + 1)})
    assert response.status_code == 200
    assert "年度应在2008年至" in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_the_detail_page_shows_the_tables_with_each_number_linked_to_its_records(login, clerk, records):
    response = login(clerk).get(url("detail", 2021))
    assert response.status_code == 200
    html = response.content.decode()
    assert "三、收到和处理政府信息公开申请情况" in html and "草稿" in html
    assert f'href="{url("trace", 2021)}?key=B:received:natural_person">1</a>' in html
    assert f'href="{url("trace", 2021)}?key=B:received:total">2</a>' in html
    assert 'name="section_overview"' in html  # the clerk can edit
    assert "发布到政府信息公开专栏" not in html  # a clerk may not publish, and it is not checked


def test_the_2018_detail_page_lists_the_free_style_figures_with_their_trace_links(login, clerk, records):
    html = login(clerk).get(url("detail", 2018)).content.decode()
    assert f'href="{url("trace", 2018)}?key=website_news"' in html
    assert "在政府信息公开网上公开信息共计2条：公文0条，通知公告1条，工作动态1条，其他0条" in html


def test_posting_the_narrative_saves_it_and_the_report_is_a_draft_again(login, clerk, township, make):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    response = login(clerk).post(
        url("detail", 2021),
        {
            "section_overview": "本年度渠口乡政务公开工作稳步推进。",
            "section_other": "无。",
            "include_children": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("detail", 2021)
    report.refresh_from_db()
    assert report.narrative == {"overview": "本年度渠口乡政务公开工作稳步推进。", "other": "无。"}
    assert report.state == ReportState.DRAFT and report.include_children
    assert "本年度渠口乡政务公开工作稳步推进。" in login(clerk).get(url("detail", 2021)).content.decode()


def test_posting_an_unknown_section_is_refused_with_a_message(login, clerk, township, make):
    client = login(clerk)
    response = client.post(url("detail", 2021), {"section_table_b": "1"}, follow=True)
    assert "未知的报告部分：table_b" in response.content.decode()
    assert AnnualReport.objects.get().narrative == {}


def test_checking_from_the_office_makes_the_report_checked(login, clerk, records):
    response = login(clerk).post(url("check", 2021), follow=True)
    assert response.redirect_chain == [(url("detail", 2021), 302)]
    assert "校验通过" in response.content.decode()
    assert AnnualReport.objects.get().state == ReportState.CHECKED


def test_a_failed_check_is_reported_and_the_report_stays_a_draft(login, clerk, township, make):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_save_narrative(
        actor=clerk,
        report=report,
        texts={"other": "本年度共计 10 条，其中 公文 3 条，通知 4 条，其他 4 条。"},
    )
    html = login(clerk).post(url("check", 2021), follow=True).content.decode()
    assert "校验未通过：发现 1 处错误" in html
    assert "3+4+4=11，与总数10不符" in html
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_a_reviewer_publishes_a_checked_report_from_the_office(
    login, clerk, reviewer, township, records, quick_render
):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    client = login(reviewer)
    assert "发布到政府信息公开专栏" in client.get(url("detail", 2021)).content.decode()
    response = client.post(url("publish", 2021), follow=True)
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    html = response.content.decode()
    assert f"已发布，索引号 {report.disclosure.index_no}" in html
    assert 'name="section_overview"' not in html  # no editor on a published report


def test_exporting_a_published_report_gives_the_figures_it_was_published_with(
    login, clerk, reviewer, township, records, make, quick_render
):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    services.report_publish(actor=reviewer, report=report)
    make.apply(
        township, D(2021, 6, 1), make.person(3), "补登记的2021年申请", ("decide", D(2021, 6, 8), "granted")
    )
    data = json.loads(login(reviewer).get(url("export", 2021, "json")).content)
    cells = {(c["row"], c["column"]): c["value"] for c in data["tables"]["B"]["cells"]}
    published = {
        (c["row"], c["column"]): c["value"]
        for c in AnnualReport.objects.get().snapshot["tables"]["B"]["cells"]
    }
    assert published[("received", "total")] == "2"
    assert cells[("received", "total")] == "2"


def test_a_published_report_cannot_be_edited_or_checked_from_the_office(login, admin, township, make):
    report = AnnualReport.objects.create(
        organisation=township, year=2021, state=ReportState.PUBLISHED, narrative={"overview": "已发布的正文"}
    )
    client = login(admin)
    html = client.post(url("detail", 2021), {"section_overview": "改写"}, follow=True).content.decode()
    assert "年度报告已发布，不能再修改" in html
    assert "年度报告已发布" in client.post(url("check", 2021), follow=True).content.decode()
    report.refresh_from_db()
    assert report.narrative == {"overview": "已发布的正文"} and report.state == ReportState.PUBLISHED


def test_publishing_an_unchecked_report_shows_why_it_was_refused(login, reviewer, clerk, township, make):
    services.report_create(actor=clerk, organisation=township, year=2021)
    html = login(reviewer).post(url("publish", 2021), follow=True).content.decode()
    assert "请先校验报告，校验通过后才能发布" in html
    assert AnnualReport.objects.get().state == ReportState.DRAFT


def test_publishing_a_report_that_was_never_started_is_not_found(login, reviewer, make):
    assert login(reviewer).post(url("publish", 2021)).status_code == 404


@pytest.mark.parametrize(
    ("output_format", "content_type", "magic"),
    [
        ("html", "text/html; charset=utf-8", b"<"),
        ("json", "application/json", b"{"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_each_export_format_downloads_the_report(
    login, clerk, township, records, output_format, content_type, magic
):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    response = login(clerk).get(url("export", 2021, output_format))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert (
        response["Content-Disposition"] == f'attachment; filename="qukou-2021-annual-report.{output_format}"'
    )
    content = response.content
    assert content.lstrip().startswith(magic)
    if output_format == "json":
        data = json.loads(content)
        cells = {(c["row"], c["column"]): c["value"] for c in data["tables"]["B"]["cells"]}
        assert cells[("received", "total")] == "2" and cells[("received", "business")] == "1"
    elif output_format == "html":
        assert "渠口乡人民政府2021年政府信息公开工作年度报告" in content.decode()
    elif output_format == "xlsx":
        assert (
            len(
                [n for n in zipfile.ZipFile(io.BytesIO(content)).namelist() if n.startswith("xl/worksheets/")]
            )
            >= 3
        )
    from gongkai.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="reports.export", object_id=str(report.pk)).count() == 1


def test_an_unknown_export_format_is_not_found(login, clerk, make):
    assert login(clerk).get(url("export", 2021, "odt")).status_code == 404


def test_the_trace_of_a_free_style_figure_lists_the_items_behind_it(login, clerk, records):
    response = login(clerk).get(url("trace", 2018), {"key": "website_news"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "政府网站 工作动态" in html
    assert "共 <strong>1</strong> 条记录" in html
    assert records["news"].title in html and records["notice"].title not in html
    assert reverse("catalog_office:detail", args=[records["news"].pk]) in html


def test_the_trace_of_a_table_b_cell_lists_the_applications_behind_it(login, clerk, records):
    html = login(clerk).get(url("trace", 2021), {"key": "B:received:natural_person"}).content.decode()
    assert "共 <strong>1</strong> 条记录" in html
    assert records["mine"].case_number in html
    assert records["company"].case_number not in html and records["foreign"].case_number not in html
    assert reverse("applications_office:case", args=[records["mine"].pk]) in html
    html = login(clerk).get(url("trace", 2021), {"key": "B:total:total"}).content.decode()
    assert "共 <strong>2</strong> 条记录" in html


def test_the_trace_of_a_table_a_cell_lists_the_normative_documents_behind_it(login, clerk, township, make):
    kept = make.document(township, "渠口乡农村低保动态管理办法", published_on=D(2021, 3, 2), normative=True)
    make.document(township, "关于做好春耕生产工作的通知", published_on=D(2021, 3, 9))  # not normative
    html = login(clerk).get(url("trace", 2021), {"key": "A:normative_docs:issued"}).content.decode()
    assert "共 <strong>1</strong> 条记录" in html and kept.title in html


def test_the_trace_of_a_table_a_cell_lists_as_many_records_as_the_cell_counts(
    login, clerk, reviewer, township, make
):
    from gongkai.catalog import services as catalog_services

    make.document(township, "渠口乡农村低保动态管理办法", published_on=D(2021, 3, 2), normative=True)
    retracted = make.document(
        township, "渠口乡宅基地管理暂行办法", published_on=D(2021, 5, 6), normative=True
    )
    catalog_services.disclosure_retract(disclosure=retracted, actor=reviewer, comment="发布有误")
    assert (
        services.report_compile(services.report_get(organisation=township, year=2021)).tables["A"][
            ("normative_docs", "issued")
        ]
        == 2
    )
    html = login(clerk).get(url("trace", 2021), {"key": "A:normative_docs:issued"}).content.decode()
    assert "共 <strong>2</strong> 条记录" in html


@pytest.mark.parametrize("key", ["", "nonsense", "B:received", "Z:1:2"])
def test_the_trace_of_an_unknown_figure_is_not_found(login, clerk, make, key):
    assert login(clerk).get(url("trace", 2021), {"key": key}).status_code == 404


def test_the_external_figures_form_shows_and_saves_the_figures_with_their_source(
    login, clerk, township, make
):
    client = login(clerk)
    response = client.get(url("figures", 2021))
    assert response.status_code == 200 and "数据来源说明" in response.content.decode()
    form = {
        "licensing_decisions": "12", "penalty_decisions": "3", "compulsion_decisions": "1", "admin_fees_wan": "1.5",
        "licensing_items": "0", "other_services_items": "0", "other_services_decisions": "0", "penalty_items": "0",
        "compulsion_items": "0", "admin_fee_items": "0", "procurement_items": "0", "procurement_amount_wan": "0",
    }  # fmt: skip
    response = client.post(url("figures", 2021), {**form, "source_note": ""})
    assert response.status_code == 200 and not ExternalFigures.objects.exists()
    response = client.post(url("figures", 2021), {**form, "source_note": "县行政审批服务局业务系统导出"})
    assert response.status_code == 302 and response["Location"] == url("detail", 2021)
    saved = ExternalFigures.objects.get()
    assert (saved.organisation, saved.year, saved.licensing_decisions) == (township, 2021, 12)
    html = client.get(url("detail", 2021)).content.decode()
    assert f'href="{url("trace", 2021)}?key=A:licensing:decisions">12</a>' in html


def test_a_year_outside_the_range_is_not_found(login, clerk, make):
    client = login(clerk)
    assert client.get(url("detail", 2007)).status_code == 404
    assert client.get(url("detail", dt.date.today().year + 1)).status_code == 404


# ---- who may do what -----------------------------------------------------------------------------------------


ALL_URLS = [
    ("get", ("index",)),
    ("get", ("detail", 2021)),
    ("post", ("detail", 2021)),
    ("post", ("check", 2021)),
    ("post", ("publish", 2021)),
    ("get", ("export", 2021, "html")),
    ("get", ("trace", 2021)),
    ("get", ("figures", 2021)),
    ("post", ("figures", 2021)),
]


@pytest.mark.parametrize(("method", "target"), ALL_URLS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, township, method, target):
    path = url(*target)
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) and "next=" in response["Location"]
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("get", ("check", 2021)),
        ("get", ("publish", 2021)),
        ("post", ("export", 2021, "html")),
        ("post", ("trace", 2021)),
    ],
)
def test_a_wrong_method_is_refused(login, admin, township, method, target):
    response = getattr(login(admin), method)(url(*target))
    assert response.status_code == 405
    assert not AnnualReport.objects.exists()


def test_put_and_delete_on_a_report_are_refused(login, admin, township):
    client = login(admin)
    assert client.put(url("detail", 2021)).status_code == 405
    assert client.delete(url("detail", 2021)).status_code == 405


def test_staff_of_another_township_see_only_their_own_report(
    login, clerk, other_township_staff, township, records
):
    services.report_save_narrative(
        actor=clerk,
        report=services.report_create(actor=clerk, organisation=township, year=2021),
        texts={"overview": "渠口乡的内部草稿文字"},
    )
    client = login(other_township_staff)
    html = client.get(url("detail", 2021)).content.decode()
    assert "通伏乡人民政府2021年政府信息公开工作年度报告" in html
    assert "渠口乡" not in html and "渠口乡的内部草稿文字" not in html
    assert f'href="{url("trace", 2021)}?key=B:received:natural_person">1</a>' in html  # their own application
    trace = client.get(url("trace", 2021), {"key": "B:received:total"}).content.decode()
    assert records["foreign"].case_number in trace and records["mine"].case_number not in trace


def test_staff_of_another_township_cannot_switch_to_it_to_publish_or_export_its_report(
    login, clerk, other_township_admin, township, records, quick_render
):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    client = login(other_township_admin)
    assert client.post(reverse("office:switch_org"), {"organisation": township.pk}).status_code == 404
    assert client.post(url("publish", 2021)).status_code == 404  # no report of their own
    response = client.get(url("export", 2021, "json"))
    assert json.loads(response.content)["organisation"]["code"] == "tongfu-xiang"
    assert client.post(url("check", 2021)).status_code == 302  # checks (and creates) their own report only
    report.refresh_from_db()
    assert report.state == ReportState.CHECKED and report.disclosure is None
    assert AnnualReport.objects.filter(organisation__code="tongfu-xiang").exists()


@pytest.fixture
def viewer_on_township(login, county_viewer, township):
    client = login(county_viewer)
    response = client.post(reverse("office:switch_org"), {"organisation": township.pk})
    assert response.status_code == 302
    return client


def test_a_read_only_user_can_view_and_export_but_not_edit(viewer_on_township, clerk, township, records):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    client = viewer_on_township
    html = client.get(url("detail", 2021)).content.decode()
    assert "渠口乡人民政府2021年政府信息公开工作年度报告" in html
    assert 'name="section_overview"' not in html and "校验</button>" not in html
    assert client.get(url("export", 2021, "json")).status_code == 200
    assert client.get(url("trace", 2021), {"key": "B:received:total"}).status_code == 200
    assert client.get(url("figures", 2021)).status_code == 200
    assert client.post(url("detail", 2021), {"section_overview": "改写"}).status_code == 403
    assert client.post(url("check", 2021)).status_code == 403
    assert client.post(url("publish", 2021)).status_code == 403
    assert client.post(url("figures", 2021), {"source_note": "x"}).status_code == 403
    assert client.post(url("index"), {"year": "2020"}).status_code == 200
    report.refresh_from_db()
    assert report.state == ReportState.CHECKED and report.narrative == {}
    assert not ExternalFigures.objects.exists()
    assert AnnualReport.objects.count() == 1


def test_a_clerk_may_not_publish(login, clerk, township, make):
    report = services.report_create(actor=clerk, organisation=township, year=2021)
    services.report_check(actor=clerk, report=report)
    assert login(clerk).post(url("publish", 2021)).status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.CHECKED


def test_a_village_clerk_can_neither_view_nor_edit_the_township_report(login, village_clerk, township, make):
    client = login(village_clerk)
    # Their current organisation is their village: the page is the village's, never the township's.
    html = client.get(url("detail", 2021)).content.decode()
    assert "渠口乡人民政府2021年" not in html
    assert client.post(url("check", 2021)).status_code == 403
    assert client.post(reverse("office:switch_org"), {"organisation": township.pk}).status_code == 404


# ---- the county roll-up and the dashboard warning ------------------------------------------------------------


@pytest.fixture
def county_reports(county, township, other_township, village, clerk, other_township_admin):
    """2021: 渠口乡 checked, 通伏乡 a draft, 姚伏镇 published, 黄渠桥镇 not started (the village is not listed)."""
    yaofu = org_insert(
        parent=county, kind=OrgKind.TOWNSHIP, name="姚伏镇人民政府", short_name="姚伏镇", code="yaofu"
    )
    huangqu = org_insert(
        parent=county,
        kind=OrgKind.TOWNSHIP,
        name="黄渠桥镇人民政府",
        short_name="黄渠桥镇",
        code="huangququiao",
    )
    checked = AnnualReport.objects.create(organisation=township, year=2021, state=ReportState.CHECKED)
    draft = AnnualReport.objects.create(organisation=other_township, year=2021)
    published = AnnualReport.objects.create(
        organisation=yaofu, year=2021, state=ReportState.PUBLISHED, published_at="2022-01-20T10:00:00+08:00"
    )
    return {"checked": checked, "draft": draft, "published": published, "yaofu": yaofu, "huangqu": huangqu}


def test_the_rollup_gives_each_child_s_state_and_flags_late_ones_only_after_31_january(
    county, county_reports
):
    before = queries.rollup(county, 2021, today=D(2022, 1, 31))
    assert [(r["organisation"].short_name, r["state_label"], r["late"]) for r in before] == [
        ("渠口乡", "已校验", False),
        ("通伏乡", "草稿", False),
        ("姚伏镇", "已发布", False),
        ("黄渠桥镇", "未开始", False),
    ]
    after = queries.rollup(county, 2021, today=D(2022, 2, 1))
    assert [(r["state"], r["late"]) for r in after] == [
        ("checked", True),
        ("draft", True),
        ("published", False),
        ("not_started", True),
    ]
    assert queries.rollup(county, 2022, today=D(2022, 2, 1))[0]["state_label"] == "未开始"


def test_a_county_admin_sees_every_township_s_state_on_the_index(login, county, county_reports):
    admin = staff_user("county_admin", county, Role.ADMIN)
    html = login(admin).get(url("index"), {"year": "2021"}).content.decode()
    assert "下级机构 2021 年度报告情况" in html
    for name, state in [
        ("渠口乡人民政府", "已校验"),
        ("通伏乡人民政府", "草稿"),
        ("姚伏镇人民政府", "已发布"),
        ("黄渠桥镇人民政府", "未开始"),
    ]:
        assert f"<tr><td>{name}</td><td>{state}</td>" in html
    assert "<tr><td>渠口乡渠口村</td>" not in html  # a village publishes no report of its own
    assert html.count("已逾期") == 3  # today is long after 31 January 2022


def test_the_dashboard_warning_runs_from_1_january_until_last_year_s_report_is_published(
    township, village, make
):
    assert queries.dashboard_warning(township, today=D(2022, 1, 1)) == (
        "2021年政府信息公开工作年度报告尚未发布，请于2022年01月31日前发布。"
    )
    assert queries.dashboard_warning(township, today=D(2022, 2, 1)) == (
        "2021年政府信息公开工作年度报告尚未发布，已超过法定期限（2022年01月31日）。"
    )
    report = AnnualReport.objects.create(organisation=township, year=2021, state=ReportState.CHECKED)
    assert queries.dashboard_warning(township, today=D(2022, 1, 20)) is not None
    AnnualReport.objects.filter(pk=report.pk).update(state=ReportState.PUBLISHED)
    assert queries.dashboard_warning(township, today=D(2022, 1, 20)) is None
    assert queries.dashboard_warning(township, today=D(2022, 12, 31)) is None
    assert queries.dashboard_warning(township, today=D(2023, 1, 1)).startswith(
        "2022年政府信息公开工作年度报告尚未发布"
    )
    assert queries.dashboard_warning(village, today=D(2022, 1, 1)) is None  # a village publishes no report


def test_the_office_dashboard_shows_the_warning_until_the_report_is_published(login, clerk, township):
    client = login(clerk)
    with mock.patch("django.utils.timezone.localdate", return_value=D(2022, 1, 10)):
        html = client.get(reverse("office:dashboard")).content.decode()
        assert (
            '<p class="warn-box">2021年政府信息公开工作年度报告尚未发布，请于2022年01月31日前发布。</p>'
            in html
        )
        AnnualReport.objects.create(organisation=township, year=2021, state=ReportState.PUBLISHED)
        html = client.get(reverse("office:dashboard")).content.decode()
        assert "年度报告尚未发布" not in html
