"""微信公众号: a small client of the official-account API on httpx (the maintained Python clients lack the draft and
publishing endpoints), as the API is today (developers.weixin.qq.com/doc/offiaccount; reference/channels.md):

1. ``POST /cgi-bin/stable_token`` ``{"grant_type": "client_credential", "appid", "secret"}``: one token per
   account, held once in the database for every worker (`TokenStore`), refreshed when it is within five minutes
   of its ``expires_in`` (≤ 7200 s) and once on 40001 / 42001 (another process refreshed it, or it expired).
2. The cover: ``POST /cgi-bin/material/add_material?type=image`` (a permanent ``thumb_media_id``), once per
   account (kept in the store).
3. ``POST /cgi-bin/draft/add`` ``{"articles": [...]}`` → ``media_id``; title ≤ 32 characters, content under
   20,000 characters in the HTML subset WeChat keeps, a link to the original with its 索引号.
4. ``POST /cgi-bin/freepublish/submit`` ``{"media_id"}`` → ``publish_id``. Accepted is not published: the send is
   已提交 until ``POST /cgi-bin/freepublish/get`` answers ``publish_status`` 0, whose ``article_url`` is kept
   (1: still publishing; 2–6: refused, never retried).
   Images in the body: those that are the item's own (its attachments ``/item/<id>/attachments/<n>/`` or the site's
   ``/media/`` on the item's own origin) are fetched and uploaded with ``POST /cgi-bin/media/uploadimg`` (multipart
   field ``media``, JPG/PNG under 1 MB; answers ``{"url": "http://mmbiz.qpic.cn/..."}``) and their ``src`` replaced
   before ``draft/add``: WeChat shows no image from another host. Images from elsewhere are dropped by `render`.
   40005 (file type) and 40009 (size) are permanent errors naming the image.
5. Mass send to followers (``/cgi-bin/message/mass/sendall``, ``clientmsgid`` = the dispatch key, so a retry is
   deduplicated) only when the item asks for it: it spends the account's daily quota.

45009 (frequency limit), 45028 (no mass-send quota), 48001 (API not authorised) and 40164 (server address not in
the account's IP whitelist) block the account with a clear message until an administrator acts.
"""

from __future__ import annotations

import datetime
import html
import io
import re
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import nh3

from gongkai.channels.adapters.base import (
    Adapter,
    DeliveryError,
    DeliveryUnknown,
    Item,
    Receipt,
    Target,
    register,
)
from gongkai.channels.adapters.http import request

API = "https://api.weixin.qq.com"
TITLE_LIMIT = 32
CONTENT_LIMIT = 20_000
DIGEST_LIMIT = 120
TOKEN_MARGIN = datetime.timedelta(minutes=5)
TOKEN_ERRORS = {40001, 42001, 40014}
BLOCKING = {
    45009: "接口调用超过频率限制（45009），已暂停该公众号的发送，请管理员在公众平台确认后恢复",
    45028: "群发额度已用完（45028），已暂停该公众号的发送，请管理员确认后恢复",
    48001: "公众号未获得该接口权限（48001），请管理员在公众平台开通（需认证的政务号）后恢复",
    40164: "本服务器的出口 IP 不在公众号的 IP 白名单中（40164），请管理员在公众平台添加后恢复",
}
PUBLISH_REFUSED = {
    2: "原创声明失败",
    3: "常规失败",
    4: "平台审核不通过",
    5: "成功后用户删除所有文章",
    6: "成功后系统封禁所有文章",
}
# The tags and attributes WeChat keeps in an article (others are stripped by the platform; we strip them first).
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "span",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "span": {"style"},
    "p": {"style"},
    "section": {"style"},
}


IMAGE_LIMIT = 1024 * 1024  # media/uploadimg: JPG/PNG "大小必须在1MB以下"
IMAGE_TYPES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG": ("image/png", "png")}
IMAGE_ERRORS = {
    40005: "图片格式不受支持（40005，仅支持 JPG/PNG）",
    40009: "图片大小超出限制（40009，须小于 1MB）",
}
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
IMG_SRC = re.compile(r'\bsrc="([^"]*)"', re.IGNORECASE)


def own_image(src: str, item: Item) -> str:
    """The absolute address of an image of the item's own (its attachments, the site's media), or "" for an
    image from elsewhere (dropped: WeChat does not show images from other hosts)."""
    if not src or src.startswith("data:"):
        return ""
    absolute = urljoin(item.url, src)
    here, there = urlsplit(item.url), urlsplit(absolute)
    if (there.scheme, there.netloc) != (here.scheme, here.netloc):
        return ""
    own = there.path.startswith((f"/item/{item.id}/attachments/", "/media/"))
    return absolute if own else ""


def _images(body: str, item: Item) -> tuple[str, list[str]]:
    """The body with its own images' addresses made absolute and other images removed; the own addresses."""
    found: list[str] = []

    def keep(match: re.Match) -> str:
        src = IMG_SRC.search(match.group(0))
        absolute = own_image(html.unescape(src.group(1)), item) if src else ""
        if not absolute:
            return ""
        if absolute not in found:
            found.append(absolute)
        return IMG_SRC.sub(lambda _: f'src="{html.escape(absolute)}"', match.group(0), count=1)

    kept = IMG_TAG.sub(keep, body)
    if kept != body:
        kept = re.sub(r"<p>\s*</p>", "", kept)  # a paragraph that held only a dropped image
    return kept, found


class TokenStore(Protocol):
    """Where the account's token and cover id are held once for every worker (channels.services gives the
    database one)."""

    def token(self) -> tuple[str, datetime.datetime | None]: ...

    def save_token(self, token: str, expires_at: datetime.datetime) -> None: ...

    def value(self, name: str) -> str: ...

    def save_value(self, name: str, value: str) -> None: ...

    def now(self) -> datetime.datetime: ...


def _content(item: Item) -> str:
    body = nh3.clean(item.body_html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None)
    body, _ = _images(body, item)
    if not body.strip():
        body = "".join(
            f"<p>{nh3.clean(line)}</p>" for line in (item.body_text or "").splitlines() if line.strip()
        )
    head = f"<p>索引号：{nh3.clean(item.index_no)}</p>" if item.index_no else ""
    tail = ""
    if item.posting_start and item.posting_end:
        tail += f"<p>公示期：{item.posting_start:%Y年%m月%d日}至{item.posting_end:%Y年%m月%d日}</p>"
    if item.supervision_phone:
        tail += f"<p>监督电话：{nh3.clean(item.supervision_phone)}</p>"
    tail += (
        f"<p>发布机构：{nh3.clean(item.organisation)}</p>"
        f'<p>原文链接：<a href="{nh3.clean(item.url)}">{nh3.clean(item.url)}</a></p>'
    )
    room = CONTENT_LIMIT - 1 - len(head) - len(tail)
    if len(body) > room:
        body = nh3.clean(body[: room - 40]) + "<p>（正文较长，全文见原文链接）</p>"
    return head + body + tail


@register("wechat")
class WeChat(Adapter):
    confirms = "on_receipt"

    def __init__(self, target: Target, store: TokenStore | None = None):
        super().__init__(target, store)
        self.api = (target.config.get("api_base") or API).rstrip("/")

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        title = item.title if len(item.title) <= TITLE_LIMIT else item.title[: TITLE_LIMIT - 1] + "…"
        digest = (item.body_text or item.title).replace("\n", " ").strip()[:DIGEST_LIMIT]
        content = _content(item)
        images = [html.unescape(m.group(1)) for tag in IMG_TAG.findall(content) if (m := IMG_SRC.search(tag))]
        return {
            **({"images": list(dict.fromkeys(images))} if images else {}),  # the own images to upload
            "article": {
                "title": title,
                "author": (target.config.get("author") or item.organisation)[:16],
                "digest": digest,
                "content": content,
                "content_source_url": item.url,
                "need_open_comment": 0,
                "only_fans_can_comment": 0,
            },
            "mass_send": bool(target.config.get("mass_send")),
        }

    # ---- the API -------------------------------------------------------------------------------------------

    def _fetch_token(self) -> str:
        response = request(
            "POST",
            f"{self.api}/cgi-bin/stable_token",
            timeout=self.timeout,
            json={
                "grant_type": "client_credential",
                "appid": self.target.config.get("appid", ""),
                "secret": self.target.secrets.get("secret", ""),
                "force_refresh": False,
            },
        )
        body = self._body(response)
        if "access_token" not in body:
            self._raise(body, "获取 access_token")
        expires_at = self.store.now() + datetime.timedelta(seconds=int(body.get("expires_in", 7200)))
        self.store.save_token(body["access_token"], expires_at)
        return body["access_token"]

    def _token(self) -> str:
        token, expires_at = self.store.token()
        if token and expires_at and expires_at - TOKEN_MARGIN > self.store.now():
            return token
        return self._fetch_token()

    def _call(self, path: str, *, what: str, json=None, files=None, params=None) -> dict:
        """One API call with the held token; on 40001/42001 the token is fetched again and the call made once
        more."""
        for fresh in (False, True):
            token = self._fetch_token() if fresh else self._token()
            response = request(
                "POST",
                f"{self.api}{path}",
                timeout=self.timeout,
                params={"access_token": token, **(params or {})},
                json=json,
                files=files,
            )
            body = self._body(response)
            if body.get("errcode") in TOKEN_ERRORS and not fresh:
                continue
            if body.get("errcode"):
                self._raise(body, what)
            return body
        raise AssertionError("unreachable")

    @staticmethod
    def _body(response) -> dict:
        if response.status_code >= 500:
            raise DeliveryError(f"微信接口暂时不可用（HTTP {response.status_code}）")
        try:
            return response.json()
        except ValueError:
            raise DeliveryError(f"微信接口答复无法解析（HTTP {response.status_code}）") from None

    @staticmethod
    def _raise(body: dict, what: str):
        code = body.get("errcode")
        if code in IMAGE_ERRORS:
            raise DeliveryError(f"{what}失败：{IMAGE_ERRORS[code]}", permanent=True)
        if code in BLOCKING:
            raise DeliveryError(BLOCKING[code], blocks_target=True)
        if code == -1:  # 系统繁忙
            raise DeliveryError(f"{what}：微信系统繁忙（-1）", retry_after=60)
        if code in TOKEN_ERRORS:
            raise DeliveryError(f"{what}：access_token 无效（{code}）")
        raise DeliveryError(f"{what}失败：{body.get('errmsg', '')}（{code}）", permanent=True)

    def _cover(self) -> str:
        media_id = self.target.config.get("thumb_media_id") or self.store.value("thumb_media_id")
        if media_id:
            return media_id
        png = cover_png()
        body = self._call(
            "/cgi-bin/material/add_material",
            what="上传封面",
            params={"type": "image"},
            files={"media": ("cover.png", png, "image/png")},
        )
        self.store.save_value("thumb_media_id", body["media_id"])
        return body["media_id"]

    # ---- the adapter ---------------------------------------------------------------------------------------

    def _image_bytes(self, src: str) -> tuple[bytes, str, str]:
        """Fetch one of the item's own images from the site, checked as uploadimg requires (JPG/PNG, < 1 MB)."""
        name = urlsplit(src).path.rstrip("/").rsplit("/", 1)[-1] or "image"
        response = request("GET", src, timeout=self.timeout, follow_redirects=True)
        if response.status_code >= 500:
            raise DeliveryError(f"取正文图片 {name} 失败（HTTP {response.status_code}）")
        if response.status_code != 200:
            raise DeliveryError(f"取正文图片 {name} 失败（HTTP {response.status_code}）", permanent=True)
        data = response.content
        kind = next((v for magic, v in IMAGE_TYPES.items() if data.startswith(magic)), None)
        if kind is None:
            raise DeliveryError(f"正文图片 {name} 不是 JPG/PNG，微信不接受（40005）", permanent=True)
        if len(data) >= IMAGE_LIMIT:
            raise DeliveryError(
                f"正文图片 {name} 为 {len(data) // 1024} KB，微信要求小于 1MB（40009）；请压缩后重新发布",
                permanent=True,
            )
        return data, kind[0], f"{name}.{kind[1]}" if not name.lower().endswith(kind[1]) else name

    def _upload_images(self, content: str, images: list[str]) -> str:
        """Each own image uploaded once with media/uploadimg, its src replaced by the mmbiz.qpic.cn address."""
        for src in images:
            data, content_type, name = self._image_bytes(src)
            body = self._call(
                "/cgi-bin/media/uploadimg",
                what=f"上传正文图片 {name}",
                files={"media": (name, data, content_type)},
            )
            url = body.get("url", "")
            if not url:
                raise DeliveryError(f"上传正文图片 {name}：微信未返回图片地址")
            content = content.replace(f'src="{html.escape(src)}"', f'src="{html.escape(url)}"')
        return content

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        article = {**payload["article"], "thumb_media_id": self._cover()}
        if payload.get("images"):
            article["content"] = self._upload_images(article["content"], payload["images"])
        try:
            draft = self._call("/cgi-bin/draft/add", what="新建草稿", json={"articles": [article]})
        except DeliveryUnknown as exc:  # a second draft is harmless: nothing is published yet
            raise DeliveryError(exc.message) from exc
        submitted = self._call(
            "/cgi-bin/freepublish/submit", what="发布", json={"media_id": draft["media_id"]}
        )
        detail = {"media_id": draft["media_id"], "publish_id": str(submitted["publish_id"])}
        if payload.get("mass_send"):
            sent = self._call(
                "/cgi-bin/message/mass/sendall",
                what="群发",
                json={
                    "filter": {"is_to_all": True},
                    "mpnews": {"media_id": draft["media_id"]},
                    "msgtype": "mpnews",
                    "send_ignore_reprint": 0,
                    "clientmsgid": key,
                },
            )
            detail["msg_id"] = str(sent.get("msg_id", ""))
        return Receipt(external_id=detail["publish_id"], detail=detail)

    def check(self, payload: dict[str, Any], key: str, receipt: Receipt | None) -> Receipt | None:
        """Poll the publishing task; when the send's result is unknown (no publish id kept), look for the
        article among the account's published ones by its 原文链接 and title, so it is never published twice."""
        publish_id = (receipt.detail if receipt else {}).get("publish_id")
        if not publish_id:
            return self._find_published(payload)
        body = self._call("/cgi-bin/freepublish/get", what="查询发布状态", json={"publish_id": publish_id})
        status = body.get("publish_status")
        if status == 0:
            items = (body.get("article_detail") or {}).get("item") or [{}]
            url = items[0].get("article_url", "")
            detail = {**receipt.detail, "article_id": body.get("article_id", ""), "article_url": url}
            return Receipt(external_id=publish_id, confirmed=True, detail=detail)
        if status == 1:
            return Receipt(external_id=publish_id, detail=receipt.detail)  # still publishing: ask again later
        reason = PUBLISH_REFUSED.get(status, f"状态 {status}")
        raise DeliveryError(f"公众号发布未成功：{reason}", permanent=True)

    def _find_published(self, payload: dict[str, Any]) -> Receipt | None:
        body = self._call(
            "/cgi-bin/freepublish/batchget",
            what="查询已发布文章",
            json={"offset": 0, "count": 20, "no_content": 1},
        )
        wanted = payload["article"]
        for entry in body.get("item") or []:
            for news in (entry.get("content") or {}).get("news_item") or []:
                if (
                    news.get("content_source_url") == wanted["content_source_url"]
                    and news.get("title") == wanted["title"]
                ):
                    detail = {"article_id": entry.get("article_id", ""), "article_url": news.get("url", "")}
                    return Receipt(external_id=entry.get("article_id", ""), confirmed=True, detail=detail)
        # Not among the published articles, but the task may still be running: publishing again could publish
        # twice, so a person decides.
        raise DeliveryError(
            "发布结果不明：提交发布时超时，已发布文章中未找到，可能仍在发布。请在公众平台核实后在渠道看板重试",
            permanent=True,
        )


def cover_png() -> bytes:
    """A plain cover (900 × 383, the ratio WeChat shows) for accounts without one of their own
    (config thumb_media_id)."""
    from PIL import Image

    image = Image.new("RGB", (900, 383), (178, 34, 34))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
