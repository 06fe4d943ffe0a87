"""Search that forgives, in the browser on a 390 px phone: a villager types 低保 in pinyin or miswrites it and still
reaches the 低保 公示; the page's notes pass the accessibility check."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}}
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture
def demo_portal(transactional_db):
    call_command("demo", stdout=io.StringIO())


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})).violations"""
    )
    return [
        f"{v['id']}: {json.dumps([n['target'] for n in v['nodes']][:3])}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.phone
@pytest.mark.browser_context(**PHONE_390, bypass_csp=True)  # axe-core is injected as an inline script
def test_pinyin_and_a_miswriting_reach_the_dibao_postings_on_a_phone(page, demo_portal, shot):
    page.goto("/org/qukou/")
    page.get_by_role("searchbox", name="检索政府信息").fill("di bao")
    page.get_by_role("search").get_by_role("button", name="检索").tap()

    expect(page.get_by_role("status")).to_contain_text("没有找到“di bao”的结果，已为您显示“低保”的结果")
    expect(page.locator(".search-results li").first).to_contain_text("低保")
    expect(
        page.locator(".search-results").get_by_role("link", name=re.compile("低保.*公示")).first
    ).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert serious_violations(page) == []
    shot(page, "search-pinyin-corrected-phone")

    page.get_by_role("textbox", name="检索词").fill("低宝")
    page.locator("form.filters").get_by_role("button", name="检索").tap()
    expect(page.get_by_text("已同时检索：低保")).to_be_visible()
    page.get_by_role("link", name="低保", exact=True).tap()

    expect(page.get_by_role("textbox", name="检索词")).to_have_value("低保")
    expect(page.locator(".search-results li").first).to_contain_text("低保")
    expect(page.get_by_text("您要找的是不是")).to_have_count(0)
