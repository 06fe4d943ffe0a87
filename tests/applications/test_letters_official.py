"""Issue 12: the 告知书 as official documents (GB/T 9704-2012) — read back from the generated PDF and DOCX files —
with the organ's 发文字号, the applicant addressed by name, and the contact for a reply or a correction."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from official_documents import (
    A4_PT,
    MM,
    PAGE_NUMBER,
    docx_document,
    docx_text,
    east_asian_fonts,
    footer_xml,
    pdf_pages,
    pdf_text,
)

from gongkai.applications import letter_access, letters, services
from gongkai.applications.letter_numbering import default_prefix, looks_like_organisation
from gongkai.applications.models import ApplicationEvent, LetterKind, LetterNumber
from gongkai.core import official_document as gw

D = dt.date
PHONE = "0952-6860685"
ADDRESS = "石嘴山市平罗县渠口乡301省道以北渠口村四队"


def decided(register, organisation, received, decided_on, **applicant):
    application, _ = register(organisation, received, **applicant)
    return services.application_decide(
        application=application, actor=None, date=decided_on, decision="granted", reply_text="现予公开。"
    )


# ---- the page, the fonts, the page numbers ---------------------------------------------------------------------


def test_the_docx_letter_is_a4_with_the_gbt9704_margins_grid_and_east_asian_fonts(case):
    document = docx_document(letters.letter_docx(letters.render_letter(case, LetterKind.DECISION)))
    [section] = document.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # not US Letter
    assert round(section.top_margin.mm) == 37  # 天头
    assert round(section.left_margin.mm) == 28  # 订口
    assert round(section.right_margin.mm) == 26 and round(section.bottom_margin.mm) == 35  # 版心 156 × 225
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 22 lines of 28.95 pt
    fonts = gw.document_fonts()
    paragraphs = document.paragraphs
    body = next(p for p in paragraphs if p.text.startswith("本机关于"))
    assert east_asian_fonts(body) == {fonts.body}
    assert body.runs[0].font.size.pt == 16  # 3号
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    title = next(p for p in paragraphs if p.text == "政府信息公开申请答复告知书")
    assert east_asian_fonts(title) == {fonts.title} and title.runs[0].font.size.pt == 22  # 2号
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # Without a 仿宋 on this machine the body falls back to the serif CJK font, never to a Latin one.
    assert fonts.body in (*gw.FANGSONG, "Noto Serif CJK SC")
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == fonts.body
    odd, even = footer_xml(section)
    for xml in (odd, even):
        assert "PAGE" in xml and "— " in xml and " —" in xml  # 4号 “— 1 —” (7.5)
    assert document.settings.odd_and_even_pages_header_footer
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # odd pages right
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_the_pdf_letter_is_a4_and_carries_the_number_the_addressee_the_contact_and_page_numbers(case):
    number = LetterNumber.objects.get(application=case, kind=LetterKind.DECISION).text
    pages = pdf_pages(letters.letter_pdf(letters.render_letter(case, LetterKind.DECISION)))
    for index, page in enumerate(pages, start=1):
        width, height = page["size"]
        assert abs(width - A4_PT[0]) <= 1 and abs(height - A4_PT[1]) <= 1
        assert [int(n) for n in PAGE_NUMBER.findall(page["raw"])] == [index]
    text = "".join(page["text"] for page in pages)
    assert number == "渠政信公〔2025〕5号" and number in text
    assert "马文礼：" in text  # 主送: a person by name
    assert "您（单位）" not in text
    assert f"联系电话：{PHONE}" in text and ADDRESS in text and "邮编753400" in text
    assert "回复意见或补正申请，请与上述科室联系" in text


def test_the_text_stays_in_the_gbt9704_text_block(case):
    import pypdfium2

    data = letters.letter_pdf(letters.render_letter(case, LetterKind.CORRECTION))
    document = pypdfium2.PdfDocument(data)
    left, right = 28 * MM, (28 + 156) * MM
    top, bottom = A4_PT[1] - 37 * MM, A4_PT[1] - (37 + 225) * MM  # PDF y grows upwards
    for page in document:
        textpage = page.get_textpage()
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            if not char.strip():
                continue
            x0, y0, x1, y1 = textpage.get_charbox(index)
            if y1 < bottom:  # below the block: only the page number, 7 mm down (7.5)
                assert char in "—0123456789", f"{char!r} below the text block"
                assert bottom - 7 * MM - 20 < y1 <= bottom - 7 * MM + 1
                continue
            assert left - 0.5 <= x0 and x1 <= right + 0.5, f"{char!r} at x {x0:.1f}–{x1:.1f}"
            assert y1 <= top + 0.5, f"{char!r} above the text block"


# ---- 发文字号 --------------------------------------------------------------------------------------------------


def test_each_letter_gets_the_next_number_of_the_organisation_and_year_once(case, register, township):
    numbers = {n.kind: n.text for n in LetterNumber.objects.filter(application=case)}
    assert numbers == {
        "correction": "渠政信公〔2025〕1号",
        "consultation": "渠政信公〔2025〕2号",
        "extension": "渠政信公〔2025〕3号",
        "fee": "渠政信公〔2025〕4号",
        "decision": "渠政信公〔2025〕5号",
    }
    for kind, number in numbers.items():  # rendering again, in any format, by anyone keeps the number
        assert letters.render_letter(case, kind).doc_number == number
        assert letter_access.render_for(None, case, kind, applicant=True).doc_number == number
    assert LetterNumber.objects.count() == 5
    later = decided(register, township, D(2025, 12, 1), D(2025, 12, 5))
    assert letters.render_letter(later, LetterKind.DECISION).doc_number == "渠政信公〔2025〕6号"
    next_year = decided(register, township, D(2026, 1, 5), D(2026, 1, 9))
    assert letters.render_letter(next_year, LetterKind.DECISION).doc_number == "渠政信公〔2026〕1号"


def test_another_organisation_counts_its_own_numbers_with_its_own_prefix(case, register, other_township):
    other = decided(register, other_township, D(2025, 10, 8), D(2025, 10, 15))
    assert letters.render_letter(other, LetterKind.DECISION).doc_number == "通政信公〔2025〕1号"


def test_the_prefix_is_an_administrators_setting_and_issued_numbers_keep_theirs(
    case, register, township, admin, clerk
):
    with pytest.raises(Exception, match="只有管理员"):
        services.letter_settings_save(organisation=township, actor=clerk, number_prefix="渠乡公")
    with pytest.raises(Exception, match="只填机关代字"):
        services.letter_settings_save(organisation=township, actor=admin, number_prefix="渠乡公〔2025〕")
    services.letter_settings_save(
        organisation=township, actor=admin, number_prefix="渠乡依申", contact_office="党政综合办公室"
    )
    assert letters.render_letter(case, LetterKind.DECISION).doc_number == "渠政信公〔2025〕5号"
    later = decided(register, township, D(2025, 12, 1), D(2025, 12, 5))
    letter = letters.render_letter(later, LetterKind.DECISION)
    assert letter.doc_number == "渠乡依申〔2025〕6号"  # the same sequence, the new prefix
    assert "联系科室：党政综合办公室" in letter.note and PHONE in letter.note


def test_a_letter_of_an_imported_event_gets_its_number_the_first_time_it_is_printed(township, register):
    application, _ = register(township, D(2025, 9, 26))
    event = ApplicationEvent.objects.create(  # as an import of past cases writes it, without the services
        application=application, kind="correction_requested", date=D(2025, 9, 29), data={"items": "写明年份"}
    )
    assert letters.render_letter(application, LetterKind.CORRECTION).doc_number == ""
    first = letter_access.render_for(None, application, LetterKind.CORRECTION, applicant=True)
    again = letter_access.render_for(None, application, LetterKind.CORRECTION, applicant=True)
    assert first.doc_number == again.doc_number == "渠政信公〔2025〕1号"
    assert LetterNumber.objects.get().event == event


@pytest.mark.django_db(transaction=True)
def test_two_printings_at_once_of_a_new_letter_take_one_number(township, register):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memory", ":memory")
    ):
        pytest.skip("threads need a database file or PostgreSQL")
    application, _ = register(township, D(2025, 9, 26))
    ApplicationEvent.objects.create(application=application, kind="decided", date=D(2025, 10, 9), data={})
    barrier = threading.Barrier(4)
    errors = []

    def issue():
        try:
            barrier.wait()
            services.letter_number_issue(application=application, kind=LetterKind.DECISION)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert list(LetterNumber.objects.values_list("sequence", flat=True)) == [1]


def test_default_prefixes_come_from_the_short_name():
    assert default_prefix(name="渠口乡人民政府", short_name="渠口乡", kind="township") == "渠政信公"
    assert default_prefix(name="平罗县人民政府", short_name="平罗县", kind="county") == "平政信公"
    assert default_prefix(name="平罗县自然资源局", kind="department") == "平自信公"
    assert default_prefix(name="城关街道办事处", kind="subdistrict") == "城政信公"


# ---- addressing ------------------------------------------------------------------------------------------------


def test_an_organisation_is_addressed_by_its_name_and_as_the_unit(township, register, data):
    application, _ = register(township, D(2025, 9, 26), applicant=data.company())
    services.application_request_correction(
        application=application, actor=None, date=D(2025, 9, 29), deadline=D(2025, 10, 17), items="写明年份"
    )
    letter = letters.render_letter(application, LetterKind.CORRECTION)
    assert letter.paragraphs[0] == "平罗县塞上农业发展有限公司："
    assert "收到贵单位提出的政府信息公开申请" in letter.text and "请贵单位于2025年10月17日前" in letter.text
    assert "您" not in letter.text
    docx = docx_text(letters.letter_docx(letter))
    assert "平罗县塞上农业发展有限公司：" in docx and "您（单位）" not in docx


def test_a_person_is_addressed_by_name_and_as_you_and_old_wordings_are_mended(case, admin):
    letter = letters.render_letter(case, LetterKind.EXTENSION)
    assert letter.paragraphs[0] == "马文礼："
    assert "收到您提出的" in letter.text and "您（单位）" not in letter.text
    # The third party consulted is a company: it is the unit, by its name.
    consultation = letters.render_letter(case, LetterKind.CONSULTATION)
    assert consultation.paragraphs[0] == "平罗县塞上农业发展有限公司："
    assert "损害贵单位的合法权益" in consultation.text
    # A wording stored before 称谓 existed still says “您（单位）”: the letter does not.
    services.letter_template_save(
        organisation=case.organisation,
        actor=admin,
        kind="decision",
        body="{{ 申请人 }}：\n本机关已收到您（单位）的申请。\n特此告知。",
    )
    assert letters.render_letter(case, LetterKind.DECISION).paragraphs[1] == "本机关已收到您的申请。"


def test_third_parties_are_told_apart_by_their_names():
    assert looks_like_organisation("平罗县塞上农业发展有限公司")
    assert looks_like_organisation("渠口乡卫生院")
    assert not looks_like_organisation("马文礼")
    assert not looks_like_organisation("王会")


# ---- the signature never alone on the last page -----------------------------------------------------------------


def long_letter(lines: int) -> letters.Letter:
    """A letter whose reply runs `lines` full lines (28 characters each) before the closing paragraphs."""
    reply = ("现将您申请的项目资金拨付明细公开如下，请查收。" * 200)[: lines * gw.CHARS_PER_LINE - 2]
    return letters.Letter(
        kind=LetterKind.DECISION,
        letterhead="渠口乡人民政府",
        title="政府信息公开申请答复告知书",
        number="申请编号：QK-2025-0001",
        paragraphs=("马文礼：", reply, "经审查，现答复如下：予以公开。", "特此告知。"),
        signature="渠口乡人民政府",
        date="2025年11月3日",
        doc_number="渠政信公〔2025〕1号",
        note="（申请编号：QK-2025-0001；联系电话：0952-6860685。回复意见或补正申请，请与上述科室联系。）",
    )


def closing_alone(pdf: bytes, letter: letters.Letter) -> bool:
    """Whether the last page holds nothing but the 署名, the date, the 附注 and its page number."""
    last = pdf_pages(pdf)[-1]["text"]
    rest = last
    for part in (letter.signature, letter.date, letter.note):
        rest = rest.replace(part.replace(" ", ""), "")
    return PAGE_NUMBER.sub("", rest) == ""


def test_the_signature_and_date_never_stand_alone_on_a_last_page():
    from weasyprint import HTML

    alone_without_the_rule = []
    for lines in range(8, 24):  # the closing walks across the foot of the first page
        letter = long_letter(lines)
        html = letters.letter_html(letter)
        kept = letters.letter_pdf(letter)
        assert not closing_alone(kept, letter), f"{lines} lines: the last page holds only the signature"
        assert "特此告知。" in pdf_pages(kept)[-1]["text"]
        loose = HTML(string=html.replace("break-inside: avoid;", "")).write_pdf()
        if closing_alone(loose, letter):
            alone_without_the_rule.append(lines)
    # The sweep does reach the page break: without the keep-together rule some length leaves the closing alone.
    assert alone_without_the_rule, "no length put the closing alone on a page: the sweep proves nothing"


def test_the_docx_keeps_the_last_paragraphs_with_the_signature_and_date():
    letter = long_letter(12)
    document = docx_document(letters.letter_docx(letter))
    paragraphs = document.paragraphs
    signature = max(i for i, p in enumerate(paragraphs) if p.text == letter.signature)  # not the letterhead
    date = next(i for i, p in enumerate(paragraphs) if p.text == letter.date)
    kept_from = next(i for i, p in enumerate(paragraphs) if p.text == "经审查，现答复如下：予以公开。")
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[kept_from:date])
    assert paragraphs[date].paragraph_format.keep_with_next  # with the 附注 below it
    assert not paragraphs[kept_from - 1].paragraph_format.keep_with_next  # the long reply may break
    assert paragraphs[date].paragraph_format.right_indent.pt == pytest.approx(16 * 4, abs=0.5)  # 右空四字
    assert paragraphs[signature].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs[signature].paragraph_format.keep_with_next
    assert paragraphs[-1].text == letter.note


# ---- the case page and the settings page ---------------------------------------------------------------------


def test_the_case_page_shows_each_letters_number(login, clerk, case):
    page = login(clerk).get(reverse("applications_office:case", args=[case.pk])).content.decode()
    assert "渠政信公〔2025〕5号" in page and "渠政信公〔2025〕1号" in page


def test_the_letter_settings_page_is_for_administrators(
    client, login, admin, clerk, other_township, township
):
    url = reverse("applications_office:letter_settings")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert login(clerk).get(url).status_code == 403
    office = login(admin)
    assert "渠政信公" in office.get(url).content.decode()
    assert office.delete(url).status_code == 405
    response = office.post(url, {"number_prefix": "渠乡依申", "contact_phone": "0952-6860000"})
    assert response.status_code == 302
    assert services.number_prefix(township) == "渠乡依申"
    assert services.number_prefix(other_township) == "通政信公"  # another organisation's unchanged
    assert "0952-6860000" in letters.contact_text(letters.letter_contact(township))
    refused = office.post(url, {"number_prefix": "渠乡〔2026〕"})
    assert refused.status_code == 200 and "只填机关代字" in refused.content.decode()


def test_every_letter_kind_renders_in_both_formats_with_its_number(case):
    for kind in LetterKind.values:
        letter = letters.render_letter(case, kind)
        assert letter.doc_number in pdf_text(letters.letter_pdf(letter))
        assert letter.doc_number in docx_text(letters.letter_docx(letter))
