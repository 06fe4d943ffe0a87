"""Issue 13 in the browser, on a 390 px phone: a villager subscribes to their village's SMS reminders on the
portal and confirms with the code the township's SMS channel (a fake Aliyun SMS API on 127.0.0.1 that checks
every request's ACS3 signature) texted them; the township's next 低保 公示 reaches their number exactly once,
signed, with the way to unsubscribe; they unsubscribe in one step and the next 公示 sends them nothing."""

import json
import re
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "channels"))  # the channels' fake servers
from channel_fakes import FakeAliyunSms, make_target  # noqa: E402

from gongkai.channels import services  # noqa: E402
from gongkai.channels.models import Dispatch, DispatchStatus, Subscriber, TargetKind  # noqa: E402

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}}
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
CODE_TEMPLATE, NOTICE_TEMPLATE = "SMS_CODE_001", "SMS_154950909"
PHONE = "13995281234"


class FakeAliyunWithCodes(FakeAliyunSms):
    """Aliyun's SMS API as in channel_fakes (every signature recomputed and checked), also taking the approved
    verification-code template; `codes` and `notices` keep what each template sent."""

    def __init__(self):
        super().__init__()
        self.codes: list[dict] = []

    def answer(self, request):
        query = request["query"]
        if (
            self._signature_ok(request)
            and request["headers"].get("x-acs-action") == "SendSms"
            and query.get("TemplateCode") == CODE_TEMPLATE
        ):
            with self.lock:
                self.codes.append(query)
            return 200, {"Code": "OK", "Message": "OK", "BizId": "code^0"}, {}
        return super().answer(request)

    @property
    def notices(self) -> list[dict]:
        return [s for s in self.sent if s["TemplateCode"] == NOTICE_TEMPLATE]


@pytest.fixture
def aliyun():
    server = FakeAliyunWithCodes().start()
    yield server
    server.stop()


@pytest.fixture
def sms_channel(township, village, aliyun):
    return make_target(
        township,
        TargetKind.SMS_ALIYUN,
        "阿里云短信",
        config={
            "endpoint": aliyun.url,
            "sign": "渠口乡人民政府",
            "template": NOTICE_TEMPLATE,
            "code_template": CODE_TEMPLATE,
        },
        secrets={"access_key_id": aliyun.key_id, "access_key_secret": aliyun.secret},
    )


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})).violations"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}" for v in result if v["impact"] in ("serious", "critical")
    ]


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}[:：]?\*?$"))


def run_worker(aliyun) -> None:
    """The worker sends; the fake delivers; the worker reads the receipt (asked for at once, not in 2 minutes)."""
    services.dispatch_run_once(worker="journey")
    aliyun.deliver()
    Dispatch.objects.filter(status=DispatchStatus.SUBMITTED).update(next_attempt_at=timezone.now())
    services.dispatch_run_once(worker="journey")


@pytest.mark.phone
@pytest.mark.browser_context(**PHONE_390, bypass_csp=True)  # axe-core is injected as an inline script
def test_a_villager_subscribes_on_a_phone_gets_the_next_posting_once_and_unsubscribes(
    page, township, village, sms_channel, aliyun, publish
):
    page.goto("/org/qukoucun/")
    page.get_by_role("link", name="订阅短信提醒").first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("订阅短信提醒")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the subscription form scrolls sideways on a phone"
    assert axe_violations(page) == []
    expect(field(page, "所在村（社区）")).to_have_value("qukoucun")  # chosen from the village's column

    # two mistakes at once, in plain Chinese, nothing texted
    field(page, "手机号码").fill("1399528123")
    page.get_by_role("button", name="获取短信验证码").tap()
    expect(page.get_by_role("alert")).to_contain_text("请填写正确的11位手机号码")
    expect(page.get_by_role("alert")).to_contain_text("请至少选择一项订阅内容")
    expect(page.get_by_role("alert")).to_contain_text("请阅读并勾选同意后再获取验证码")
    assert aliyun.codes == []

    field(page, "手机号码").fill(PHONE)
    topics = page.get_by_role("group", name="订阅内容")
    topics.get_by_label("低保/救助").check()
    page.get_by_label(re.compile("^我同意渠口乡人民政府通过短信")).check()
    page.get_by_role("button", name="获取短信验证码").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("输入短信验证码")
    expect(page.locator("main")).to_contain_text("139****1234")
    [sent] = aliyun.codes  # one correctly signed request to the villager's number
    assert (sent["PhoneNumbers"], sent["SignName"]) == (PHONE, "渠口乡人民政府")
    code = json.loads(sent["TemplateParam"])["code"]
    assert re.fullmatch(r"\d{6}", code)
    assert axe_violations(page) == []
    field(page, "短信验证码").fill(code)
    page.get_by_role("button", name="确认订阅").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("订阅成功")
    expect(page.locator("main")).to_contain_text("139****1234 已订阅渠口乡渠口村的短信提醒：低保/救助")
    subscriber = Subscriber.objects.get()
    assert (subscriber.organisation, subscriber.consent_source) == (village, "portal")

    # the township publishes the next 低保 公示 of the village: exactly one signed SMS to the number
    today = timezone.localdate()
    first = publish(
        township, "关于渠口村2024年第二季度农村低保对象的公示", kind="posting", published_on=today
    )
    run_worker(aliyun)
    [notice] = aliyun.notices
    assert notice["PhoneNumbers"] == PHONE and notice["SignName"] == "渠口乡人民政府"
    params = json.loads(notice["TemplateParam"])
    assert params["url"].endswith(f"/item/{first.pk}/")
    assert params["unsub"].endswith("/org/qukou/unsubscribe/")  # every notice SMS says how to stop them
    send = Dispatch.objects.get(disclosure=first, target=sms_channel)
    assert (send.status, notice["OutId"]) == (DispatchStatus.CONFIRMED, send.key)  # its receipt read

    # one step: the link shown on subscribing, one confirmation
    page.locator("main a[href*='/org/qukou/unsubscribe/?s=']").tap()
    expect(page.locator("main")).to_contain_text("139****1234 不再收到渠口乡人民政府及各村的短信提醒")
    page.get_by_role("button", name="确认退订").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("已退订")
    assert Subscriber.objects.get().opted_out_at is not None

    second = publish(
        township, "关于渠口村2024年第三季度农村低保对象的公示", kind="posting", published_on=today
    )
    run_worker(aliyun)
    assert len(aliyun.notices) == 1  # nothing more to them
    assert not Dispatch.objects.filter(disclosure=second, target=sms_channel).exists()
