"""A villager on a phone follows a key work from the township's column to its timeline, opens an item of one
stage, and comes back to the work from the item's page."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from gongkai.keyworks import services
from gongkai.keyworks.models import WorkKind

pytestmark = pytest.mark.browser

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def road_project(township, village, clerk, publish):
    services.kinds_install_defaults(actor=clerk)
    work = services.work_create(
        organisation=township,
        actor=clerk,
        title="渠口乡农村道路提升改造工程",
        kind=WorkKind.objects.get(organisation=None, code="major_project"),
        starts_on=dt.date(2025, 3, 1),
        completed_on=dt.date(2025, 10, 28),
        villages=[village],
    )
    stages = {s.name: s for s in work.stages.all()}
    services.stage_plan(stage=stages["质量安全监督"], actor=clerk, planned_on=dt.date(2025, 9, 30))
    services.stage_plan(
        stage=stages["征收土地"],
        actor=clerk,
        not_applicable=True,
        not_applicable_reason="在原有道路上改造，不新征收土地",
    )
    for name, title, day in [
        ("审批、核准、备案", "关于农村道路提升改造工程项目立项的批复", dt.date(2025, 3, 20)),
        ("招标投标", "农村道路提升改造工程中标候选人公示", dt.date(2025, 5, 12)),
        ("竣工", "农村道路提升改造工程竣工验收情况公告", dt.date(2025, 11, 14)),
    ]:
        services.item_link(
            stage=stages[name], disclosure=publish(township, title, published_on=day), actor=clerk
        )
    return work


@pytest.mark.phone
@pytest.mark.today("2025-12-01")
def test_a_villager_follows_a_key_work_from_the_column_to_its_timeline_and_back_from_an_item(
    page, road_project, shot
):
    page.goto("/org/qukou/")
    column = page.locator("section", has=page.get_by_role("heading", name="重点工作全过程公开"))
    column.get_by_role("link", name="渠口乡农村道路提升改造工程").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("渠口乡农村道路提升改造工程")
    stages = page.get_by_role("list", name="工作阶段").locator("> li")
    expect(stages).to_have_count(7)
    expect(stages.nth(0)).to_contain_text("审批、核准、备案")
    expect(stages.nth(0)).to_contain_text("已公开")
    expect(stages.nth(2)).to_contain_text("本阶段不适用：在原有道路上改造，不新征收土地")
    expect(stages.nth(5)).to_contain_text("逾期未公开")
    expect(stages.nth(6)).to_contain_text("竣工验收情况公告")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the timeline scrolls sideways on a phone"
    shot(page, "keywork-timeline-phone")

    stages.nth(1).get_by_role("link", name="农村道路提升改造工程中标候选人公示").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("农村道路提升改造工程中标候选人公示")
    back = page.locator("section", has=page.get_by_role("heading", name="所属重点工作"))
    expect(back).to_contain_text("“招标投标”阶段")
    back.get_by_role("link", name="渠口乡农村道路提升改造工程").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("渠口乡农村道路提升改造工程")
    bidding = road_project.stages.get(name="招标投标")
    expect(page).to_have_url(re.compile(rf"/org/qukou/work/{road_project.pk}/#stage-{bidding.pk}$"))
