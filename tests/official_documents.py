"""Readers of generated PDF and DOCX files shared by the tests of letters and reports (GB/T 9704-2012)."""

from __future__ import annotations

import io
import re

import pypdfium2
from docx import Document
from docx.oxml.ns import qn

A4_PT = (595.28, 841.89)
MM = 72 / 25.4
PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")


def pdf_pages(data: bytes) -> list[dict]:
    """Each page's size in points and its text (pypdfium2), with spaces and line breaks removed."""
    document = pypdfium2.PdfDocument(data)
    pages = []
    for page in document:
        width, height = page.get_size()
        raw = page.get_textpage().get_text_range()
        pages.append({"size": (width, height), "raw": raw, "text": re.sub(r"\s+", "", raw)})
    return pages


def pdf_text(data: bytes) -> str:
    return "".join(page["text"] for page in pdf_pages(data))


def pdf_page_images(data: bytes, scale: float = 1.0) -> list[bytes]:
    """Every page as a PNG (pypdfium2 renders; 1.0 = 72 dpi)."""
    out = []
    for page in pypdfium2.PdfDocument(data):
        buffer = io.BytesIO()
        page.render(scale=scale).to_pil().save(buffer, format="PNG")
        out.append(buffer.getvalue())
    return out


def docx_document(data: bytes):
    return Document(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx_document(data).paragraphs)


def east_asian_fonts(paragraph) -> set[str]:
    """The w:eastAsia font of every run of a paragraph."""
    names = set()
    for run in paragraph.runs:
        rpr = run._r.rPr
        fonts = rpr.rFonts if rpr is not None else None
        names.add(fonts.get(qn("w:eastAsia")) if fonts is not None else None)
    return names


def footer_xml(section) -> tuple[str, str]:
    return section.footer._element.xml, section.even_page_footer._element.xml
