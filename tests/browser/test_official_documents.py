"""Issue 12 in the browser: the clerk sees the 发文字号 on the case page and downloads the 答复告知书; its PDF pages,
rendered to images (pypdfium2 → PNG), are measured in Chromium with a canvas: every mark of ink lies inside the
GB/T 9704-2012 text block (天头 37 mm, 订口 28 mm, 156 × 225 mm) except the page number, 7 mm below it, on the
right of odd pages and the left of even ones; and the last page holds body text above the 署名, not the
signature alone. The reply is made just long enough that, without the keep-together rule, the signature would
stand alone on the last page."""

import base64
import copy
import re
from pathlib import Path

import pytest
from django.utils import timezone
from official_documents import PAGE_NUMBER, pdf_page_images, pdf_pages
from playwright.sync_api import expect
from weasyprint import HTML

from gongkai.applications import letters, services
from gongkai.applications.models import LetterKind

pytestmark = pytest.mark.browser

SCALE = 2  # 144 dpi
PERSON = services.Applicant(
    applicant_type="natural_person",
    applicant_column="",
    name="王秀兰",
    id_number="11010519491231002X",
    phone="13995281234",
    address="渠口乡渠口村四队",
    email="",
)
WANTED = services.Request(
    info_title="渠口乡2026年高标准农田建设项目资金使用情况",
    info_doc_no="",
    info_description="请提供资金拨付明细",
    provision_form="paper",
    delivery="pickup",
)
SENTENCE = "经查，现将您申请的项目资金拨付明细、验收结果和施工合同主要条款予以公开，请查收。"

# In the browser: for each page image, the rows of ink grouped into lines with their extent in pixels.
MEASURE = """
async (sources) => {
  const pages = [];
  for (const source of sources) {
    const image = new Image();
    image.src = source;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const lines = [];
    let current = null;
    for (let y = 0; y < canvas.height; y++) {
      let left = -1, right = -1;
      for (let x = 0; x < canvas.width; x++) {
        const i = (y * canvas.width + x) * 4;
        if (Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) < 160) {
          if (left < 0) left = x;
          right = x;
        }
      }
      if (left >= 0) {
        if (!current) current = {top: y, bottom: y, left, right};
        current.bottom = y;
        current.left = Math.min(current.left, left);
        current.right = Math.max(current.right, right);
      } else if (current) {
        lines.push(current);
        current = null;
      }
    }
    if (current) lines.push(current);
    pages.push({width: canvas.width, height: canvas.height, lines});
  }
  return pages;
}
"""


def only_the_closing(pdf: bytes, letter) -> bool:
    """Whether the last page holds nothing but (the end of) the 署名, date and 附注, and its page number."""
    last = PAGE_NUMBER.sub("", pdf_pages(pdf)[-1]["text"])
    closing = re.sub(r"\s+", "", letter.signature + letter.date + letter.note)
    return closing.endswith(last)


def reply_that_reaches_the_page_foot(application) -> str:
    """The shortest reply whose letter, without the keep-together rule, leaves the closing alone on a last page."""
    for lines in range(6, 40):
        reply = (SENTENCE * 60)[: lines * 28 - 4]
        shown = copy.copy(application)
        shown.decision, shown.decided_on, shown.reply_text = "granted", timezone.localdate(), reply
        letter = letters.render_letter(shown, LetterKind.DECISION)
        loose = letters.letter_html(letter).replace("break-inside: avoid;", "")
        if only_the_closing(HTML(string=loose).write_pdf(), letter):
            return reply
    raise AssertionError("no reply length puts the closing at the foot of a page")


def test_the_reply_letter_prints_inside_the_gbt9704_text_block_and_ends_with_text_above_the_seal(
    page, township, clerk, password
):
    today = timezone.localdate()
    application, _ = services.application_register(
        organisation=township,
        actor=None,
        applicant=PERSON,
        request=WANTED,
        channel="in_person",
        received_on=today,
        today=today,
    )
    reply = reply_that_reaches_the_page_foot(application)
    services.application_decide(
        application=application, actor=None, date=today, decision="granted", reply_text=reply
    )
    number = f"渠政信公〔{today.year}〕1号"

    page.goto("/office/login/")
    page.get_by_label(re.compile("^用户名")).fill("clerk")
    page.get_by_label(re.compile("^密码")).fill(password)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/office/applications/{application.pk}/")
    letter_item = page.locator("li", has_text="答复告知书")
    expect(letter_item.locator(".doc-number")).to_have_text(number)
    with page.expect_download() as info:
        letter_item.get_by_role("link", name="PDF").click()
    pdf = Path(info.value.path()).read_bytes()

    text_pages = pdf_pages(pdf)
    assert len(text_pages) >= 2, "the reply was meant to run onto another page"
    whole = "".join(p["text"] for p in text_pages)
    assert number in whole and "王秀兰：" in whole and "0952-6860685" in whole

    sources = [
        "data:image/png;base64," + base64.b64encode(png).decode() for png in pdf_page_images(pdf, SCALE)
    ]
    page.set_content("<!doctype html><title>pages</title>")
    measured = page.evaluate(MEASURE, sources)

    for number_of_page, sheet in enumerate(measured, start=1):
        mm = sheet["width"] / 210
        assert abs(sheet["height"] / mm - 297) < 1, "not an A4 page"
        block_left, block_right = 28 * mm, (28 + 156) * mm
        block_top, block_bottom = 37 * mm, (37 + 225) * mm
        body = [line for line in sheet["lines"] if line["top"] < block_bottom]
        foot = [line for line in sheet["lines"] if line["top"] >= block_bottom]
        for line in body:
            assert line["top"] >= block_top - 1, f"page {number_of_page}: ink above the 天头 at {line}"
            assert line["bottom"] <= block_bottom + 1, f"page {number_of_page}: ink below the block at {line}"
            assert line["left"] >= block_left - 1, f"page {number_of_page}: ink in the 订口 at {line}"
            assert line["right"] <= block_right + 1, (
                f"page {number_of_page}: ink past the right margin {line}"
            )
        # The page number “— n —”: one line, 7 mm under the block, one character in from its edge (7.5).
        assert len(foot) == 1, f"page {number_of_page}: {len(foot)} lines under the text block"
        [numeral] = foot
        assert 5 * mm <= numeral["top"] - block_bottom <= 9 * mm
        one_char = 14 / 72 * 25.4 * mm
        if number_of_page % 2:
            assert abs((block_right - numeral["right"]) - one_char) < 2 * mm, "odd pages: on the right"
        else:
            assert abs((numeral["left"] - block_left) - one_char) < 2 * mm, "even pages: on the left"

    last = measured[-1]
    mm = last["width"] / 210
    lines = [line for line in last["lines"] if line["top"] < (37 + 225) * mm]
    centre = last["width"] / 2
    # The 署名 and the date start right of the page's centre; body text starts at the left of the block.
    signature = next((i for i, line in enumerate(lines) if line["left"] > centre), None)
    assert signature is not None, "the last page holds no 署名: the closing was split from the letter"
    above = [line for line in lines[:signature] if line["left"] < (28 + 20) * mm]
    assert above, "the last page holds the signature without any text of the letter above it"
    assert lines[signature + 1]["left"] > centre, "the date follows the 署名"
