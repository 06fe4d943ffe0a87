"""Official documents (公文) as GB/T 9704-2012 《党政机关公文格式》 lays them out, for PDF (WeasyPrint) and DOCX.

The letters of 依申请公开 (告知书) and the annual report are printed and sealed by a township, so both follow the
standard:

- paper A4, 210 × 297 mm (5.1); 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心 (text block) 156 × 225 mm,
  hence a right margin of 26 mm and a bottom margin of 35 mm (5.2.1);
- body in 3号 (16 pt) 仿宋 (7.3.3), 22 lines of 28 characters a page (5.2.2): a line pitch of 225 mm / 22 and a
  character pitch of 156 mm / 28;
- title in 2号 (22 pt) 小标宋 (7.3.1); first-level headings in 黑体 (7.3.3);
- page numbers in 4号 (14 pt) 宋体 Arabic numerals with a one-em dash on each side, "— 1 —", 7 mm below the text
  block; odd pages on the right and even pages on the left, one character in from the edge of the block (7.5).

A 仿宋/黑体/小标宋/宋体 font is used where one is installed (`fc-list`); otherwise the serif CJK font of
fonts-noto-cjk (Noto Serif CJK SC) stands in for 仿宋, 小标宋 and 宋体, and its sans (Noto Sans CJK SC) for 黑体.
The PDF and the DOCX name the same fonts, so the two look alike; the DOCX names them as East-Asian fonts
(``w:eastAsia``) too, or Word would set Chinese in its Latin font.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

# GB/T 9704-2012 5.1, 5.2.1: A4 and the margins around the 156 × 225 mm text block.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_LEFT_MM = 28
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TEXT_WIDTH_MM  # 26
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TEXT_HEIGHT_MM  # 35
# 5.2.2: 22 lines of 28 characters; 7.3.1, 7.3.3, 7.5: 2号 title, 3号 body, 4号 page numbers.
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TITLE_PT = 22
BODY_PT = 16
PAGE_NUMBER_PT = 14
PAGE_NUMBER_GAP_MM = 7  # 7.5: the dash line sits 7 mm below the text block
PT_PER_MM = 72 / 25.4
# 225 mm / 22 lines = 28.99 pt; Word's GB/T 9704 templates use 579 twips (28.95 pt), which leaves 22 whole lines.
LINE_PITCH_PT = 28.95
LINE_PITCH_TWIPS = 579
# 156 mm / 28 characters = 15.79 pt: 16 pt glyphs drawn 0.25 pt closer fit exactly 28 (and not 29) on a line.
LETTER_SPACING_PT = -0.25
# ECMA-376 17.6.5 docGrid charSpace: 4096ths of a point added to the default font size for the character pitch.
DOCX_CHAR_SPACE = round((TEXT_WIDTH_MM * PT_PER_MM / CHARS_PER_LINE - BODY_PT) * 4096)

FANGSONG = ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "华文仿宋")
HEITI = ("SimHei", "黑体", "STHeiti", "华文黑体")
XIAOBIAOSONG = ("FZXiaoBiaoSong-B05S", "方正小标宋简体", "方正小标宋_GBK")
KAITI = ("KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", "华文楷体")
SONG = ("SimSun", "宋体", "STSong", "华文宋体")
SERIF_CJK = "Noto Serif CJK SC"
SANS_CJK = "Noto Sans CJK SC"


@functools.cache
def installed_families() -> frozenset[str]:
    """Font family names fontconfig knows (every localised name of a family), or none without fc-list."""
    if not shutil.which("fc-list"):
        return frozenset()
    try:
        out = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def pick_font(preferred: tuple[str, ...], fallback: str, installed: frozenset[str] | None = None) -> str:
    """The first of `preferred` that is installed, else `fallback` (pure when `installed` is given)."""
    installed = installed_families() if installed is None else installed
    return next((name for name in preferred if name in installed), fallback)


@dataclass(frozen=True)
class Fonts:
    body: str  # 仿宋
    heading: str  # 黑体
    subheading: str  # 楷体, second-level headings (7.3.3); the body font where none is installed
    title: str  # 小标宋
    number: str  # 宋体, page numbers


def document_fonts(installed: frozenset[str] | None = None) -> Fonts:
    return Fonts(
        body=pick_font(FANGSONG, SERIF_CJK, installed),
        heading=pick_font(HEITI, SANS_CJK, installed),
        subheading=pick_font(KAITI, pick_font(FANGSONG, SERIF_CJK, installed), installed),
        title=pick_font(XIAOBIAOSONG, SERIF_CJK, installed),
        number=pick_font(SONG, SERIF_CJK, installed),
    )


def css_family(name: str, generic: str = "serif") -> str:
    fallback = SANS_CJK if generic == "sans-serif" else SERIF_CJK
    names = [name] if name == fallback else [name, fallback]
    return ", ".join(f'"{n}"' for n in names) + f", {generic}"


def page_css(fonts: Fonts | None = None) -> str:
    """The page of GB/T 9704 as CSS for WeasyPrint: A4, margins, body font and grid, page numbers at the foot."""
    fonts = fonts or document_fonts()
    number = (
        f'content: "— " counter(page) " —"; font-family: {css_family(fonts.number)}; '
        f"font-size: {PAGE_NUMBER_PT}pt; vertical-align: top; padding-top: {PAGE_NUMBER_GAP_MM}mm;"
    )
    return f"""
@page {{
  size: A4 portrait;
  margin: {MARGIN_TOP_MM}mm {MARGIN_RIGHT_MM}mm {MARGIN_BOTTOM_MM}mm {MARGIN_LEFT_MM}mm;
  @bottom-right {{ {number} text-align: right; padding-right: 1em; }}
}}
@page :left {{
  @bottom-right {{ content: none; }}
  @bottom-left {{ {number} text-align: left; padding-left: 1em; }}
}}
html {{ color: #000; }}
body {{ margin: 0; font-family: {css_family(fonts.body)}; font-size: {BODY_PT}pt; line-height: {LINE_PITCH_PT}pt;
  letter-spacing: {LETTER_SPACING_PT}pt; text-align: justify; orphans: 2; widows: 2; }}
p {{ margin: 0; }}
.gw-title {{ font-family: {css_family(fonts.title)}; font-size: {TITLE_PT}pt; font-weight: bold; text-align: center;
  line-height: {LINE_PITCH_PT * 1.2:.2f}pt; letter-spacing: 0; margin: 0 0 {LINE_PITCH_PT}pt; break-after: avoid; }}
.gw-heading {{ font-family: {css_family(fonts.heading, "sans-serif")}; font-size: {BODY_PT}pt; font-weight: normal;
  margin: 0; text-indent: 2em; break-after: avoid; }}
.gw-subheading {{ font-family: {css_family(fonts.subheading)}; font-size: {BODY_PT}pt; font-weight: normal;
  margin: 0; text-indent: 2em; break-after: avoid; }}
.gw-title-font {{ font-family: {css_family(fonts.title)}; }}
.gw-keep {{ break-inside: avoid; }}
"""


# ---- DOCX (python-docx) -------------------------------------------------------------------------------------------


def docx_font(target, family: str, *, size: float | None = None, bold: bool | None = None) -> None:
    """Give a run or a style `family` for Latin and East-Asian text alike, and optionally a size and weight."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    target.font.name = family
    element = getattr(target, "_r", None)
    rpr = (element if element is not None else target.element).get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), family)
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold


def docx_document(fonts: Fonts | None = None):
    """A new python-docx Document on the GB/T 9704 page: A4, the margins, the 22-line grid, 3号 仿宋 body and
    page numbers "— n —" in the footers (odd pages right, even pages left)."""
    from docx import Document
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    fonts = fonts or document_fonts()
    document = Document()
    normal = document.styles["Normal"]
    docx_font(normal, fonts.body, size=BODY_PT)
    paragraph_format = normal.paragraph_format
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.widow_control = True
    # Word's own default run properties (docDefaults) too: the character grid is measured from their size.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            fonts_element = rpr.get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts_element.set(qn(attribute), fonts.body)
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts_element.attrib.pop(qn(theme), None)
            size = rpr.get_or_add_sz()
            size.set(qn("w:val"), str(BODY_PT * 2))
    section = document.sections[0]
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    # The number's top 7 mm below the block: a 14 pt line ends about 35 − 7 − 6 = 22 mm above the page's edge.
    section.footer_distance = Mm(MARGIN_BOTTOM_MM - PAGE_NUMBER_GAP_MM - 6)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(DOCX_CHAR_SPACE))
    document.settings.odd_and_even_pages_header_footer = True
    _docx_page_number(section.footer.paragraphs[0], fonts, odd=True)
    _docx_page_number(section.even_page_footer.paragraphs[0], fonts, odd=False)
    return document


def _docx_page_number(paragraph, fonts: Fonts, *, odd: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        paragraph.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)

    def run(text: str = ""):
        r = paragraph.add_run(text)
        docx_font(r, fonts.number, size=PAGE_NUMBER_PT)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            r._r.append(field)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            r._r.append(instruction)
        else:
            r.text = text
    run(" —")


def docx_paragraph(
    document,
    text: str,
    *,
    family: str,
    size: float = BODY_PT,
    bold: bool = False,
    align=None,
    indent_chars: float = 0,
    right_indent_chars: float = 0,
    keep_with_next: bool = False,
    color: tuple[int, int, int] | None = None,
):
    """One paragraph of one run in `family`; indents are in characters of `size` (GB/T 9704 counts in 字)."""
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    docx_font(run, family, size=size, bold=bold)
    if color:
        run.font.color.rgb = RGBColor(*color)
    if align is not None:
        paragraph.alignment = align
    if indent_chars:
        paragraph.paragraph_format.first_line_indent = Pt(size * indent_chars)
    if right_indent_chars:
        paragraph.paragraph_format.right_indent = Pt(size * right_indent_chars)
    if keep_with_next:
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.keep_together = True
    return paragraph


def docx_table_rows_stay_whole(table, *, head_rows: int, keep_rows: set[int] = frozenset()) -> None:
    """No row splits across pages (``w:cantSplit``); the first `head_rows` rows repeat at the top of every page
    (``w:tblHeader``); the rows in `keep_rows` (and the head) stay on the page of the row after them, so a header
    never stands alone at a page's foot."""
    from docx.oxml import OxmlElement

    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if index < head_rows:
            properties.append(OxmlElement("w:tblHeader"))
        if index < head_rows or index in keep_rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
