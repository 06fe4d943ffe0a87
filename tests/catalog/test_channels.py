import datetime

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.catalog import services
from gongkai.catalog.models import Kind
from gongkai.channels import queries
from gongkai.channels.models import Channel, Publication
from gongkai.channels.services import publication_delete, publication_record
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
    return services.disclosure_import_one(
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
    publication_record(
        disclosure=item,
        channel=Channel.WECHAT,
        published_on=datetime.date(2024, 5, 7),
        actor=clerk,
        note="公众号推送",
    )
    assert Publication.objects.filter(disclosure=item).count() == 2
    assert AuditEvent.objects.filter(action="channels.publication_record").count() == 1
    with pytest.raises(DomainError, match="已登记过"):
        publication_record(
            disclosure=item, channel=Channel.WECHAT, published_on=datetime.date(2024, 5, 8), actor=clerk
        )


def test_only_published_items_get_channel_records(township, clerk, make_draft):
    draft = make_draft(clerk, township)
    with pytest.raises(DomainError, match="只有已发布"):
        publication_record(
            disclosure=draft, channel=Channel.SMS, published_on=datetime.date(2024, 5, 7), actor=clerk
        )


def test_the_website_record_is_automatic_and_cannot_be_added_or_removed_by_hand(township, clerk):
    item = _published(township, clerk)
    with pytest.raises(DomainError, match="自动登记"):
        publication_record(
            disclosure=item, channel=Channel.WEBSITE, published_on=datetime.date(2024, 5, 7), actor=clerk
        )
    with pytest.raises(DomainError):
        publication_delete(publication=item.publications.get(channel=Channel.WEBSITE), actor=clerk)


def test_a_channel_date_cannot_precede_the_written_date(township, clerk):
    item = _published(township, clerk)
    with pytest.raises(DomainError, match="早于成文日期"):
        publication_record(
            disclosure=item, channel=Channel.SMS, published_on=datetime.date(2024, 1, 1), actor=clerk
        )


def test_staff_of_another_township_cannot_record_channels(township, clerk, other_township_staff):
    item = _published(township, clerk)
    with pytest.raises(PermissionDenied):
        publication_record(
            disclosure=item,
            channel=Channel.SMS,
            published_on=datetime.date(2024, 5, 7),
            actor=other_township_staff,
        )


def test_a_wrong_record_can_be_deleted(township, clerk):
    item = _published(township, clerk, channels=[Channel.WEBSITE, Channel.LED_SCREEN])
    publication_delete(publication=item.publications.get(channel=Channel.LED_SCREEN), actor=clerk)
    assert list(item.publications.values_list("channel", flat=True)) == ["website"]


def test_channel_counts_cover_the_subtree_and_the_year_and_list_their_records(
    township, village, other_township, clerk, other_township_admin
):
    _published(township, clerk, "乡通知", channels=[Channel.WEBSITE, Channel.WECHAT])
    _published(
        village, clerk, "村公示", kind=Kind.POSTING, channels=[Channel.VILLAGE_BOARD, Channel.NOTICE_BOARD]
    )
    _published(township, clerk, "去年的通知", day=datetime.date(2023, 5, 5))
    _published(other_township, other_township_admin, "外乡通知")
    counts = queries.channel_counts(township, 2024)
    assert counts["website"] == 1 and counts["wechat"] == 1 and counts["village_board"] == 1
    assert queries.channel_counts(township, 2024, include_children=False)["village_board"] == 0
    assert queries.group_count(township, 2024) == 1  # one item on two boards counts once
    matrix = queries.channel_kind_counts(township, 2024)
    assert matrix["website"]["notice"] == 1 and matrix["village_board"]["posting"] == 1
    records = queries.publications(township, 2024, channel=Channel.WEBSITE)
    assert [p.disclosure.title for p in records] == ["乡通知"]
