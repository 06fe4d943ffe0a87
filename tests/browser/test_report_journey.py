"""Issue 5 in the browser: 渠口乡's 2018 report edited, checked, exported, published and read on the portal."""

import io
import re
from pathlib import Path

import docx
import pypdf
import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from gongkai.demo.township import DEMO_PASSWORD
from gongkai.reports import services as report_services

pytestmark = pytest.mark.browser

EDITED = "渠口乡将政务公开工作纳入各村年度目标责任考核，由乡党政办公室统一督办。"
# The 2018 free-form style: its section titles, in order (qukou-2018-annual-report.md).
SECTIONS_2018 = [
    "一、概述",
    "二、2018年政府信息公开基本情况",
    "（一）主动公开情况",
    "（二）依申请公开情况",
    "（三）回应解读及举报投诉公开情况",
    "（四）机构建设和保障经费情况",
    "三、存在的主要问题及改进措施",
]
# The report's figures where it is consistent, in the order the text gives them; the website total is the
# sum of its parts (30+38+68+8=144), not the 134 the published report printed.
FIGURES_2018 = [
    "506条",
    "制发各类文件120件",
    "共计144条",
    "公文30条",
    "通知公告38条",
    "工作动态68条",
    "其他8条",
    "微信公众号公开112条",
    "公开各类信息140条",
    "未收到政府信息公开申请",
    "未收到政府信息公开方面的举报投诉",
    "工作人员15人",
    "专职人员14人",
    "兼职人员1人",
    "2.21万元",
]


def field(scope, label: str):
    """A form field by its exact label (Django adds the label suffix “：”)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}[:：]?$"))


def download(page: Page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def assert_in_order(text: str, parts: list[str], what: str) -> None:
    """Each part occurs after the previous one (white space ignored: PDF text breaks lines anywhere)."""
    flat = re.sub(r"\s+", "", text)
    at = 0
    for part in parts:
        found = flat.find(part, at)
        assert found >= 0, f"{what}: “{part}” missing after position {at} in …{flat[at : at + 120]}…"
        at = found + len(part)


def test_the_township_admin_edits_checks_exports_and_publishes_the_2018_report_to_the_portal(page, shot):
    call_command("demo", stdout=io.StringIO())

    page.goto("/office/login/")
    field(page, "用户名").fill("qukou_admin")
    field(page, "密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/office/$"))

    page.get_by_role("navigation", name="后台导航").get_by_role("link", name="年度报告").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("政府信息公开工作年度报告")
    existing = page.locator("tbody tr").filter(has_text="2018年")
    if existing.count():
        existing.get_by_role("link", name="打开").click()
    else:
        new_report = page.locator("form").filter(has=page.get_by_role("button", name="编制报告"))
        field(new_report, "年度").fill("2018")
        new_report.get_by_role("button", name="编制报告").click()
    expect(page.get_by_role("heading", level=1).first).to_have_text(re.compile(r"^2018年度报告\s*草稿$"))
    expect(page.locator(".report-preview")).to_contain_text("共计144条")

    overview = field(page, "一、概述")
    overview.fill(EDITED)
    page.get_by_role("button", name="保存正文").click()
    expect(page.get_by_role("status")).to_contain_text("报告正文已保存")
    expect(field(page, "一、概述")).to_have_value(EDITED)
    expect(page.locator(".report-preview")).to_contain_text(EDITED)

    page.get_by_role("button", name="校验").click()
    expect(page.get_by_role("status")).to_contain_text("校验通过")
    shot(page, "report-2018-checked")

    docx_bytes = download(page, page.get_by_role("link", name="导出 DOCX"))
    assert docx_bytes.startswith(b"PK"), "the DOCX export is not a Word file"
    docx_text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_bytes)).paragraphs)
    assert_in_order(docx_text, [SECTIONS_2018[0], EDITED, *SECTIONS_2018[1:]], "DOCX")

    pdf_bytes = download(page, page.get_by_role("link", name="导出 PDF"))
    assert pdf_bytes.startswith(b"%PDF"), "the PDF export is not a PDF"
    pdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert_in_order(pdf_text, [SECTIONS_2018[0], EDITED, *SECTIONS_2018[1:]], "PDF section titles")
    assert_in_order(pdf_text, FIGURES_2018, "PDF figures")

    # Separation of duties: whoever compiled the report does not publish it (catalog.duties.report_conflict).
    report_url = page.url
    page.get_by_role("button", name="退出").click()
    page.goto("/office/login/")
    field(page, "用户名").fill("qukou_reviewer")
    field(page, "密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/office/$"))
    page.goto(report_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布到政府信息公开专栏").click()
    expect(page.get_by_role("status")).to_contain_text("已发布，索引号")
    expect(page.locator(".badge").first).to_have_text("已发布")
    index_no = re.search(r"索引号 (\S+)", page.get_by_role("status").inner_text()).group(1)
    expect(field(page, "一、概述")).to_have_count(0)  # a published report is no longer edited
    shot(page, "report-2018-published")

    page.goto("/org/qukou/")
    page.get_by_role("navigation", name="专栏导航").get_by_role("link", name="政府信息公开年报").click()
    expect(page).to_have_url(re.compile(r"/org/qukou/reports/$"))
    title = "渠口乡人民政府2018年政府信息公开工作年度报告"
    page.get_by_role("link", name=title).click()
    # .first: the published body repeats the title as an <h1> of its own (reported to the lead).
    expect(page.get_by_role("heading", level=1).first).to_have_text(title)
    expect(page.locator("table.item-meta").locator("tr", has_text="索引号").locator("td").first).to_have_text(
        index_no
    )
    expect(page.locator("article.item-body")).to_contain_text(EDITED)
    attachments = page.locator("section", has=page.get_by_role("heading", name="附件")).get_by_role("link")
    expect(attachments).to_have_count(2)  # the report's PDF and DOCX, for download
    shot(page, "portal-report-2018")


def test_a_published_report_reads_on_the_portal_under_a_single_title(page, township, clerk, admin):
    report = report_services.report_create(actor=clerk, organisation=township, year=2018)
    report_services.report_check(actor=clerk, report=report)
    report = report_services.report_publish(actor=admin, report=report)

    page.goto(f"/item/{report.disclosure.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("渠口乡人民政府2018年政府信息公开工作年度报告")
