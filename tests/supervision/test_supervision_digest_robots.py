"""The self-check's weekly digest goes to the organisation's work-group robots (企业微信 and 钉钉) as well as by
e-mail, through the channels outbox: exactly one correctly signed markdown message per robot and ISO week, against
a fake robot server on 127.0.0.1 (pytest-httpserver) that checks the DingTalk signature itself."""

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import time

import pytest
from django.core.management import call_command
from werkzeug import Response

from gongkai.channels import services as channel_services
from gongkai.channels.models import ChannelTarget, Dispatch, DispatchStatus, TargetKind
from gongkai.participation import services as participation_services
from gongkai.supervision import digest, queries

pytestmark = pytest.mark.today("2026-03-02")
WECOM_KEY, DING_TOKEN, DING_SECRET = "wecom-key-1", "ding-token-1", "SEC-ding-secret-1"


class RobotServer:
    """The two robots' send endpoints on a pytest-httpserver: every accepted message is kept; a DingTalk request
    whose sign is not base64(HMAC-SHA256(secret, "timestamp\\nsecret")) is refused with errcode 310000."""

    def __init__(self, httpserver):
        self.messages: list[tuple[str, dict]] = []
        self.refused: list[str] = []
        httpserver.expect_request("/cgi-bin/webhook/send", method="POST").respond_with_handler(self.wecom)
        httpserver.expect_request("/robot/send", method="POST").respond_with_handler(self.ding)
        self.url = httpserver.url_for("/").rstrip("/")

    @staticmethod
    def _answer(code, message="ok"):
        return Response(json.dumps({"errcode": code, "errmsg": message}), content_type="application/json")

    def wecom(self, request):
        if request.args.get("key") != WECOM_KEY:
            self.refused.append("wecom key")
            return self._answer(93000, "invalid webhook url")
        body = request.get_json()
        assert body["msgtype"] == "markdown" and len(body["markdown"]["content"].encode()) <= 4096
        self.messages.append(("wecom", body))
        return self._answer(0)

    def ding(self, request):
        timestamp = request.args.get("timestamp", "0")
        expected = base64.b64encode(
            hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
        ).decode()
        # werkzeug decoded the query once: what arrives is the base64 text itself
        fresh = abs(time.time() * 1000 - int(timestamp)) < 3600_000
        if (
            request.args.get("access_token") != DING_TOKEN
            or request.args.get("sign") != expected
            or not fresh
        ):
            self.refused.append("ding sign")
            return self._answer(310000, "sign not match")
        self.messages.append(("ding", request.get_json()))
        return self._answer(0)

    def texts(self):
        return [body["markdown"].get("content") or body["markdown"]["text"] for _robot, body in self.messages]


@pytest.fixture
def robots(httpserver):
    return RobotServer(httpserver)


@pytest.fixture
def township_findings(township, publish, register):
    """渠口乡's 工作动态 stale since 1 Feb, an overdue application and a 留言 past its due date."""
    publish(township, "渠口乡召开春耕动员会", kind="news", published_on=dt.date(2026, 2, 1))
    publish(township, "关于春季防火的通知", kind="notice", published_on=dt.date(2026, 2, 27))
    publish(township, "渠口乡人民政府关于春耕的通知", kind="document", published_on=dt.date(2026, 2, 27))
    register(township, dt.date(2026, 1, 5))
    participation_services.question_submit(
        organisation=township, subject="村道硬化", body="何时？", today=dt.date(2026, 2, 2)
    )


def _robot(organisation, kind, name, url, secrets):
    return ChannelTarget.objects.create(
        organisation=organisation,
        kind=kind,
        name=name,
        config={"api_base": url},
        secrets=json.dumps(secrets),
        default_on=False,
    )


@pytest.fixture
def robot_targets(township, other_township, robots, township_findings):
    wecom = _robot(township, TargetKind.WECOM_ROBOT, "乡村干部群", robots.url, {"key": WECOM_KEY})
    ding = _robot(
        township,
        TargetKind.DINGTALK_ROBOT,
        "乡政务公开钉钉群",
        robots.url,
        {"access_token": DING_TOKEN, "secret": DING_SECRET},
    )
    # another township's robot (the same fake endpoint): it gets 通伏乡's own digest, never 渠口乡's
    _robot(other_township, TargetKind.WECOM_ROBOT, "通伏乡干部群", robots.url, {"key": WECOM_KEY})
    return wecom, ding


def _run_weekly_job():
    out = io.StringIO()
    call_command("self_check", "--digest", stdout=out)
    sent = channel_services.dispatch_run_once(worker="test")
    return out.getvalue(), sent


def test_each_robot_gets_one_signed_digest_a_week_and_a_rerun_sends_nothing(
    settings, township, robots, robot_targets
):
    settings.SITE_URL = "https://gk.example.cn"
    out, sent = _run_weekly_job()
    assert "queued to 3 robot(s)" in out  # 渠口乡's two robots and 通伏乡's one (its empty columns)
    assert sent == {DispatchStatus.CONFIRMED: 3}
    assert (
        sorted(robot for robot, _ in robots.messages) == ["ding", "wecom", "wecom"] and robots.refused == []
    )
    township_texts = [t for t in robots.texts() if t.startswith("### 渠口乡")]
    assert len(township_texts) == 2
    [other] = [t for t in robots.texts() if not t.startswith("### 渠口乡")]
    assert other.startswith("### 通伏乡") and "村道硬化" not in other
    for text in township_texts:
        assert text.startswith("### 渠口乡政务公开自查（2026年03月02日，2026-W10）")
        assert "**未通过**" in text and "- 栏目不更新（1）" in text
        assert "  - 工作动态：已于2026-02-15未通过" in text
        assert "逾期未答复" in text and "村道硬化" in text
        assert "[查看自查详情](https://gk.example.cn/office/supervision/self-check/)" in text
    [ding] = [body for robot, body in robots.messages if robot == "ding"]
    assert ding["markdown"]["title"] == "渠口乡政务公开自查周报（2026-W10）"

    out, sent = _run_weekly_job()  # the same week again (a rerun, a second beat): nothing new
    assert "queued to 0 robot(s)" in out and sent == {}
    assert len(robots.messages) == 3
    keys = set(
        Dispatch.objects.filter(key__startswith="digest-", organisation=township).values_list(
            "key", flat=True
        )
    )
    wecom, ding_target = robot_targets
    assert keys == {
        f"digest-o{township.pk}-t{wecom.pk}-2026-W10",
        f"digest-o{township.pk}-t{ding_target.pk}-2026-W10",
    }


def test_the_next_week_sends_again_and_a_blocked_robot_is_skipped(township, robots, robot_targets):
    findings = queries.self_check(township, today=dt.date(2026, 3, 2))
    assert digest.send_to_robots(township, findings, today=dt.date(2026, 3, 2)) == 2
    assert digest.send_to_robots(township, findings, today=dt.date(2026, 3, 8)) == 0  # Sunday: same ISO week
    channel_services.dispatch_run_once(worker="test")
    wecom, _ding = robot_targets
    wecom.blocked_at = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    wecom.save(update_fields=["blocked_at"])
    assert digest.send_to_robots(township, findings, today=dt.date(2026, 3, 9)) == 1  # a new week, ding only
    channel_services.dispatch_run_once(worker="test")
    assert sorted(robot for robot, _ in robots.messages) == ["ding", "ding", "wecom"]


def test_no_findings_no_message(township, robots, other_township):
    _robot(township, TargetKind.WECOM_ROBOT, "乡村干部群", robots.url, {"key": WECOM_KEY})
    assert digest.send_to_robots(township, [], today=dt.date(2026, 3, 2)) == 0
    assert not Dispatch.objects.exists()


def test_a_long_digest_is_cut_at_a_line_within_the_robots_limit(township):
    from gongkai.channels.adapters import Item, Target
    from gongkai.channels.adapters.robots import DIGEST_EVENT, WeComRobot

    text = "\n".join(["### 自查"] + [f"  - 第{n}条信息未在20个工作日内公开" for n in range(400)])
    item = Item(
        id=1, title="t", url="https://gk.example.cn/s/", organisation="o", body_text=text, event=DIGEST_EVENT
    )
    content = WeComRobot.render(item, Target(id=1, kind="wecom_robot", name="n"))["markdown"]["content"]
    assert len(content.encode()) <= 4096 and content.endswith("……[查看全部](https://gk.example.cn/s/)")
    assert content.splitlines()[-2] in text.splitlines()  # whole lines only
