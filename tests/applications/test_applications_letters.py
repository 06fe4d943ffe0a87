import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from gongkai.applications import letters, services
from gongkai.applications.letters import LetterError
from gongkai.applications.models import LetterKind

D = dt.date


def pdf_text(data: bytes) -> str:
    return (
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        .replace(" ", "")
        .replace("\n", "")
    )


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_the_decision_letter_has_letterhead_case_number_basis_and_remedies_in_pdf_and_docx(case):
    letter = letters.render_letter(case, LetterKind.DECISION)
    pdf = pdf_text(letters.letter_pdf(letter))
    docx = docx_text(letters.letter_docx(letter))
    for text in (pdf, docx):
        assert "渠口乡人民政府" in text
        assert "政府信息公开申请答复告知书" in text
        assert case.case_number in text
        assert "第三十七条" in text
        assert "60日内向平罗县人民政府申请行政复议" in text
        assert "6个月内依法向人民法院提起行政诉讼" in text
        assert "2025年11月3日" in text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (LetterKind.CORRECTION, "请写明所需信息的年份和村组"),
        (LetterKind.EXTENSION, "答复期限延长10个工作日"),
        (LetterKind.CONSULTATION, "平罗县塞上农业发展有限公司"),
        (LetterKind.FEE, "按量计收"),
    ],
)
def test_every_letter_renders_its_chinese_content_in_pdf_and_docx(case, kind, expected):
    letter = letters.render_letter(case, kind)
    assert expected in pdf_text(letters.letter_pdf(letter))
    assert expected in docx_text(letters.letter_docx(letter))


def test_a_letter_for_a_step_not_taken_is_refused(township, register):
    application, _ = register(township, D(2025, 3, 3))
    with pytest.raises(LetterError, match="尚未作出答复"):
        letters.render_letter(application, LetterKind.DECISION)


def test_an_organisation_may_use_its_own_wording(case, admin, clerk):
    with pytest.raises(Exception, match="只有管理员"):
        services.letter_template_save(organisation=case.organisation, actor=clerk, kind="decision", body="x")
    with pytest.raises(LetterError, match="模板语法错误"):
        services.letter_template_save(
            organisation=case.organisation, actor=admin, kind="decision", body="{% if %}"
        )
    services.letter_template_save(
        organisation=case.organisation,
        actor=admin,
        kind="decision",
        body="{{ 申请人 }}：\n经研究，{{ 答复类型 }}。",
    )
    letter = letters.render_letter(case, LetterKind.DECISION)
    assert letter.paragraphs == ("马文礼：", "经研究，部分公开。")


def test_letters_state_the_due_dates_of_the_clock_on_their_own_date(case):
    # The extension letter of 21 October gives the due date known that day: the fee pause of 22–24 October,
    # which came later, moves the case's due date to 4 December but not what the letter said.
    extension = letters.render_letter(case, LetterKind.EXTENSION)
    assert "本机关将于2025年12月1日前作出答复" in extension.text
    assert extension.date == "2025年10月21日"
    # The third party answers within 15 working days of receiving the letter (Art. 32).
    assert "即2025年10月30日前" in letters.render_letter(case, LetterKind.CONSULTATION).text
    # The fee is due 20 working days after the notice was received.
    assert "即2025年11月19日前" in letters.render_letter(case, LetterKind.FEE).text
