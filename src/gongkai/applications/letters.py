"""Letters of 依申请公开 from editable templates, as official documents: DOCX (python-docx) and PDF (WeasyPrint).

A template is Django template text with Chinese placeholders such as ``{{ 申请人 }}``; an organisation may store
its own wording (`LetterTemplate`), otherwise the default below is used. The rendered text is then laid out as
GB/T 9704-2012 《党政机关公文格式》 sets out (page, fonts and page numbers: `core.official_document`):

- 版头: the 发文机关标志 (the organisation's name, red), the 发文字号 (“渠政信公〔2026〕3号”, issued once per letter:
  `letter_numbering`, `services.letter_numbers`) and the red separator line (7.2);
- 主体: the title in 2号, the 主送 line — the applicant by name, a person as “张三：”, an organisation as
  “某某有限公司：” — the body addressing a person as 您 and an organisation as 贵单位 (never “您（单位）”), the
  发文机关署名 centred over the 成文日期, which stands four characters in from the right (7.3.5), and a 附注 with
  the office, phone and address to contact for a reply or a correction (7.3.7);
- the 署名 and the date never stand alone on a last page: the last body paragraph (two when the last is one
  short line such as “特此告知。”) is kept on their page (CSS ``break-inside: avoid``; DOCX ``keep_with_next``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template import Context, Template, TemplateSyntaxError

from gongkai.applications.clock import EventKind, PauseReason
from gongkai.applications.decisions import DECISIONS
from gongkai.applications.letter_numbering import form_of_address, letter_event, looks_like_organisation
from gongkai.applications.models import (
    Application,
    FeeNotice,
    LetterKind,
    LetterNumber,
    LetterSettings,
    LetterTemplate,
)
from gongkai.applications.queries import clock_when
from gongkai.core import official_document as gw
from gongkai.core.errors import DomainError

REMEDY = (
    "申请人对本告知不服的，可以自收到本告知书之日起60日内向{{ 复议机关 }}申请行政复议，"
    "或者自收到本告知书之日起6个月内依法向人民法院提起行政诉讼。"
)

TITLES = {
    LetterKind.DECISION: "政府信息公开申请答复告知书",
    LetterKind.CORRECTION: "政府信息公开申请补正告知书",
    LetterKind.EXTENSION: "政府信息公开申请延期答复告知书",
    LetterKind.CONSULTATION: "政府信息公开征求意见函",
    LetterKind.FEE: "政府信息公开信息处理费收费通知",
}

DEFAULT_TEMPLATES = {
    LetterKind.DECISION: (
        "{{ 申请人 }}：\n"
        "本机关于{{ 收到日期 }}收到{{ 称谓 }}提出的政府信息公开申请（申请编号：{{ 申请编号 }}），"
        "申请获取“{{ 申请内容 }}”。\n"
        "经审查，现答复如下：{{ 答复类型 }}。\n"
        "{{ 答复内容 }}\n"
        "{% if 法律依据 %}依据：{{ 法律依据 }}。\n{% endif %}" + REMEDY + "\n特此告知。"
    ),
    LetterKind.CORRECTION: (
        "{{ 申请人 }}：\n"
        "本机关于{{ 收到日期 }}收到{{ 称谓 }}提出的政府信息公开申请（申请编号：{{ 申请编号 }}）。"
        "经审查，{{ 称谓 }}的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，"
        "请{{ 称谓 }}于{{ 补正期限 }}前对以下事项作出补正：\n"
        "{{ 补正事项 }}\n"
        "答复期限自本机关收到补正的申请之日起计算。{{ 称谓 }}无正当理由逾期不补正的，视为放弃申请，"
        "本机关不再处理该政府信息公开申请。\n"
        "特此告知。"
    ),
    LetterKind.EXTENSION: (
        "{{ 申请人 }}：\n"
        "本机关于{{ 收到日期 }}收到{{ 称谓 }}提出的政府信息公开申请（申请编号：{{ 申请编号 }}）。"
        "因{{ 延期理由 }}，不能在法定期限内作出答复。根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，"
        "经本机关政府信息公开工作机构负责人同意，答复期限延长{{ 延期天数 }}个工作日，"
        "本机关将于{{ 延长后期限 }}前作出答复。\n"
        "特此告知。"
    ),
    LetterKind.CONSULTATION: (
        "{{ 第三方 }}：\n"
        "本机关于{{ 收到日期 }}收到政府信息公开申请（申请编号：{{ 申请编号 }}），"
        "申请获取“{{ 申请内容 }}”。该信息的公开可能损害{{ 称谓 }}的合法权益。"
        "根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求{{ 称谓 }}的意见。\n"
        "请于收到本函之日起15个工作日内（即{{ 意见期限 }}前）提出意见。逾期未提出意见的，由本机关依照条例的规定决定是否公开。"
        "第三方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，"
        "并将决定公开的政府信息内容和理由书面告知第三方。\n"
        "特此函告。"
    ),
    LetterKind.FEE: (
        "{{ 申请人 }}：\n"
        "{{ 称谓 }}于{{ 收到日期 }}提出的政府信息公开申请（申请编号：{{ 申请编号 }}），"
        "申请公开政府信息的数量、频次明显超过合理范围。根据《中华人民共和国政府信息公开条例》第四十二条和"
        "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本机关决定{{ 计收方式 }}信息处理费，"
        "应缴金额为人民币{{ 收费金额 }}元。\n"
        "计算说明：{{ 计费说明 }}\n"
        "请于收到本通知次日起20个工作日内（即{{ 缴费期限 }}前）缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。"
        "缴费期间不计算在答复期限内。\n"
        "特此通知。"
    ),
}

PLACEHOLDERS = {
    "申请人": "申请人姓名或名称",
    "申请编号": "如 QK-2025-0007",
    "机关名称": "本机关名称",
    "收到日期": "收到申请之日",
    "申请内容": "所需信息的名称、文号或描述",
    "答复日期": "作出答复之日",
    "答复类型": "如“予以公开”",
    "法律依据": "条例条款",
    "答复内容": "答复正文",
    "补正事项": "需要补正的内容",
    "补正期限": "补正截止日期",
    "延期天数": "延长的工作日数",
    "延期理由": "延期理由",
    "延长后期限": "延长后的答复期限",
    "第三方": "被征求意见的第三方",
    "意见期限": "第三方提出意见的期限",
    "计收方式": "按件计收或按量计收",
    "收费金额": "应缴金额（元）",
    "计费说明": "计算过程",
    "缴费期限": "缴费截止日期",
    "复议机关": "行政复议机关",
    "称谓": "正文中对收文人的称呼：个人为“您”，单位为“贵单位”",
    "文号": "本告知书的发文字号，如“渠政信公〔2026〕3号”",
    "联系方式": "答复或补正的联系科室、电话和地址",
}
# Stored wordings written before 称谓 existed: the form-letter “您（单位）” becomes 您 or 贵单位.
FORM_LETTER_ADDRESS = ("您（单位）", "您(单位)")


class LetterError(DomainError):
    pass


def _d(day) -> str:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def check_template(body: str) -> None:
    try:
        Template(body)
    except TemplateSyntaxError as exc:
        raise LetterError(f"模板语法错误：{exc}", field="body") from None


def template_body(organisation, kind: str) -> str:
    stored = LetterTemplate.objects.filter(organisation=organisation, kind=kind).values_list(
        "body", flat=True
    )
    return stored.first() or DEFAULT_TEMPLATES[kind]


def _last_event(application: Application, *kinds):
    return application.events.filter(kind__in=list(kinds)).order_by("-date", "-id").first()


def review_body(organisation) -> str:
    # Art. 51 / 行政复议法: the government one level up (or the superior department) reviews.
    parent = organisation.parent
    return parent.name if parent else "上一级行政机关"


def letter_contact(organisation) -> dict:
    """Whom to contact for a reply or a correction: the organisation's letter settings, else its 政府信息公开工作
    机构, else the organisation itself (office name, phone, address, postcode)."""
    settings = LetterSettings.objects.filter(organisation=organisation).first()
    office = organisation.disclosure_office or organisation

    def first(*values):
        return next((v.strip() for v in values if v and v.strip()), "")

    return {
        "office": first(settings and settings.contact_office, office.name),
        "phone": first(settings and settings.contact_phone, office.phone, organisation.phone),
        "address": first(settings and settings.contact_address, office.address, organisation.address),
        "postcode": first(office.postcode, organisation.postcode),
    }


def contact_text(contact: dict) -> str:
    parts = [f"联系科室：{contact['office']}"] if contact["office"] else []
    if contact["phone"]:
        parts.append(f"联系电话：{contact['phone']}")
    if contact["address"]:
        postcode = f"（邮编{contact['postcode']}）" if contact["postcode"] else ""
        parts.append(f"通信地址：{contact['address']}{postcode}")
    return "；".join(parts)


def letter_context(application: Application, kind: str) -> tuple[dict, dt.date]:
    """The placeholders of a letter and its date; LetterError when the case has not reached that step. Due dates
    are the clock's as it stood on the letter's date (`queries.clock_when`), never recomputed here."""
    organisation = application.organisation
    contact = letter_contact(organisation)
    context = {
        "申请人": application.applicant_name,
        "申请编号": application.case_number,
        "机关名称": organisation.name,
        "收到日期": _d(application.received_on),
        "申请内容": application.info_summary,
        "复议机关": review_body(organisation),
        "称谓": form_of_address(is_organisation=application.is_organisation),
        "联系方式": contact_text(contact),
    }
    if kind == LetterKind.DECISION:
        if not application.decided_on or not application.decision:
            raise LetterError("尚未作出答复，不能生成答复告知书")
        decision = DECISIONS[application.decision]
        context.update(
            答复日期=_d(application.decided_on),
            答复类型=decision.display,
            法律依据=application.legal_basis
            or (f"《中华人民共和国政府信息公开条例》{decision.article}" if decision.article else ""),
            答复内容=application.reply_text,
        )
        return context, application.decided_on
    if kind == LetterKind.CORRECTION:
        event = _last_event(application, EventKind.CORRECTION_REQUESTED)
        if event is None:
            raise LetterError("尚未告知补正，不能生成补正告知书")
        context.update(补正事项=event.data.get("items", ""), 补正期限=_d(event.data.get("deadline")))
        return context, event.date
    if kind == LetterKind.EXTENSION:
        event = _last_event(application, EventKind.EXTENSION_APPROVED)
        if event is None:
            raise LetterError("尚未批准延期，不能生成延期告知书")
        status = clock_when(event)
        context.update(
            延期天数=status.extension_workdays,
            延期理由=event.data.get("reason", ""),
            延长后期限=_d(status.due_on),
        )
        return context, event.date
    if kind == LetterKind.CONSULTATION:
        event = _last_event(application, EventKind.THIRD_PARTY_CONSULTATION_OPENED)
        if event is None:
            raise LetterError("尚未征求第三方意见，不能生成征求意见函")
        # The pause of a consultation ends at the latest on the third party's reply date (Art. 32).
        reply_due = next(
            p.cap for p in reversed(clock_when(event).pauses) if p.reason is PauseReason.THIRD_PARTY
        )
        consulted = event.data.get("consulted", "") or "第三方"
        context.update(
            第三方=consulted,
            意见期限=_d(reply_due),
            # The letter goes to the third party: it is addressed as a person or as an organisation by its name.
            称谓=form_of_address(is_organisation=looks_like_organisation(consulted)),
        )
        return context, event.date
    if kind == LetterKind.FEE:
        notice: FeeNotice | None = application.fee_notices.order_by("-sent_on", "-id").first()
        event = _last_event(application, EventKind.FEE_NOTICE_SENT)
        if notice is None or event is None:
            raise LetterError("尚未发出收费通知")
        context.update(
            计收方式=notice.get_basis_display(),
            收费金额=f"{notice.amount_quoted:.2f}",
            计费说明=notice.explanation,
            缴费期限=_d(clock_when(event).fee_payment_due),
        )
        return context, notice.sent_on
    raise LetterError("未知的文书类型")


@dataclass(frozen=True)
class Letter:
    kind: str
    letterhead: str  # 发文机关标志
    title: str
    number: str  # 申请编号：…
    paragraphs: tuple[str, ...]  # the first is the 主送 line (“张三：”)
    signature: str  # 发文机关署名
    date: str  # 成文日期
    doc_number: str = ""  # 发文字号, e.g. 渠政信公〔2026〕3号
    note: str = ""  # 附注: whom to contact for a reply or a correction

    @property
    def text(self) -> str:
        return "\n".join(
            line
            for line in [
                self.letterhead,
                self.doc_number,
                self.title,
                self.number,
                *self.paragraphs,
                self.signature,
                self.date,
                self.note,
            ]
            if line
        )

    @property
    def filename(self) -> str:
        return f"{self.number.removeprefix('申请编号：')}-{TITLES[self.kind]}"

    @property
    def ending_start(self) -> int:
        """Index of the first body paragraph kept on the page of the 署名 and date: the last one, or the last two
        when the last is a single short line such as “特此告知。” (a page of only a closing formula and the
        signature is as bad as one of the signature alone). The 主送 line (index 0) is never held back alone."""
        last = len(self.paragraphs) - 1
        if last >= 2 and len(self.paragraphs[last]) <= gw.CHARS_PER_LINE - 2:
            return last - 1
        return max(last, 1) if last >= 1 else 0


def issued_number(application: Application, kind: str) -> str:
    """The 发文字号 already issued to this letter, or "" (numbers are issued by `services.letter_number_issue`)."""
    event = letter_event(application, kind)
    if event is None:
        return ""
    number = LetterNumber.objects.filter(application_id=application.pk, kind=kind, event=event).first()
    return number.text if number else ""


def render_letter(application: Application, kind: str) -> Letter:
    if kind not in TITLES:
        raise LetterError("未知的文书类型")
    context, date = letter_context(application, kind)
    doc_number = issued_number(application, kind)
    context["文号"] = doc_number
    body = template_body(application.organisation, kind)
    for form_letter in FORM_LETTER_ADDRESS:
        body = body.replace(form_letter, "{{ 称谓 }}")
    try:
        text = Template(body).render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise LetterError(f"文书模板有误：{exc}") from None
    paragraphs = tuple(line.strip() for line in text.splitlines() if line.strip())
    contact = context["联系方式"]
    return Letter(
        kind=kind,
        letterhead=application.organisation.name,
        title=TITLES[kind],
        number=f"申请编号：{application.case_number}",
        paragraphs=paragraphs,
        signature=application.organisation.name,
        date=_d(date),
        doc_number=doc_number,
        note=f"（申请编号：{application.case_number}；{contact}。回复意见或补正申请，请与上述科室联系。）"
        if contact
        else f"（申请编号：{application.case_number}）",
    )


RED = (0xC0, 0x00, 0x00)
LETTERHEAD_PT = 26


def _em_width(text: str) -> float:
    """Width in em of `text` set in a CJK font: Han characters one em, digits and Latin letters about half."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def closing_indents(letter: Letter) -> tuple[float, float]:
    """Right indents (em) of the 署名 and the date: the date four characters in from the right (GB/T 9704
    7.3.5.1), the 署名 centred over the date; only a 署名 too wide for that moves the date further left."""
    sign, date = _em_width(letter.signature), _em_width(letter.date)
    sign_indent = 4 + (date - sign) / 2
    if sign_indent < 0:
        return 0.0, 4 - sign_indent
    return sign_indent, 4.0


def letter_docx(letter: Letter) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = gw.document_fonts()
    document = gw.docx_document(fonts)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

    def add(text="", *, family=fonts.body, **options):
        return gw.docx_paragraph(document, text, family=family, **options)

    add(letter.letterhead, family=fonts.title, size=LETTERHEAD_PT, bold=True, align=center, color=RED)
    add()
    rule = add(letter.doc_number, align=center)
    borders = OxmlElement("w:pBdr")  # 7.2.4: the red separator line under the 发文字号
    bottom = OxmlElement("w:bottom")
    for attribute, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "8"), ("w:color", "C00000")):
        bottom.set(qn(attribute), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)
    add()
    add(letter.title, family=fonts.title, size=gw.TITLE_PT, bold=True, align=center)
    add()
    ending = letter.ending_start
    for index, paragraph in enumerate(letter.paragraphs):
        add(paragraph, indent_chars=2 if index else 0, keep_with_next=index >= ending)
    # Room for the seal above the 署名; every line from the kept paragraphs to the 附注 stays on one page.
    add(keep_with_next=True)
    add(keep_with_next=True)
    sign_indent, date_indent = closing_indents(letter)
    add(letter.signature, align=right, right_indent_chars=sign_indent, keep_with_next=True)
    add(letter.date, align=right, right_indent_chars=date_indent, keep_with_next=bool(letter.note))
    if letter.note:
        add(letter.note, indent_chars=2)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def letter_html(letter: Letter) -> str:
    from django.template.loader import render_to_string

    sign_indent, date_indent = closing_indents(letter)
    ending = letter.ending_start
    return render_to_string(
        "applications/letter_document.html",
        {
            "letter": letter,
            "page_css": gw.page_css(),
            "addressee": letter.paragraphs[0] if letter.paragraphs else "",
            "body": letter.paragraphs[1:ending] if ending else (),
            "kept": letter.paragraphs[max(ending, 1) :],
            "sign_indent": sign_indent,
            "date_indent": date_indent,
            "line": gw.LINE_PITCH_PT,
            "letterhead_pt": LETTERHEAD_PT,
        },
    )


def letter_pdf(letter: Letter) -> bytes:
    from weasyprint import HTML

    return HTML(string=letter_html(letter)).write_pdf()
