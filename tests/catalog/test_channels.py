import datetime

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.catalog import importing, services
from gongkai.catalog.models import Kind
from gongkai.channels import queries
from gongkai.channels.models import Channel, Publication
from gongkai.core.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db


def _published(
    org,
    actor,
    title="关于2024年耕地地力保护补贴发放的公告",
    kind=Kind.NOTICE,
    day=datetime.date(2024, 5, 6),
    channels=None,
):
    extra = {"posting_days": 7} if kind == Kind.POSTING else {}
    return importing.disclosure_import_one(
        organisation=org,
        actor=actor,
        data={
            "title": title,
            "kind": kind,
            "written_on": day,
            "published_on": day,
            "channels": channels or [Channel.WEBSITE],
            **extra,
        },
    )


def test_staff_record_a_wechat_publication_once_and_it_is_audited(township, clerk):
    item = _published(township, clerk)
    services.disclosure_channel_record(
        disclosure=item,
        channel=Channel.WECHAT,
        published_on=datetime.date(2024, 5, 7),
        actor=clerk,
        note="公众号推送",
    )
    assert Publication.objects.filter(disclosure=item).count() == 2
    assert AuditEvent.objects.filter(action="channels.publication_record").count() == 1
    with pytest.raises(DomainError, match="已登记过"):
        services.disclosure_channel_record(
            disclosure=item, channel=Channel.WECHAT, published_on=datetime.date(2024, 5, 8), actor=clerk
        )


def test_only_published_items_get_channel_records(township, clerk, make_draft):
    draft = make_draft(clerk, township)
    with pytest.raises(DomainError, match="只有已发布"):
        services.disclosure_channel_record(
            disclosure=draft, channel=Channel.SMS, published_on=datetime.date(2024, 5, 7), actor=clerk
        )


def test_the_website_record_is_automatic_and_cannot_be_added_or_removed_by_hand(township, clerk):
    item = _published(township, clerk)
    with pytest.raises(DomainError, match="自动登记"):
        services.disclosure_channel_record(
            disclosure=item, channel=Channel.WEBSITE, published_on=datetime.date(2024, 5, 7), actor=clerk
        )
    with pytest.raises(DomainError):
        services.disclosure_channel_delete(
            publication=item.publications.get(channel=Channel.WEBSITE), actor=clerk
        )


def test_a_channel_date_cannot_precede_the_written_date(township, clerk):
    item = _published(township, clerk)
    with pytest.raises(DomainError, match="早于成文日期"):
        services.disclosure_channel_record(
            disclosure=item, channel=Channel.SMS, published_on=datetime.date(2024, 1, 1), actor=clerk
        )


def test_staff_of_another_township_cannot_record_channels(township, clerk, other_township_staff):
    item = _published(township, clerk)
    with pytest.raises(PermissionDenied):
        services.disclosure_channel_record(
            disclosure=item,
            channel=Channel.SMS,
            published_on=datetime.date(2024, 5, 7),
            actor=other_township_staff,
        )


def test_a_wrong_record_can_be_deleted(township, clerk):
    item = _published(township, clerk, channels=[Channel.WEBSITE, Channel.LED_SCREEN])
    services.disclosure_channel_delete(
        publication=item.publications.get(channel=Channel.LED_SCREEN), actor=clerk
    )
    assert list(item.publications.values_list("channel", flat=True)) == ["website"]


def test_channel_records_cover_the_subtree_and_the_year(
    township, village, other_township, clerk, other_township_admin
):
    _published(township, clerk, "乡通知", channels=[Channel.WEBSITE, Channel.WECHAT])
    _published(
        village, clerk, "村公示", kind=Kind.POSTING, channels=[Channel.VILLAGE_BOARD, Channel.NOTICE_BOARD]
    )
    _published(township, clerk, "去年的通知", day=datetime.date(2023, 5, 5))
    _published(other_township, other_township_admin, "外乡通知")

    def titles(**kwargs):
        return [p.disclosure.title for p in queries.publications(township, 2024, **kwargs)]

    assert titles(channel=Channel.WECHAT) == ["乡通知"] and titles(channel=Channel.VILLAGE_BOARD) == [
        "村公示"
    ]
    assert titles(channel=Channel.VILLAGE_BOARD, include_children=False) == []
    assert titles(channels=queries.BOARDS_AND_HALL) == ["村公示", "村公示"]  # one item, two boards
    assert titles(channel=Channel.VILLAGE_BOARD, kind=Kind.POSTING) == ["村公示"]
    records = queries.publications(township, 2024, channel=Channel.WEBSITE)
    assert [p.disclosure.title for p in records] == ["乡通知"]
