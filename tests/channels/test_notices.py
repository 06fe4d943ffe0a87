"""Printed notices and the LED feed, rendered from an item's plain values."""

import datetime as dt
import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from gongkai.channels import notices
from gongkai.channels.adapters import Item

ITEM = Item(
    id=9,
    title="关于渠口村2024年农村低保对象的公示",
    url="https://gk.example.cn/item/9/",
    organisation="渠口乡人民政府",
    index_no="11640221MB1959741M/2024-00009",
    body_text="经村民代表会议民主评议，以下3户拟纳入农村最低生活保障，现予公示。",
    kind="posting",
    published_on=dt.date(2024, 5, 6),
    posting_start=dt.date(2024, 5, 7),
    posting_end=dt.date(2024, 5, 13),
    supervision_phone="0952-6860685",
)


def _page_image(pdf: bytes, index: int = 0) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    return document[index].render(scale=3).to_pil()


@pytest.mark.parametrize("size, width_mm", [("A4", 210), ("A3", 297)])
def test_the_notice_prints_chinese_text_and_a_qr_code_of_the_items_url(size, width_mm):
    pdf = notices.notice_pdf([ITEM], size=size, today=dt.date(2024, 5, 6))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    [page] = reader.pages
    assert round(float(page.mediabox.width) / 72 * 25.4) == width_mm
    text = page.extract_text()
    for expected in (
        "关于渠口村2024年农村低保对象的公示",
        "公示期：2024年5月7日至2024年5月13日",
        "监督电话：0952-6860685",
        "渠口乡人民政府",
        "2024年5月6日",
    ):
        assert expected in text.replace("\n", ""), expected
    fonts = {str(f) for p in reader.pages for f in (p["/Resources"]["/Font"].values())}
    assert fonts  # glyphs come from an embedded font, not boxes
    [barcode] = zxingcpp.read_barcodes(_page_image(pdf))
    assert barcode.text == ITEM.url


def test_one_batch_pdf_holds_a_notice_per_item():
    other = Item(
        id=10, title="关于村务公开的通知", url="https://gk.example.cn/item/10/", organisation="渠口乡人民政府"
    )
    pdf = notices.notice_pdf([ITEM, other], today=dt.date(2024, 5, 6))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2
    [barcode] = zxingcpp.read_barcodes(_page_image(pdf, 1))
    assert barcode.text == other.url


def test_a_posting_stays_on_the_screen_until_its_period_ends():
    notice = Item(id=2, title="通知", url="u", organisation="o", published_on=dt.date(2024, 5, 6))
    assert notices.led_current([ITEM, notice], today=dt.date(2024, 5, 6), days=7) == [
        notice
    ]  # 公示 starts tomorrow
    assert notices.led_current([ITEM, notice], today=dt.date(2024, 5, 12), days=7) == [ITEM, notice]
    assert notices.led_current([ITEM, notice], today=dt.date(2024, 5, 13), days=7) == [ITEM]
    assert notices.led_current([ITEM, notice], today=dt.date(2024, 5, 14), days=7) == []


def test_a_scrolling_line_is_cut_to_the_controllers_limit():
    assert (
        notices.led_line(ITEM, max_chars=200)
        == "【渠口乡人民政府】关于渠口村2024年农村低保对象的公示（公示至05月13日）"
    )
    short = notices.led_line(ITEM, max_chars=12)
    assert len(short) == 12 and short.endswith("…")


def test_the_screen_image_has_the_screens_resolution():
    png = notices.led_png(["【渠口乡】低保公示"], width=192, height=64)
    image = Image.open(io.BytesIO(png))
    assert image.size == (192, 64)
    assert image.getbbox() is not None  # something was drawn
