"""Issue 4 in the browser: a villager applies on a phone and tracks the case; the clerk handles it to a reply."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
ID_NUMBER = "11010519491231002X"
PHONE = "13995281234"
INFO_TITLE = "渠口乡2026年高标准农田建设项目资金使用情况"
PARTIAL = "部分公开"  # the self-contained label of Table B’s （二） row
REPLY = "经查，您申请的项目资金使用情况予以公开；其中涉及施工单位商业秘密的报价明细不予公开。"


def field(scope, label: str):
    """A form field by its exact label (Django adds the label suffix “：”)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}[:：]?$"))


def action(page: Page, label: str):
    """One of the case page's folded action forms (告知补正, 收到补正 …), opened."""
    form = page.locator("details").filter(has=page.locator("summary").get_by_text(label, exact=True))
    form.locator("summary").click()
    return form


def download(page: Page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


@pytest.mark.phone
def test_a_villager_applies_on_a_phone_and_reads_the_partial_disclosure_the_clerk_decided(
    page, desktop_page, township, clerk, password, shot
):
    today = timezone.localdate()

    # The villager, on a phone.
    page.goto("/org/qukou/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("向渠口乡人民政府申请公开政府信息")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the application form scrolls sideways on a phone"
    page.get_by_label("自然人").check()
    field(page, "姓名或名称").fill("王秀兰")
    field(page, "公民身份号码或统一社会信用代码").fill(ID_NUMBER)
    field(page, "联系电话").fill(PHONE)
    field(page, "通信地址").fill("渠口乡渠口村四队")
    field(page, "所需信息的名称").fill(INFO_TITLE)
    field(page, "所需信息的内容描述（便于查询的特征性描述）").fill(
        "请提供2026年渠口乡高标准农田建设项目的资金拨付、使用明细和验收结果。"
    )
    page.get_by_label("电子", exact=True).check()
    page.get_by_label("电子邮件", exact=True).check()
    field(page, "电子邮箱").fill("wangxiulan@example.cn")
    page.get_by_label("我已阅读上述个人信息处理说明").check()
    shot(page, "apply-form-phone")
    # a person takes longer than the form's minimum fill time (applications/formguard.py)
    page.wait_for_timeout(settings.GONGKAI_APPLY_MIN_FILL_SECONDS * 1000 + 200)
    page.get_by_role("button", name="提交申请").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    done = page.locator("table.meta")
    case_number = done.locator("tr", has_text="申请编号").locator("td").inner_text().strip()
    lookup_code = done.locator("tr", has_text="查询码").locator("td").inner_text().strip()
    assert case_number and lookup_code, "the case number and the lookup code are shown once"
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the confirmation scrolls sideways on a phone"
    shot(page, "apply-done-phone")

    page.get_by_role("link", name="申请查询").first.tap()
    field(page, "申请编号").fill(case_number)
    field(page, "查询码").fill(lookup_code)
    page.get_by_role("button", name="查询").tap()
    tracked = page.locator("table.meta")
    expect(tracked.locator("tr", has_text="申请编号").locator("td")).to_have_text(case_number)
    # sent online, it is received when the township confirms it (Art. 31(3))
    expect(tracked.locator("tr", has_text="办理状态").locator("td")).to_contain_text(
        "等待渠口乡人民政府确认收到"
    )
    expect(tracked).to_contain_text(INFO_TITLE)
    expect(page.locator("body")).not_to_contain_text(ID_NUMBER)
    expect(page.locator("body")).not_to_contain_text(PHONE)
    expect(page.locator(".timeline")).to_contain_text("网上提交申请")

    # The clerk, at the township office, on a desktop.
    office = desktop_page
    office.goto("/office/login/")
    field(office, "用户名").fill("clerk")
    field(office, "密码").fill(password)
    office.get_by_role("button", name="登录").click()
    office.get_by_role("navigation", name="后台导航").get_by_role("link", name="依申请公开").click()
    office.get_by_role("link", name=case_number).click()
    expect(office.get_by_role("heading", level=1)).to_have_text(f"申请 {case_number}")
    expect(office.locator("table.meta")).not_to_contain_text(ID_NUMBER)  # masked until asked for

    confirm = action(office, "确认收到")
    expect(field(confirm, "日期")).to_have_value(today.isoformat())
    confirm.get_by_role("button", name="确认收到").click()
    expect(office.get_by_role("status")).to_contain_text("已记录：确认收到")

    correction = action(office, "告知补正")
    expect(field(correction, "日期")).to_have_value(today.isoformat())
    field(correction, "补正期限").fill((today + dt.timedelta(days=15)).isoformat())
    field(correction, "需要补正的事项").fill("请写明所需资金使用情况的具体项目标段名称。")
    correction.get_by_role("button", name="告知补正").click()
    expect(office.get_by_role("status")).to_contain_text("已记录：告知补正")
    expect(office.locator(".stat").first).to_contain_text("暂停")

    received = action(office, "收到补正")
    field(received, "说明").fill("申请人补充：渠口村、六顷地村两个标段。")
    received.get_by_role("button", name="收到补正").click()
    expect(office.get_by_role("status")).to_contain_text("已记录：收到补正")

    consult = action(office, "征求第三方意见")
    field(consult, "被征求意见的单位或个人").fill("宁夏某农业工程有限公司")
    consult.get_by_role("button", name="征求第三方意见").click()
    expect(office.get_by_role("status")).to_contain_text("已记录：征求第三方意见")

    closing = action(office, "第三方意见征求结束")
    field(closing, "意见").fill("第三方不同意公开报价明细。")
    closing.get_by_role("button", name="第三方意见征求结束").click()
    expect(office.get_by_role("status")).to_contain_text("已记录：第三方意见征求结束")

    decide = action(office, "作出答复")
    field(decide, "答复类型").select_option(label=PARTIAL)
    field(decide, "答复内容").fill(REPLY)
    decide.get_by_role("button", name="作出答复").click()
    expect(office.get_by_role("status")).to_contain_text("已记录：作出答复")
    expect(office.locator("table.meta").locator("tr", has_text="答复类型")).to_contain_text(PARTIAL)
    steps = [
        "收到申请",
        "确认收到",
        "告知补正",
        "收到补正",
        "征求第三方意见",
        "第三方意见征求结束",
        "作出答复",
    ]
    expect(office.locator(".timeline li strong")).to_have_text(
        [f"{today.isoformat()} {step}" for step in steps]
    )
    shot(office, "application-case-decided")

    letter = office.locator("li", has_text="答复告知书")
    pdf = download(office, letter.get_by_role("link", name="PDF"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000, f"not a PDF letter: {pdf[:20]!r}"
    docx = download(office, letter.get_by_role("link", name="Word"))
    assert docx.startswith(b"PK") and len(docx) > 1000, f"not a DOCX letter: {docx[:20]!r}"

    # The villager reloads the tracking page on the phone.
    page.reload()
    tracked = page.locator("table.meta")
    expect(tracked.locator("tr", has_text="办理状态").locator("td")).to_have_text(
        f"已答复（{today.year}年{today.month}月{today.day}日）"
    )
    expect(tracked.locator("tr", has_text="答复结果").locator("td")).to_have_text(PARTIAL)
    expect(page.locator(".timeline")).to_contain_text("作出答复")
    reply = download(page, page.get_by_role("link", name="下载答复书（PDF）"))
    assert reply.startswith(b"%PDF"), "the applicant downloads the reply as a PDF"
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the tracking page scrolls sideways on a phone"
    shot(page, "track-decided-phone")
