"""微信公众号 against a fake official-account API on 127.0.0.1: one draft and one publish per item, the article URL
kept, the token held once in the database and refreshed once when stale, blocking errors stop the account."""

import datetime as dt
import json
from pathlib import Path

import pytest
from channel_fakes import FakeWeChat, make_target
from django.db import connection
from django.utils import timezone

from gongkai.channels import services
from gongkai.channels.adapters import Item, Target
from gongkai.channels.adapters.wechat import WeChat
from gongkai.channels.models import Channel, ChannelTarget, Dispatch, DispatchStatus, Publication, TargetKind

pytestmark = pytest.mark.today("2024-05-06")
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def wechat():
    server = FakeWeChat().start()
    yield server
    server.stop()


@pytest.fixture
def account(township, wechat):
    return make_target(
        township,
        TargetKind.WECHAT,
        "渠口乡发布",
        config={"api_base": wechat.url, "appid": wechat.appid},
        secrets={"secret": wechat.secret},
    )


def _due_now():
    Dispatch.objects.exclude(status=DispatchStatus.CONFIRMED).update(next_attempt_at=timezone.now())


def _wechat_dispatch(item):
    return Dispatch.objects.get(disclosure=item, target__kind=TargetKind.WECHAT)


ITEM = Item(
    id=7,
    title="渠口乡2024年第二季度农村最低生活保障对象名单公示（第一批）及监督电话",
    url="https://gk.example.cn/item/7/",
    organisation="渠口乡人民政府",
    index_no="11640221MB1959741M/2024-00007",
    body_html='<p>经村民代表会议评议，<strong>现予公示</strong>。</p><script>alert(1)</script><p onclick="x()">名单见附件。</p>',
    body_text="经村民代表会议评议，现予公示。\n名单见附件。",
    kind="posting",
    published_on=dt.date(2024, 5, 6),
    posting_start=dt.date(2024, 5, 7),
    posting_end=dt.date(2024, 5, 13),
    supervision_phone="0952-6860685",
)


def test_the_article_renders_as_pinned(settings):
    target = Target(id=1, kind="wechat", name="渠口乡发布", organisation="渠口乡人民政府")
    payload = WeChat.render(ITEM, target)
    golden = json.loads((GOLDEN / "wechat.json").read_text(encoding="utf-8"))
    assert payload == golden
    assert len(payload["article"]["title"]) <= 32
    assert "<script" not in payload["article"]["content"] and "onclick" not in payload["article"]["content"]


def test_a_long_body_is_cut_below_the_content_limit():
    long = Item(id=1, title="长文", url="u", organisation="o", body_html="<p>" + "字" * 30000 + "</p>")
    content = WeChat.render(long, Target(id=1, kind="wechat", name="n"))["article"]["content"]
    assert len(content) < 20000
    assert content.endswith('<p>原文链接：<a href="u">u</a></p>')


def test_an_item_is_drafted_and_published_once_and_its_article_url_kept(publish, township, account, wechat):
    item = publish(township, "关于2024年春耕生产的通知", body="<p>请各村做好准备。</p>")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    assert (wechat.calls("/cgi-bin/draft/add"), wechat.calls("/cgi-bin/freepublish/submit")) == (1, 1)
    [article] = wechat.drafts.values()
    assert article["title"] == "关于2024年春耕生产的通知"
    assert article["content_source_url"].endswith(f"/item/{item.pk}/")
    assert item.index_no in article["content"]
    _due_now()
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}  # still publishing
    _due_now()
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.CONFIRMED: 1}
    dispatch = _wechat_dispatch(item)
    assert dispatch.receipt["article_url"].startswith("https://mp.weixin.qq.com/s/")
    assert (wechat.calls("/cgi-bin/draft/add"), wechat.calls("/cgi-bin/freepublish/submit")) == (1, 1)
    assert Publication.objects.filter(disclosure=item, channel=Channel.WECHAT).count() == 1
    assert wechat.mass == {}  # no mass send unless asked


def test_the_token_is_held_once_in_the_database_encrypted(publish, township, account, wechat):
    publish(township, "通知一")
    publish(township, "通知二")
    services.dispatch_run_once(worker="w")
    assert wechat.token_calls == 1
    assert wechat.calls("/cgi-bin/material/add_material") == 1  # the cover, uploaded once and kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM channels_channeltarget WHERE id = %s", [account.pk])
        [stored] = cursor.fetchone()
    assert stored.startswith("gk1:") and "TOKEN-1" not in stored
    assert ChannelTarget.objects.get(pk=account.pk).token == "TOKEN-1"


def test_an_expired_token_is_fetched_again_once(publish, township, account, wechat):
    publish(township, "通知一")
    services.dispatch_run_once(worker="w")
    wechat.expire_token()
    publish(township, "通知二")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    assert wechat.token_calls == 2
    assert len(wechat.publishes) == 2


def test_a_frequency_limit_blocks_the_account_until_an_administrator_acts(publish, township, account, wechat):
    item = publish(township, "通知")
    wechat.token_calls = 0
    services.dispatch_run_once(worker="w")  # token and cover first
    wechat.script.append(
        {"status": 200, "body": {"errcode": 45009, "errmsg": "reach max api daily quota limit"}}
    )
    publish(township, "通知二")
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    account.refresh_from_db()
    assert account.blocked_at is not None and "45009" in account.blocked_reason
    publish(township, "通知三")
    assert services.dispatch_run_once(worker="w") == {}  # a blocked account is not sent to
    assert _wechat_dispatch(item).status == DispatchStatus.SUBMITTED


def test_a_server_error_is_retried_and_a_refused_publish_is_dead(publish, township, account, wechat):
    item = publish(township, "通知")
    wechat.script.append({"status": 502, "body": {}})
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.FAILED: 1}
    _due_now()
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    _due_now()
    wechat.script.append({"status": 200, "body": {"publish_id": "x", "publish_status": 4, "fail_idx": [1]}})
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.DEAD: 1}
    assert "平台审核不通过" in _wechat_dispatch(item).last_error


def test_mass_send_is_opt_in_and_passes_the_key_as_clientmsgid(publish, township, account, wechat):
    ChannelTarget.objects.filter(pk=account.pk).update(config={**account.config, "mass_send": True})
    item = publish(township, "通知")
    services.dispatch_run_once(worker="w")
    assert list(wechat.mass) == [_wechat_dispatch(item).key]
