"""Issue 14 in the browser: a villager asks on a phone and reads the clerk's answer on the portal; a consultation
collects two comments and publishes its 采纳情况; the county viewer follows a board figure to its records."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from gongkai.applications import services as application_services
from gongkai.participation.models import Consultation

pytestmark = pytest.mark.browser

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}[:：]?$"))


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/office/login/")
    field(page, "用户名").fill(username)
    field(page, "密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/office/$"))


def human_pause(page: Page) -> None:
    """A person takes longer than the public forms' minimum fill time (applications/formguard.py)."""
    page.wait_for_timeout(settings.GONGKAI_APPLY_MIN_FILL_SECONDS * 1000 + 200)


@pytest.mark.phone
def test_a_villager_asks_on_a_phone_the_clerk_answers_and_it_appears_on_the_portal(
    page, desktop_page, township, clerk, password
):
    page.goto("/org/qukou/")
    page.get_by_role("link", name="留言咨询").first.tap()
    page.get_by_role("link", name="我要留言").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("向渠口乡人民政府留言")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the question form scrolls sideways on a phone"
    field(page, "标题").fill("村卫生室周末开门吗")
    field(page, "留言内容").fill("渠口村卫生室周六、周日是否有医生值班？")
    field(page, "姓名").fill("王秀兰")
    field(page, "联系电话").fill("13995281234")
    human_pause(page)
    page.get_by_role("button", name="提交留言").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("留言已提交")
    expect(page.locator("main")).to_contain_text("前答复")

    office = desktop_page
    log_in(office, "clerk", password)
    office.get_by_role("navigation", name="后台导航").get_by_role("link", name="政民互动").click()
    office.get_by_role("link", name="村卫生室周末开门吗").click()
    field(office, "答复内容").fill("渠口村卫生室周末上午有医生值班，急诊请拨打120。")
    office.get_by_role("button", name="提交答复").click()
    expect(office.locator("main")).to_contain_text("留言已答复并公开")

    page.goto("/org/qukou/questions/")
    page.get_by_role("link", name="村卫生室周末开门吗").tap()
    expect(page.locator("main")).to_contain_text("周末上午有医生值班")
    expect(page.locator("main")).to_contain_text("王** · 139****1234")
    expect(page.locator("main")).not_to_contain_text("13995281234")


def test_a_consultation_collects_two_comments_closes_and_publishes_its_feedback(
    page, desktop_page, township, clerk, reviewer, publish, password
):
    today = timezone.localdate()
    draft = publish(
        township, "渠口乡村规民约修订（征求意见稿）", kind="draft_for_comment", published_on=today
    )
    office = desktop_page
    log_in(office, "clerk", password)
    office.goto("/office/participation/consultations/new/")
    field(office, "征求意见稿").select_option(str(draft.pk))
    field(office, "征集期（工作日）").fill("5")
    office.get_by_role("button", name="保存").click()
    expect(office.locator("main")).to_contain_text("意见征集已开始")

    for name, text in [("李四", "建议明确红白事办理标准。"), ("", "建议增加垃圾分类的内容。")]:
        page.goto("/org/qukou/consultations/")
        page.get_by_role("link", name="渠口乡村规民约修订（征求意见稿）").click()
        field(page, "姓名").fill(name)
        field(page, "意见建议").fill(text)
        human_pause(page)
        page.get_by_role("button", name="提交意见").click()
        expect(page.locator("main")).to_contain_text("您的意见已提交，审核后公开")

    # The period runs out: five working days cannot pass in a test, so the row's closing day moves back.
    consultation = Consultation.objects.get(draft=draft)
    Consultation.objects.filter(pk=consultation.pk).update(closes_on=today - dt.timedelta(days=1))
    office.goto(f"/office/participation/consultations/{consultation.pk}/")
    office.get_by_role("button", name="结束征集").click()
    expect(office.locator("main")).to_contain_text("已截止")
    office.get_by_role("button", name="退出").click()

    log_in(office, "reviewer", password)
    office.goto(f"/office/participation/consultations/{consultation.pk}/")
    for _ in range(2):
        office.get_by_role("button", name="展示", exact=True).first.click()
    field(office, "意见采纳情况").fill("共收到意见2条，全部采纳。")
    office.get_by_role("button", name="发布采纳情况").click()
    expect(office.locator("main")).to_contain_text("采纳情况已发布")

    page.goto(f"/org/qukou/consultations/{consultation.pk}/")
    expect(page.locator("main")).to_contain_text("共收到意见2条，全部采纳。")
    expect(page.locator("main")).to_contain_text("建议明确红白事办理标准。")
    expect(page.locator("main")).to_contain_text("李*")


def test_the_county_viewer_follows_a_board_figure_to_the_records(
    page, county, township, other_township, county_viewer, publish, password
):
    today = timezone.localdate()
    publish(township, "渠口乡召开春耕动员会", kind="news", published_on=today - dt.timedelta(days=30))
    application, _ = application_services.application_register(
        organisation=township,
        actor=None,
        applicant=application_services.Applicant(
            "natural_person", "", "丁学军", "640221197811200035", "13895201234"
        ),
        request=application_services.Request("渠口乡土地征收补偿方案", "", "", "paper", "pickup"),
        channel="in_person",
        received_on=today - dt.timedelta(days=60),
        today=today,
    )
    log_in(page, "county_viewer", password)
    page.get_by_role("navigation", name="后台导航").get_by_role("link", name="督查看板").click()
    row = page.locator("tr", has_text="渠口乡")
    expect(row).to_contain_text("未开始")
    row.locator(f"a[href='/office/supervision/org/{township.pk}/stale_columns/']").click()
    expect(page.locator("main")).to_contain_text("栏目不更新：工作动态")
    page.go_back()
    page.locator("tr", has_text="渠口乡").locator(
        f"a[href='/office/supervision/org/{township.pk}/overdue_applications/']"
    ).click()
    page.get_by_role("link", name=application.case_number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"申请 {application.case_number}")
