"""Issue 3 in the browser: a village clerk's item stopped by the privacy guard, masked, reviewed, approved by a
second person, published, found."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from gongkai.catalog import standard as catalog_standard
from gongkai.catalog.models import CatalogArea, Disclosure

pytestmark = pytest.mark.browser

ID_NUMBER = "11010519491231002X"  # a valid GB 11643 check character
MASKED_ID = "11**************2X"
TITLE = "渠口村关于开展2026年度低保复核工作的通知"
BODY_TEXT = (
    "各村民小组：根据乡政府安排，本村将于12月开展最低生活保障年度复核。"
    "请申请人张某（公民身份号码{id}）于12月10日前携带户口簿到村委会提交材料。"
)
ENTRY = "最低生活保障 / 审核信息"


def field(page: Page, label: str):
    """A form field by its exact label (Django adds the label suffix “：”)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}[:：]?$"))


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/office/$"))


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/office/login/|/$"))


@pytest.fixture
def township_catalog(township):
    """The township has adopted the standard catalog, so its village's items can be filed under an area."""
    catalog_standard.catalog_adopt(organisation=township, actor="测试")
    return township


def test_a_village_clerk_masks_an_id_number_the_guard_found_and_the_reviewer_publishes_the_item(
    page, township_catalog, village, village_clerk, reviewer, admin, password, shot
):
    today = timezone.localdate()
    body_with_id = BODY_TEXT.format(id=ID_NUMBER)
    position = body_with_id.index(ID_NUMBER) + 1

    log_in(page, "village_clerk", password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("渠口乡渠口村")
    page.get_by_role("navigation", name="后台导航").get_by_role("link", name="主动公开").click()
    page.get_by_role("link", name="新建信息").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建信息")
    expect(field(page, "发布机构")).to_have_value(str(village.pk))
    field(page, "名称").fill(TITLE)
    field(page, "类别").select_option(label="通知公告")
    field(page, "成文日期").fill(today.isoformat())
    field(page, "内容概述").fill("渠口村开展低保年度复核，请相关群众按时提交材料。")
    field(page, "正文").fill(f"<p>{body_with_id}</p>")
    field(page, "目录条目").select_option(label=ENTRY)
    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("草稿已保存")
    expect(page.locator(".badge").first).to_have_text("草稿")

    page.get_by_role("button", name="提交审核（保密审查）").click()
    expect(page.get_by_role("status")).to_contain_text("发现个人信息")
    guard = page.get_by_role("alert")
    expect(guard).to_contain_text(f"正文第{position}字")
    expect(guard).to_contain_text("公民身份号码")
    expect(guard).not_to_contain_text(ID_NUMBER)  # findings are shown masked
    expect(page.locator(".badge").first).to_have_text("草稿")
    shot(page, "catalog-privacy-guard")

    page.get_by_role("link", name="编辑草稿").click()
    field(page, "正文").fill(f"<p>{BODY_TEXT.format(id=MASKED_ID)}</p>")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("status")).to_contain_text("草稿已保存")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="提交审核（保密审查）").click()
    expect(page.get_by_role("status")).to_contain_text("已提交审核")
    expect(page.locator(".badge").first).to_have_text("待审核")
    # A village clerk drafts; the township reviews.
    expect(page.get_by_role("button", name="保密审查通过")).to_have_count(0)
    log_out(page)

    log_in(page, "reviewer", password)
    page.get_by_role("navigation", name="后台导航").get_by_role("link", name="审核").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_label("审查意见").fill("未发现涉密及未脱敏的个人信息。")
    page.get_by_role("button", name="保密审查通过").click()
    expect(page.get_by_role("status")).to_contain_text("保密审查通过")
    expect(page.locator(".badge").first).to_have_text("待审批")
    # Separation of duties: whoever passed the 保密审查 does not approve; the township admin does.
    expect(page.get_by_role("button", name="审批发布")).to_have_count(0)
    expect(page.locator("#duty-note")).to_contain_text("职责分离")
    log_out(page)

    log_in(page, "admin", password)
    page.get_by_role("navigation", name="后台导航").get_by_role("link", name="审核").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("审批意见").fill("同意发布。")
    page.get_by_role("button", name="审批发布").click()
    expect(page.get_by_role("status")).to_contain_text("已审批")
    expect(page.locator(".badge").first).to_have_text("已发布")

    index_no = f"qukoucun/{today.year}-00001"
    office_meta = page.locator("table.meta")
    expect(office_meta.locator("tr", has_text="索引号").locator("td").first).to_have_text(index_no)
    shot(page, "catalog-published-office")

    item = Disclosure.objects.get(title=TITLE)
    log_out(page)

    # A member of the public: the township's column, its catalog area, the item page.
    page.goto("/org/qukou/")
    page.get_by_role("navigation", name="专栏导航").get_by_role("link", name="法定主动公开内容").click()
    area = CatalogArea.objects.get(name="社会救助")
    page.get_by_label("目录领域").select_option(label=f"{area.number}. {area.name}")
    page.get_by_role("button", name="筛选").click()
    row = page.locator("table.catalog-list tbody tr").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"社会救助 · {ENTRY}")
    expect(row).to_contain_text(index_no)
    row.get_by_role("link", name=TITLE).click()

    expect(page).to_have_url(re.compile(rf"/item/{item.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    meta = page.locator("table.item-meta")
    expect(meta.locator("tr", has_text="索引号").locator("td").first).to_have_text(index_no)
    expect(meta.locator("tr", has_text="发布机构").locator("td").first).to_have_text("渠口乡渠口村")
    expect(meta.locator("tr", has_text="目录领域").locator("td").first).to_have_text("社会救助")
    expect(page.locator("article")).to_contain_text(MASKED_ID)
    expect(page.locator("body")).not_to_contain_text(ID_NUMBER)
    shot(page, "catalog-published-portal")

    # Search by a two-character word of the title.
    page.goto("/search/?q=低保")
    expect(page.get_by_role("heading", level=1)).to_have_text("政府信息检索")
    hit = page.locator(".search-results li").filter(has_text=index_no)
    expect(hit).to_have_count(1)
    hit.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/item/{item.pk}/$"))
