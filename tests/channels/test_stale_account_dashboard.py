"""The dashboard warning of the inspection rule "a WeChat account or website column with no update in 14 days"
(warned from day 10): the supervision self-check counts accounts that published and the website's columns; an
account that never published is named by the channels' own line, and never both."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.channels.models import Channel, ChannelTarget, Publication, TargetKind

pytestmark = pytest.mark.today("2024-05-20")


def _wechat(township, days_ago):
    target = ChannelTarget.objects.create(organisation=township, kind=TargetKind.WECHAT, name="渠口乡发布")
    ChannelTarget.objects.filter(pk=target.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return target


def _dashboard(login, admin) -> str:
    return login(admin).get(reverse("office:dashboard")).content.decode()


def test_an_account_that_never_published_warns_from_day_10(login, admin, township):
    target = _wechat(township, 9)
    assert "没有发布过信息" not in _dashboard(login, admin)
    ChannelTarget.objects.filter(pk=target.pk).update(created_at=timezone.now() - dt.timedelta(days=11))
    assert "微信公众号“渠口乡发布”设置11天来没有发布过信息，满14天即不符合检查要求（还剩3天）" in _dashboard(
        login, admin
    )
    ChannelTarget.objects.filter(pk=target.pk).update(created_at=timezone.now() - dt.timedelta(days=15))
    assert "设置15天来没有发布过信息，已超过14天，不符合检查要求" in _dashboard(login, admin)


def test_an_account_that_published_is_left_to_the_self_check(login, admin, township, publish):
    _wechat(township, 30)
    item = publish(township, "关于春耕备耕的通知", published_on=dt.date(2024, 5, 9))
    from gongkai.channels.models import Dispatch, DispatchStatus

    Dispatch.objects.filter(disclosure=item, target__kind=TargetKind.WECHAT).update(
        status=DispatchStatus.CONFIRMED, confirmed_at=timezone.now() - dt.timedelta(days=11)
    )
    Publication.objects.create(disclosure=item, channel=Channel.WECHAT, published_on=dt.date(2024, 5, 9))
    page = _dashboard(login, admin)
    assert "没有发布过信息" not in page  # not twice: the self-check's line counts it
    assert "政务公开自查" in page
    details = login(admin).get(reverse("supervision_office:self_check")).content.decode()
    assert "微信公众号14天未更新" in details
