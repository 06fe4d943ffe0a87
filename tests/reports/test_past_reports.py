"""Import of a past annual report: its 结转下年度 becomes the next year's 上年结转 (issue 15)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from gongkai.audit.models import AuditEvent
from gongkai.reports import services
from gongkai.reports.compile import compile_report
from gongkai.reports.models import AnnualReport, PastReport
from gongkai.reports.tables import TABLE_B

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "real_reports"


def _longgang_complete() -> bytes:
    """龙岗's real 2024 report (the stored copy stops at 表三（三）6), with Table B completed as in
    test_real_reports: 四、结转下年度继续办理 is 自然人 8, 商业企业 1, 总计 9."""
    real = (CORPUS / "longgang-dept-2024.md").read_text(encoding="utf-8")
    zero = " | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    rest = [
        "7.属于行政执法案卷" + zero,
        "8.属于行政查询事项" + zero,
        "(四)无法提供 | 1.本机关不掌握相关政府信息 | 30 | 4 | 0 | 0 | 1 | 0 | 35 |",
        "2.没有现成信息需要另行制作" + zero,
        "3.补正后申请内容仍不明确" + zero,
        "(五)不予处理 | 1.信访举报投诉类申请" + zero,
        "2.重复申请" + zero,
        "3.要求提供公开出版物" + zero,
        "4.无正当理由大量反复申请" + zero,
        "5.要求行政机关确认或重新出具已获取信息" + zero,
        "(六)其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" + zero,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请" + zero,
        "3.其他 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
        "(七)总计 | 52 | 6 | 0 | 0 | 1 | 0 | 59 |",
        "四、结转下年度继续办理 | 8 | 1 | 0 | 0 | 0 | 0 | 9 |",
    ]
    return (real.rstrip("\n") + "\n" + "\n".join(rest) + "\n").encode()


def url(year):
    return reverse("reports:past_report", args=[year])


def upload(data=None, name="longgang-2024.md"):
    return SimpleUploadedFile(
        name, _longgang_complete() if data is None else data, content_type="text/markdown"
    )


@pytest.mark.today("2026-02-01")
def test_a_dry_run_shows_the_figures_and_stores_nothing_then_confirm_carries_them_into_next_year(
    login, admin, township
):
    client = login(admin)
    assert f'href="{url(2025)}"' in client.get(reverse("reports:index")).content.decode()
    assert client.get(url(2024)).status_code == 200
    response = client.post(url(2024), {"file": upload()})
    html = response.content.decode()
    assert response.status_code == 200 and "试读结果（尚未保存）" in html
    assert "<td>自然人</td><td>8</td>" in html and "<td>总计</td><td>9</td>" in html
    assert not PastReport.objects.exists()
    before = compile_report(township, 2025).tables[TABLE_B]
    assert before[("carried_in", "total")] == 0

    response = client.post(url(2024), {"file": upload(), "confirm": "on"})
    assert response.status_code == 200 and "已导入" in response.content.decode()
    past = PastReport.objects.get()
    assert (past.organisation, past.year, past.format_code) == (township, 2024, "2021")
    assert past.carried_out["natural_person"] == 8 and past.carried_out["total"] == 9
    assert AuditEvent.objects.filter(action="reports.past_report_import").count() == 1

    compiled = services.report_compile(AnnualReport(organisation=township, year=2025))
    table_b = compiled.tables[TABLE_B]
    assert (table_b[("carried_in", "natural_person")], table_b[("carried_in", "total")]) == (8, 9)
    assert "上年结转9件" in compiled.text()
    assert not [f for f in services.report_findings(compiled) if f.check == "carry_over"]


@pytest.mark.today("2026-02-01")
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not really a pdf", "report.pdf", "无法读取该文件"),
        (
            "某乡2024年政府信息公开工作年度报告\n今年做了很多工作。".encode(),
            "report.txt",
            "未能在该文件中找到表三",
        ),
        (b"MZ\x90\x00", "report.exe", "不支持的文件类型"),
        (b"", "report.md", "所提交的是空文件"),
    ],
)
def test_a_file_the_parser_cannot_read_gets_a_precise_error_and_nothing_is_stored(
    login, admin, township, data, name, message
):
    response = login(admin).post(url(2024), {"file": upload(data, name), "confirm": "on"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not PastReport.objects.exists()
    assert not AuditEvent.objects.filter(action="reports.past_report_import").exists()


@pytest.mark.today("2026-02-01")
def test_a_report_of_another_year_is_refused(login, admin, township):
    response = login(admin).post(url(2023), {"file": upload(), "confirm": "on"})
    assert response.status_code == 400 and "该文件是2024年度的报告" in response.content.decode()
    assert not PastReport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(admin, township, monkeypatch):
    monkeypatch.setattr(services, "PAST_REPORT_MAX_BYTES", 100)
    with pytest.raises(services.ReportError, match="文件超过"):
        services.past_report_import(
            actor=admin,
            organisation=township,
            year=2024,
            name="r.md",
            data=_longgang_complete(),
            confirm=True,
        )
    assert not PastReport.objects.exists()


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_only_the_organisations_admin_may_import(login, township, request, role):
    client = login(request.getfixturevalue(role))
    assert f'href="{url(2025)}"' not in client.get(reverse("reports:index")).content.decode()
    assert client.get(url(2024)).status_code == 403
    assert client.post(url(2024), {"file": upload(), "confirm": "on"}).status_code == 403
    assert not PastReport.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, township, method):
    response = getattr(client, method)(url(2024))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not PastReport.objects.exists()


@pytest.mark.today("2026-02-01")
def test_the_admin_of_another_township_imports_for_their_own_only(login, township, other_township_admin):
    response = login(other_township_admin).post(url(2024), {"file": upload(), "confirm": "on"})
    assert response.status_code == 200
    assert not PastReport.objects.filter(organisation=township).exists()
    assert PastReport.objects.get().organisation.code == "tongfu-xiang"
    assert compile_report(township, 2025).tables[TABLE_B][("carried_in", "total")] == 0


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_a_wrong_method_is_refused(login, admin, township, method):
    assert getattr(login(admin), method)(url(2024)).status_code == 405


@pytest.mark.today("2026-02-01")
def test_the_exchange_command_dry_runs_then_imports_and_refuses_a_clerk(tmp_path, admin, clerk, township):
    path = tmp_path / "longgang-2024.md"
    path.write_bytes(_longgang_complete())
    command = ["exchange", "import-report", "--org", "qukou", "--year", "2024", str(path)]
    out = StringIO()
    call_command(*command, "--user", "admin", "--dry-run", stdout=out)
    assert "试读（未保存）" in out.getvalue() and "total 9" in out.getvalue()
    assert not PastReport.objects.exists()
    with pytest.raises(CommandError, match="只有本机构的管理员"):
        call_command(*command, "--user", "clerk", stdout=StringIO())
    call_command(*command, "--user", "admin", stdout=StringIO())
    assert PastReport.objects.get().carried_out["total"] == 9
    assert compile_report(township, 2025).tables[TABLE_B][("carried_in", "total")] == 9
