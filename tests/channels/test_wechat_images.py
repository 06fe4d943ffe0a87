"""Images inside a WeChat article: the item's own images (its attachments, the site's media) are fetched from the
site and uploaded with media/uploadimg, their src replaced by the mmbiz.qpic.cn address before draft/add; images
from elsewhere are dropped; a stale token is refreshed once; 40005/40009 end the send with a clear message.

The fake official-account API speaks uploadimg as documented (POST multipart, field ``media``, JPG/PNG under 1 MB,
answers ``{"url": "http://mmbiz.qpic.cn/..."}``; errcode 40005 invalid file type, 40009 invalid image size):
https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Adding_Permanent_Assets.html (上传图文消息内的图片获取URL).
"""

import io
import json
import re
from pathlib import Path

import pytest
from channel_fakes import FakeServer, FakeWeChat, make_target
from PIL import Image

from gongkai.channels import services
from gongkai.channels.adapters import Item, Target
from gongkai.channels.adapters.wechat import WeChat, own_image
from gongkai.channels.models import Dispatch, DispatchStatus, TargetKind

pytestmark = pytest.mark.today("2024-05-06")
GOLDEN = Path(__file__).parent / "golden"


def png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (0, 90, 0)).save(out, format="JPEG")
    return out.getvalue()


class FakeWeChatImages(FakeWeChat):
    """FakeWeChat with media/uploadimg: the multipart body must carry the file in the field `media`, as a JPG or
    PNG of under 1 MB."""

    def __init__(self):
        super().__init__()
        self.images: list[bytes] = []

    def _api(self, path, body, request):
        if path != "/cgi-bin/media/uploadimg":
            return super()._api(path, body, request)
        raw = request["raw"]
        match = re.search(rb'name="media"; filename="[^"]+"\r\nContent-Type: ([^\r]+)\r\n\r\n', raw)
        if not request["headers"].get("content-type", "").startswith("multipart/form-data") or not match:
            return 200, {"errcode": 41005, "errmsg": "media data missing"}, {}
        if match.group(1) not in (b"image/png", b"image/jpeg"):
            return 200, {"errcode": 40005, "errmsg": "invalid file type"}, {}
        data = raw[match.end() : raw.rindex(b"\r\n--")]
        if len(data) >= 1024 * 1024:
            return 200, {"errcode": 40009, "errmsg": "invalid image size"}, {}
        self.images.append(data)
        return 200, {"url": f"http://mmbiz.qpic.cn/mmbiz_png/IMG{len(self.images)}/0"}, {}


class FakePortal(FakeServer):
    """The site's public files: the item's attachments and /media/, as the worker fetches them."""

    def __init__(self, files: dict[str, bytes]):
        super().__init__()
        self.files = files

    def answer(self, request):
        if request["path"] in self.files:
            return 200, self.files[request["path"]], {}
        return 404, b"not found", {}


@pytest.fixture
def wechat():
    server = FakeWeChatImages().start()
    yield server
    server.stop()


@pytest.fixture
def portal():
    server = FakePortal(
        {
            "/item/7/attachments/1/": png(),
            "/media/photos/site.jpg": jpeg(),
            "/item/7/attachments/2/": b"GIF89a...",
        }
    ).start()
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


def body(origin: str) -> str:
    return (
        "<p>现场照片如下。</p>"
        '<p><img src="/item/7/attachments/1/" alt="公示现场"></p>'
        f'<p><img src="{origin}/media/photos/site.jpg"></p>'
        '<p><img src="https://evil.example.com/track.png" alt="外部"></p>'
        '<p><img src="/item/8/attachments/3/" alt="别的信息的附件"></p>'
        '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="内嵌"></p>'
        '<p><img src="/item/7/attachments/1/" alt="同一张再次出现"></p>'
    )


def item(origin: str, html: str | None = None) -> Item:
    return Item(
        id=7,
        title="渠口村道路硬化工程公示",
        url=f"{origin}/item/7/",
        organisation="渠口乡人民政府",
        index_no="11640221MB1959741M/2024-00007",
        body_html=html if html is not None else body(origin),
        body_text="现场照片如下。",
    )


def test_the_article_with_images_renders_as_pinned():
    origin = "https://gk.example.cn"
    payload = WeChat.render(item(origin), Target(id=1, kind="wechat", name="渠口乡发布"))
    golden = json.loads((GOLDEN / "wechat_images.json").read_text(encoding="utf-8"))
    assert payload == golden
    content = payload["article"]["content"]
    assert "evil.example.com" not in content and "/item/8/" not in content and "data:" not in content
    assert payload["images"] == [f"{origin}/item/7/attachments/1/", f"{origin}/media/photos/site.jpg"]


@pytest.mark.parametrize(
    ("src", "own"),
    [
        ("/item/7/attachments/1/", True),
        ("https://gk.example.cn/media/a.png", True),
        ("//gk.example.cn/media/a.png", True),
        ("http://gk.example.cn/media/a.png", False),  # another origin (scheme)
        ("https://gk.example.cn.evil.com/media/a.png", False),
        ("/item/70/attachments/1/", False),
        ("/office/catalog/attachments/1/", False),
        ("data:image/png;base64,xx", False),
        ("", False),
    ],
)
def test_which_images_are_the_items_own(src, own):
    assert bool(own_image(src, item("https://gk.example.cn", ""))) is own


def _send(township, account, origin, html=None):
    services.dispatch_enqueue(organisation=township, target=account, item=item(origin, html))
    return services.dispatch_run_once(worker="w")


def test_own_images_are_uploaded_once_and_replaced_before_the_draft(township, account, wechat, portal):
    assert _send(township, account, portal.url) == {DispatchStatus.SUBMITTED: 1}
    assert wechat.calls("/cgi-bin/media/uploadimg") == 2  # the repeated image once
    assert wechat.images == [png(), jpeg()]
    [draft] = wechat.drafts.values()
    content = draft["content"]
    assert content.count('src="http://mmbiz.qpic.cn/mmbiz_png/IMG1/0"') == 2
    assert 'src="http://mmbiz.qpic.cn/mmbiz_png/IMG2/0"' in content
    assert portal.url not in content.split("原文链接")[0]  # no image left pointing at our site
    assert re.findall(r'<img src="([^"]+)"', content) == [
        "http://mmbiz.qpic.cn/mmbiz_png/IMG1/0",
        "http://mmbiz.qpic.cn/mmbiz_png/IMG2/0",
        "http://mmbiz.qpic.cn/mmbiz_png/IMG1/0",
    ]
    assert wechat.calls("/cgi-bin/freepublish/submit") == 1


def test_a_stale_token_is_refreshed_once_during_the_upload(township, account, wechat, portal):
    html = '<p><img src="/item/7/attachments/1/"></p>'
    assert _send(township, account, portal.url, html) == {DispatchStatus.SUBMITTED: 1}
    wechat.expire_token()  # another worker refreshed it: our held token answers 42001
    services.dispatch_enqueue(
        organisation=township, target=account, item=item(portal.url, html + "<p>二</p>")
    )
    Dispatch.objects.filter(status=DispatchStatus.SUBMITTED).update(needs_check=False)
    assert services.dispatch_run_once(worker="w") == {DispatchStatus.SUBMITTED: 1}
    uploads = [r for r in wechat.requests if r["path"] == "/cgi-bin/media/uploadimg"]
    assert [r["query"]["access_token"] for r in uploads] == ["TOKEN-1", "TOKEN-1", "TOKEN-2"]
    assert wechat.token_calls == 2 and len(wechat.images) == 2


def test_an_image_wechat_refuses_ends_the_send_with_its_reason(township, account, wechat, portal):
    wechat.script = [{}, {}, {"status": 200, "body": {"errcode": 40009, "errmsg": "invalid image size"}}]
    html = '<p><img src="/item/7/attachments/1/"></p>'
    assert _send(township, account, portal.url, html) == {DispatchStatus.DEAD: 1}
    dispatch = Dispatch.objects.get(target=account)
    assert (
        "40009" in dispatch.last_error
        and "1MB" in dispatch.last_error
        and "上传正文图片" in dispatch.last_error
    )
    assert not wechat.drafts


def test_an_image_that_is_not_jpg_or_png_is_refused_before_upload(township, account, wechat, portal):
    html = '<p><img src="/item/7/attachments/2/"></p>'
    assert _send(township, account, portal.url, html) == {DispatchStatus.DEAD: 1}
    assert "不是 JPG/PNG" in Dispatch.objects.get(target=account).last_error
    assert wechat.calls("/cgi-bin/media/uploadimg") == 0 and not wechat.drafts


def test_an_image_over_one_megabyte_is_refused_before_upload(township, account, wechat, portal):
    portal.files["/item/7/attachments/1/"] = b"\x89PNG" + b"0" * (1024 * 1024)
    html = '<p><img src="/item/7/attachments/1/"></p>'
    assert _send(township, account, portal.url, html) == {DispatchStatus.DEAD: 1}
    assert "小于 1MB" in Dispatch.objects.get(target=account).last_error
    assert wechat.calls("/cgi-bin/media/uploadimg") == 0


def test_vendor_40005_is_a_clear_permanent_error(township, account, wechat, portal):
    wechat.script = [{}, {}, {"status": 200, "body": {"errcode": 40005, "errmsg": "invalid file type"}}]
    assert _send(township, account, portal.url, '<p><img src="/item/7/attachments/1/"></p>') == {
        DispatchStatus.DEAD: 1
    }
    assert "40005" in Dispatch.objects.get(target=account).last_error
