"""Letters of 依申请公开 from editable templates: DOCX (python-docx) and PDF (WeasyPrint).

A template is Django template text with Chinese placeholders such as ``{{ 申请人 }}``; an organisation may store
its own wording (`LetterTemplate`), otherwise the default below is used. The rendered text is then laid out:
letterhead (organisation name), title, case number, body paragraphs, signature and date. PDFs use the
"Noto Sans CJK SC" font (Debian: fonts-noto-cjk) so that Chinese renders on a fresh machine.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass

from django.template import Context, Template, TemplateSyntaxError

from gongkai.applications.clock import EventKind, PauseReason
from gongkai.applications.decisions import DECISIONS
from gongkai.applications.models import Application, FeeNotice, LetterKind, LetterTemplate
from gongkai.applications.queries import clock_when
from gongkai.core.errors import DomainError

FONT = "Noto Sans CJK SC"
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
        "本机关于{{ 收到日期 }}收到您（单位）提出的政府信息公开申请（申请编号：{{ 申请编号 }}），"
        "申请获取“{{ 申请内容 }}”。\n"
        "经审查，现答复如下：{{ 答复类型 }}。\n"
        "{{ 答复内容 }}\n"
        "{% if 法律依据 %}依据：{{ 法律依据 }}。\n{% endif %}" + REMEDY + "\n特此告知。"
    ),
    LetterKind.CORRECTION: (
        "{{ 申请人 }}：\n"
        "本机关于{{ 收到日期 }}收到您（单位）提出的政府信息公开申请（申请编号：{{ 申请编号 }}）。"
        "经审查，您的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，"
        "请您于{{ 补正期限 }}前对以下事项作出补正：\n"
        "{{ 补正事项 }}\n"
        "答复期限自本机关收到补正的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。\n"
        "特此告知。"
    ),
    LetterKind.EXTENSION: (
        "{{ 申请人 }}：\n"
        "本机关于{{ 收到日期 }}收到您（单位）提出的政府信息公开申请（申请编号：{{ 申请编号 }}）。"
        "因{{ 延期理由 }}，不能在法定期限内作出答复。根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，"
        "经本机关政府信息公开工作机构负责人同意，答复期限延长{{ 延期天数 }}个工作日，"
        "本机关将于{{ 延长后期限 }}前作出答复。\n"
        "特此告知。"
    ),
    LetterKind.CONSULTATION: (
        "{{ 第三方 }}：\n"
        "本机关于{{ 收到日期 }}收到政府信息公开申请（申请编号：{{ 申请编号 }}），"
        "申请获取“{{ 申请内容 }}”。该信息的公开可能损害您（单位）的合法权益。"
        "根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求您（单位）的意见。\n"
        "请于收到本函之日起15个工作日内（即{{ 意见期限 }}前）提出意见。逾期未提出意见的，由本机关依照条例的规定决定是否公开。"
        "第三方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，"
        "并将决定公开的政府信息内容和理由书面告知第三方。\n"
        "特此函告。"
    ),
    LetterKind.FEE: (
        "{{ 申请人 }}：\n"
        "您（单位）于{{ 收到日期 }}提出的政府信息公开申请（申请编号：{{ 申请编号 }}），"
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
}


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


def letter_context(application: Application, kind: str) -> tuple[dict, dt.date]:
    """The placeholders of a letter and its date; LetterError when the case has not reached that step. Due dates
    are the clock's as it stood on the letter's date (`queries.clock_when`), never recomputed here."""
    organisation = application.organisation
    context = {
        "申请人": application.applicant_name,
        "申请编号": application.case_number,
        "机关名称": organisation.name,
        "收到日期": _d(application.received_on),
        "申请内容": application.info_summary,
        "复议机关": review_body(organisation),
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
        context.update(第三方=event.data.get("consulted", "第三方"), 意见期限=_d(reply_due))
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
    letterhead: str
    title: str
    number: str
    paragraphs: tuple[str, ...]
    signature: str
    date: str

    @property
    def text(self) -> str:
        return "\n".join(
            [self.letterhead, self.title, self.number, *self.paragraphs, self.signature, self.date]
        )

    @property
    def filename(self) -> str:
        return f"{self.number.removeprefix('申请编号：')}-{TITLES[self.kind]}"


def render_letter(application: Application, kind: str) -> Letter:
    if kind not in TITLES:
        raise LetterError("未知的文书类型")
    context, date = letter_context(application, kind)
    body = template_body(application.organisation, kind)
    try:
        text = Template(body).render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise LetterError(f"文书模板有误：{exc}") from None
    paragraphs = tuple(line.strip() for line in text.splitlines() if line.strip())
    return Letter(
        kind=kind,
        letterhead=application.organisation.name,
        title=TITLES[kind],
        number=f"申请编号：{application.case_number}",
        paragraphs=paragraphs,
        signature=application.organisation.name,
        date=_d(date),
    )


def letter_docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    def add(text, *, size=14, bold=False, align=None, indent=False):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.font.name = FONT
        run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        return paragraph

    add(letter.letterhead, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add(letter.title, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add(letter.number, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for index, paragraph in enumerate(letter.paragraphs):
        add(paragraph, indent=index > 0)
    add(letter.signature, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add(letter.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


CSS = f"""
@page {{ size: A4; margin: 2.5cm 2.2cm; }}
body {{ font-family: "{FONT}"; font-size: 14pt; line-height: 1.8; }}
.letterhead {{ text-align: center; font-size: 22pt; font-weight: bold; color: #c00; border-bottom: 2px solid #c00;
  padding-bottom: 6pt; margin: 0 0 12pt; }}
h1 {{ text-align: center; font-size: 18pt; margin: 6pt 0; }}
.number {{ text-align: right; font-size: 12pt; }}
p.body {{ text-indent: 2em; margin: 0 0 6pt; }}
p.first {{ text-indent: 0; }}
.sign {{ text-align: right; margin: 0; }}
"""


def letter_html(letter: Letter) -> str:
    e = html.escape
    body = "".join(
        f'<p class="body{" first" if i == 0 else ""}">{e(p)}</p>' for i, p in enumerate(letter.paragraphs)
    )
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(letter.title)}</title>'
        f"<style>{CSS}</style></head><body>"
        f'<div class="letterhead">{e(letter.letterhead)}</div><h1>{e(letter.title)}</h1>'
        f'<p class="number">{e(letter.number)}</p>{body}<p>&nbsp;</p>'
        f'<p class="sign">{e(letter.signature)}</p><p class="sign">{e(letter.date)}</p></body></html>'
    )


def letter_pdf(letter: Letter) -> bytes:
    from weasyprint import HTML

    return HTML(string=letter_html(letter)).write_pdf()
