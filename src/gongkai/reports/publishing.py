"""Publishing a report: it becomes an item of the 政府信息公开年报 column, through the catalog's own workflow.

Rendering (body, PDF, DOCX, and the text read back from them) is `render_for_publication`, done before the write
transaction; `publish_as_disclosure`
only writes, inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.catalog import services as catalog_services
from gongkai.catalog.models import Kind
from gongkai.orgs.models import Organisation
from gongkai.privacy.extract import Extracted, extract_text
from gongkai.reports import render
from gongkai.reports.compile import CompiledReport

REPORT_TITLE_MARK = "政府信息公开工作年度报告"


@dataclass(frozen=True)
class Rendered:
    """A compiled report rendered for publication: the item's body and its two attachments."""

    organisation: Organisation
    year: int
    title: str
    body: str
    pdf: bytes
    docx: bytes
    pdf_text: Extracted
    docx_text: Extracted

    @property
    def file_base(self) -> str:
        return f"{self.organisation.name}{self.year}年{REPORT_TITLE_MARK}"


def render_for_publication(compiled: CompiledReport) -> Rendered:
    """The slow part of publishing (seconds for the PDF): run it before any write transaction."""
    body = render_to_string(
        "reports/_report_body.html",
        {"report": compiled, "blocks": render.blocks(compiled), "without_title": True},
    )
    pdf, docx = render.to_pdf(compiled), render.to_docx(compiled)
    return Rendered(
        organisation=compiled.organisation,
        year=compiled.year,
        title=compiled.title,
        body=body,
        pdf=pdf,
        docx=docx,
        # the attachments' text for the privacy guard and search, read here rather than inside the write
        pdf_text=extract_text(pdf),
        docx_text=extract_text(docx),
    )


def publish_as_disclosure(*, actor, rendered: Rendered):
    """Create the item with the report as its body and its PDF and DOCX attached, then pass it through
    保密审查 and approval (the publisher is a reviewer or admin), which assigns its 索引号."""
    organisation = rendered.organisation
    disclosure = catalog_services.disclosure_create(
        organisation=organisation,
        actor=actor,
        title=rendered.title,
        written_on=timezone.localdate(),
        kind=Kind.OTHER,
        summary=f"{organisation.name}{rendered.year}年度政府信息公开工作情况，含主动公开、依申请公开、"
        "行政复议和行政诉讼等统计数据。",
        body=rendered.body,
    )
    for extension, data, text in (
        ("pdf", rendered.pdf, rendered.pdf_text),
        ("docx", rendered.docx, rendered.docx_text),
    ):
        catalog_services.attachment_add(
            disclosure=disclosure,
            actor=actor,
            name=f"{rendered.file_base}.{extension}",
            data=data,
            extracted=text,
        )
    disclosure = catalog_services.disclosure_submit(disclosure=disclosure, actor=actor)
    # The one publisher passes both steps: the figures come from the records and passed the report's checks.
    waiver = "年度报告由记录生成并通过校验，由发布人一并审查和审批"
    disclosure = catalog_services.disclosure_review_pass(
        disclosure=disclosure, actor=actor, comment="年度报告已通过校验", separation_waiver=waiver
    )
    return catalog_services.disclosure_approve(
        disclosure=disclosure, actor=actor, comment="发布年度报告", separation_waiver=waiver
    )
