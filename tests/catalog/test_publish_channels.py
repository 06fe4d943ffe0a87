"""Choosing channels when publishing (issue 13): the approval form lists the organisation's enabled channel
targets, ticked by default from the catalog entry's 公开渠道和载体 plus those marked 发布时默认选中; what the approver
leaves ticked is exactly what gets a Dispatch."""

import re

import pytest
from django.urls import reverse

from gongkai.catalog import services
from gongkai.catalog.models import CatalogArea, CatalogEntry
from gongkai.channels.models import ChannelTarget, Dispatch, TargetKind

pytestmark = pytest.mark.today("2024-05-06")


def make_target(organisation, kind, name, **fields):
    return ChannelTarget.objects.create(organisation=organisation, kind=kind, name=name, **fields)


@pytest.fixture
def targets(township, village, other_township):
    return {
        "wechat": make_target(township, TargetKind.WECHAT, "渠口乡发布", default_on=False),
        "robot": make_target(township, TargetKind.DINGTALK_ROBOT, "干部群", default_on=False),
        "board": make_target(township, TargetKind.NOTICE_BOARD, "乡政府公开栏", default_on=True),
        "village_board": make_target(village, TargetKind.VILLAGE_BOARD, "渠口村公告栏", default_on=False),
        "off": make_target(township, TargetKind.QQ_GROUP, "停用的群", enabled=False),
        "foreign": make_target(other_township, TargetKind.WECHAT, "通伏乡发布"),
    }


@pytest.fixture
def awaiting(township, clerk, reviewer):
    area = CatalogArea.objects.create(number=20, name="社会救助")
    entry = CatalogEntry.objects.create(
        organisation=township,
        area=area,
        level1="最低生活保障",
        level2="低保对象",
        channels=["website", "new_media", "notice_board"],
    )
    draft = services.disclosure_create(
        organisation=township,
        actor=clerk,
        title="关于渠口村2024年农村低保对象的公示",
        kind="posting",
        posting_days=5,
        written_on=services.timezone.localdate(),
        catalog_entry=entry,
    )
    services.disclosure_submit(disclosure=draft, actor=clerk)
    services.disclosure_review_pass(disclosure=draft, actor=reviewer)
    return draft


def _ticked(page: str) -> dict[int, bool]:
    boxes = re.findall(r'<input type="checkbox" name="channel_targets" value="(\d+)"([^>]*)>', page)
    return {int(pk): "checked" in rest for pk, rest in boxes}


def _sent_to(item) -> set[str]:
    return set(Dispatch.objects.filter(disclosure=item).values_list("target__name", flat=True))


def test_the_approval_form_ticks_the_entrys_channels_and_the_default_ones(login, admin, awaiting, targets):
    page = login(admin).get(reverse("catalog_office:detail", args=[awaiting.pk])).content.decode()
    assert "<legend>发布渠道</legend>" in page
    assert _ticked(page) == {
        targets["wechat"].pk: True,  # 两微一端 in the entry
        targets["robot"].pk: False,  # 精准推送 not in the entry, not 默认选中
        targets["board"].pk: True,  # 发布时默认选中
        targets["village_board"].pk: True,  # 公示栏 in the entry: the village boards below
    }  # neither the disabled nor another township's target is offered


def test_unticking_a_target_means_no_dispatch_for_it(login, admin, awaiting, targets):
    response = login(admin).post(
        reverse("catalog_office:transition", args=[awaiting.pk, "approve"]),
        {
            "channels_shown": "True",
            "channel_targets": [targets["wechat"].pk, targets["robot"].pk, targets["foreign"].pk],
        },
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == "published"
    # the board and the village board unticked, the robot ticked; another township's target never goes
    assert _sent_to(awaiting) == {"本级门户网站", "渠口乡发布", "干部群"}


def test_nothing_ticked_publishes_to_the_website_only(login, admin, awaiting, targets):
    login(admin).post(
        reverse("catalog_office:transition", args=[awaiting.pk, "approve"]), {"channels_shown": "True"}
    )
    assert _sent_to(awaiting) == {"本级门户网站"}


def test_without_a_choice_the_default_set_follows_the_entry(admin, awaiting, targets):
    services.disclosure_approve(disclosure=awaiting, actor=admin)
    assert _sent_to(awaiting) == {"本级门户网站", "渠口乡发布", "乡政府公开栏", "渠口村公告栏"}


def test_an_item_without_an_entry_goes_to_the_targets_marked_default(
    township, clerk, reviewer, admin, targets
):
    item = services.disclosure_create(
        organisation=township,
        actor=clerk,
        title="关于召开村民代表会议的通知",
        kind="notice",
        written_on=services.timezone.localdate(),
    )
    services.disclosure_submit(disclosure=item, actor=clerk)
    services.disclosure_review_pass(disclosure=item, actor=reviewer)
    services.disclosure_approve(disclosure=item, actor=admin)
    assert _sent_to(item) == {"本级门户网站", "乡政府公开栏"}


def test_a_scheduled_publication_keeps_the_approvers_choice(login, admin, awaiting, targets):
    later = services.timezone.now() + services.datetime.timedelta(hours=2)
    login(admin).post(
        reverse("catalog_office:transition", args=[awaiting.pk, "approve"]),
        {
            "channels_shown": "True",
            "channel_targets": [targets["robot"].pk],
            "publish_at": services.timezone.localtime(later).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    awaiting.refresh_from_db()
    assert awaiting.status == "approval" and awaiting.channel_targets == [targets["robot"].pk]
    services.disclosures_publish_due(now=later + services.datetime.timedelta(minutes=1))
    awaiting.refresh_from_db()
    assert awaiting.status == "published"
    assert _sent_to(awaiting) == {"本级门户网站", "干部群"}
