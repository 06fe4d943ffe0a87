"""Issue 12 in the browser, on a 390 px phone: a villager finds their village's newest 低保 公示 from the township
column, searches from the item page, applies with two mistakes and sees both at once, tracks the case, answers a
correction online, and reads the reply and downloads the released file the township attached to it;
an accessibility pass (axe-core, vendored in tests/browser/vendor) over the column's pages in both modes; and no
page of the demo wider than the phone."""

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from gongkai.applications import services
from gongkai.applications.models import Application

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}}
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}[:：]?$"))


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations of the page (WCAG 2.x A and AA rules)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})).violations"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {json.dumps([n['target'] for n in v['nodes']][:3])}"
        for v in result
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def demo_portal(transactional_db):
    call_command("demo", stdout=io.StringIO())


@pytest.mark.phone
@pytest.mark.browser_context(**PHONE_390)
def test_a_villager_finds_the_newest_posting_searches_applies_and_tracks_on_a_phone(page, demo_portal, shot):
    page.goto("/org/qukou/")
    expect(page.get_by_role("heading", level=1)).to_have_text("渠口乡人民政府 · 政府信息公开")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)

    # Two taps: the village, then its newest 低保 公示.
    page.locator("#villages-h + ul").get_by_role("link", name="渠口乡渠口村").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("渠口乡渠口村 · 村务公开")
    postings = page.locator("#postings-h + ul li")
    expect(postings.first).to_contain_text("公示期至")
    postings.first.get_by_role("link", name=re.compile("低保")).tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("低保对象初审情况的公示")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the item page (with its 公示 table) scrolls sideways"
    shot(page, "column-village-posting-phone")

    # Search from the item page: the header's box, scoped to the village.
    page.get_by_role("searchbox", name="检索政府信息").fill("低保")
    page.get_by_role("search").get_by_role("button", name="检索").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("渠口乡渠口村 · 政府信息检索")
    expect(page.locator(".search-results li").first).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)

    # Apply about the village: the township receives it. Two mistakes: no name, e-mail delivery with no address.
    page.goto("/org/qukoucun/")
    page.get_by_role("link", name="向渠口乡申请政府信息公开").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("向渠口乡人民政府申请公开政府信息")
    expect(page.locator(".about-notice")).to_contain_text("渠口乡渠口村")
    page.get_by_label("自然人").check()
    field(page, "公民身份号码或统一社会信用代码").fill("11010519491231002X")
    field(page, "联系电话").fill("13995281234")
    field(page, "所需信息的名称").fill("渠口村2026年低保资金发放明细")
    page.get_by_label("电子", exact=True).check()
    page.get_by_label("电子邮件", exact=True).check()
    page.get_by_label("我已阅读上述个人信息处理说明").check()
    page.wait_for_timeout(settings.GONGKAI_APPLY_MIN_FILL_SECONDS * 1000 + 200)
    page.get_by_role("button", name="提交申请").tap()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary).to_contain_text("请填写申请人的姓名")
    expect(summary).to_contain_text("选择“电子邮件”获取信息时，请填写电子邮箱")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shot(page, "apply-two-errors-phone")
    summary.get_by_role("link", name=re.compile("姓名或名称")).tap()
    expect(field(page, "姓名或名称")).to_be_focused()
    field(page, "姓名或名称").fill("王秀兰")
    field(page, "电子邮箱").fill("wangxiulan@example.cn")
    page.wait_for_timeout(settings.GONGKAI_APPLY_MIN_FILL_SECONDS * 1000 + 200)
    page.get_by_role("button", name="提交申请").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    receipt = page.locator("ul.receipt")
    expect(receipt).to_contain_text("提交日期：")
    expect(receipt).to_contain_text(
        "收到申请之日：待确认"
    )  # Art. 31(3): received when the township confirms it
    done = page.locator("table.meta")
    case_number = done.locator("tr", has_text="申请编号").locator("td").inner_text().strip()
    lookup_code = done.locator("tr", has_text="查询码").locator("td").inner_text().strip()

    page.get_by_role("link", name="申请查询").first.tap()
    field(page, "申请编号").fill(case_number)
    field(page, "查询码").fill(lookup_code)
    page.get_by_role("button", name="查询").tap()
    tracked = page.locator("table.meta")
    expect(tracked).to_contain_text(case_number)
    expect(tracked).to_contain_text("渠口乡人民政府")
    expect(tracked.locator(".stage")).to_contain_text("等待渠口乡人民政府确认收到")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shot(page, "track-awaiting-confirmation-phone")

    # The township confirms receipt (Art. 31(3)): the 20 working days count from today.
    application = Application.objects.get(case_number=case_number)
    today = timezone.localdate()
    services.application_confirm_receipt(application=application, actor=None, date=today)
    page.reload()
    expect(tracked.locator(".stage")).to_have_text("办理中")
    expect(tracked.locator("tr", has_text="答复期限")).to_be_visible()
    shot(page, "track-phone")

    # The township asks for a correction (Art. 30); the villager answers it online from the same page.
    services.application_request_correction(
        application=application,
        actor=None,
        date=today,
        deadline=today + dt.timedelta(days=15),
        items="请写明需要哪一个村民小组的低保资金发放明细",
    )
    page.reload()
    expect(tracked.locator(".stage")).to_contain_text("等待您补正申请")
    correction = page.locator("section.correction")
    expect(correction).to_contain_text("请写明需要哪一个村民小组的低保资金发放明细")
    page.get_by_role("button", name="提交补正").tap()
    expect(page.locator("#error-summary")).to_be_focused()  # an empty answer: the summary takes the focus
    field(page, "补正内容").fill("渠口村三组2026年的低保资金发放明细")
    page.get_by_role("button", name="提交补正").tap()
    expect(page.get_by_role("status")).to_contain_text("补正已提交")
    expect(page.locator("table.meta .stage")).to_have_text("办理中")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shot(page, "track-corrected-phone")

    # The reply with the released information attached by the township; read and downloaded on the phone.
    released = _released_pdf()
    services.application_decide(
        application=application,
        actor=None,
        date=today,
        decision="granted",
        reply_text="经查，渠口村三组2026年低保资金发放明细予以公开，见附件。",
        files=[SimpleUploadedFile("渠口村三组2026年低保资金发放明细.pdf", released, "application/pdf")],
    )
    page.reload()
    expect(page.locator("table.meta .stage")).to_contain_text("答复")
    expect(page.locator("table.meta")).to_contain_text("予以公开")
    expect(page.locator("table.meta")).to_contain_text("渠口村三组2026年低保资金发放明细予以公开，见附件。")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载答复书（PDF）").tap()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    attached = page.locator("#files-h + ul.files").get_by_role(
        "link", name="渠口村三组2026年低保资金发放明细.pdf"
    )
    expect(attached).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shot(page, "track-reply-with-file-phone")
    with page.expect_download() as info:
        attached.tap()
    assert Path(info.value.path()).read_bytes() == released


def _released_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "渠口村三组2026年低保资金发放明细"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.phone
@pytest.mark.browser_context(**PHONE_390)
def test_the_catalog_is_cards_on_a_phone_and_stays_readable_in_large_text(page, demo_portal, shot):
    page.goto("/org/qukou/catalog/")
    card = page.locator("table.catalog-list tbody tr").first
    expect(page.locator("table.catalog-list thead")).to_be_hidden()
    expect(card.locator(".c-index")).to_be_hidden()  # 索引号 is on the item page
    expect(card.locator(".c-title a")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    standard = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    page.get_by_role("button", name="长者模式", exact=True).tap()
    expect(page.get_by_role("button", name="标准版", exact=True)).to_have_attribute("aria-pressed", "true")
    body = page.evaluate(
        "(() => { const s = getComputedStyle(document.body);"
        " return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; })()"
    )
    assert body[0] > standard and body[1] / body[0] >= 1.5, body
    target = page.locator("table.catalog-list tbody tr").first.locator(".c-title a").bounding_box()
    assert target["height"] >= 24, target
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the catalog scrolls sideways in large text"
    shot(page, "catalog-large-text-phone")


@pytest.mark.phone
@pytest.mark.browser_context(**PHONE_390, bypass_csp=True)  # axe-core is injected as an inline script
def test_no_serious_accessibility_violation_on_the_column_pages_in_both_modes(page, demo_portal):
    from gongkai.catalog.models import Disclosure

    item = Disclosure.objects.filter(organisation__code="qukoucun", kind="posting").order_by("-published_on")[
        0
    ]
    urls = [
        "/org/qukou/",
        "/org/qukou/catalog/",
        f"/item/{item.pk}/",
        "/org/qukou/guide/",
        "/org/qukou/apply/",
        "/track/",
        "/org/qukoucun/",
    ]
    problems = []
    for mode in ("standard", "large"):
        if mode == "large":
            page.goto("/large-text/?on=1&next=/")
        for url in urls:
            page.goto(url)
            problems += [f"{mode} {url}: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)


@pytest.mark.phone
@pytest.mark.browser_context(**PHONE_390)
def test_no_page_of_the_demo_portal_is_wider_than_the_phone(page, demo_portal):
    from gongkai.catalog.models import Disclosure

    posting = Disclosure.objects.filter(kind="posting", posting_table__isnull=False).order_by("-id")[0]
    report = Disclosure.objects.filter(annual_report__isnull=False).order_by("-published_on").first()
    urls = [
        "/",
        "/org/qukou/",
        "/org/qukou/guide/",
        "/org/qukou/rules/",
        "/org/qukou/catalog/",
        "/org/qukou/catalog/?current=1",
        "/org/qukou/reports/",
        "/org/qukoucun/",
        "/org/qukoucun/catalog/",
        f"/item/{posting.pk}/",
        "/search/?q=低保&org=qukou",
        "/org/qukou/apply/",
        "/track/",
        "/deadline/",
    ]
    if report is not None:
        urls.append(f"/item/{report.pk}/")
    wide = []
    for large in (False, True):
        if large:
            page.goto("/large-text/?on=1&next=/")
        for url in urls:
            page.goto(url)
            if not page.evaluate(NO_HORIZONTAL_SCROLL):
                wide.append(
                    f"{url} ({'长者模式' if large else '标准'}): {page.evaluate('document.documentElement.scrollWidth')}px"
                )
    assert not wide, wide
