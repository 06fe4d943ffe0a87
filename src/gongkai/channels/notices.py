"""Printed notices for the 公开栏 and 村级公告栏, and the LED screens' feed: rendered from an item's plain values.

A notice (reference/channels.md, 党政机关公文格式 GB/T 9704 proportions): A4 portrait, a text block of 156 × 225 mm
(margins 37 mm top, 28 mm left, 26 mm right, 35 mm bottom), body in 仿宋 size 3 (16 pt; Noto Serif CJK where 仿宋 is
not installed), title in size 2 (22 pt); A3 is the same page scaled by √2. It states the title, the body, the
公示期 from the calendar, the 监督电话, the 落款 (organisation) and the date in Arabic numerals, and carries a QR
code (segno) of the item's permanent URL. One PDF can hold many notices (a batch for every village board).

The LED feed lists the items a screen shows: a 公示 until its period ends, another item for `days` after it was
published; each line is cut to the screen's scrolling-text limit.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

import nh3
import segno
from django.template.loader import render_to_string

from gongkai.channels.adapters import Item

SIZES = {"A4": 1.0, "A3": 2**0.5}
BODY_TAGS = {"p", "br", "strong", "b", "em", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li"}
CJK_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (error correction M, 4-module quiet zone)."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=4, border=4)


def notice_html(items: Iterable[Item], *, size: str = "A4", today: datetime.date) -> str:
    """The notices of `items` as one HTML document, one page each (pure: `today` is passed in)."""
    if size not in SIZES:
        raise ValueError(f"unknown paper size {size!r}")
    pages = [
        {
            "item": item,
            "body": nh3.clean(item.body_html, tags=BODY_TAGS, attributes={}) if item.body_html else "",
            "paragraphs": [line for line in (item.body_text or "").splitlines() if line.strip()],
            "qr": qr_svg(item.url),
            "date": item.published_on or today,
        }
        for item in items
    ]
    return render_to_string("channels/notice.html", {"pages": pages, "size": size, "scale": SIZES[size]})


def notice_pdf(items: Iterable[Item], *, size: str = "A4", today: datetime.date) -> bytes:
    from weasyprint import HTML

    return HTML(string=notice_html(items, size=size, today=today)).write_pdf()


def led_current(items: Iterable[Item], *, today: datetime.date, days: int = 7) -> list[Item]:
    """The items a screen shows today: a 公示 within its period, another item for `days` after publication."""
    shown = []
    for item in items:
        if item.posting_end:
            if (item.posting_start or item.published_on or today) <= today <= item.posting_end:
                shown.append(item)
        elif item.published_on and today <= item.published_on + datetime.timedelta(days=days - 1):
            shown.append(item)
    return shown


def led_line(item: Item, *, max_chars: int) -> str:
    """One scrolling line: the title, and for a 公示 its end date, cut to the controller's limit."""
    line = f"【{item.organisation}】{item.title}"
    if item.posting_end:
        line += f"（公示至{item.posting_end:%m月%d日}）"
    return line if len(line) <= max_chars else line[: max_chars - 1] + "…"


def led_png(lines: list[str], *, width: int, height: int) -> bytes:
    """The feed as an image at the screen's resolution (red text on black), for controllers that take only
    images; lines that do not fit are left for the next page of the controller's own cycle."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), (0, 0, 0))
    draw = ImageDraw.Draw(image)
    size = max(10, min(32, height // 2))
    font = ImageFont.truetype(CJK_SANS, size)
    y = 0
    for line in lines or ["暂无公开信息"]:
        if y + size > height:
            break
        draw.text((0, y), line, font=font, fill=(255, 0, 0))
        y += size + 2
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
