"""Publishing a report: it becomes an item of the 政府信息公开年报 column, through the catalog's own workflow."""

from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.catalog import services as catalog_services
from gongkai.catalog.models import Kind
from gongkai.reports import render
from gongkai.reports.compile import CompiledReport

REPORT_TITLE_MARK = "政府信息公开工作年度报告"


def publish_as_disclosure(*, actor, compiled: CompiledReport):
    """Create the item with the report as its body and its PDF and DOCX attached, then pass it through
    保密审查 and approval (the publisher is a reviewer or admin), which assigns its 索引号."""
    body = render_to_string(
        "reports/_report_body.html",
        {"report": compiled, "blocks": render.blocks(compiled), "without_title": True},
    )
    disclosure = catalog_services.disclosure_create(
        organisation=compiled.organisation,
        actor=actor,
        title=compiled.title,
        written_on=timezone.localdate(),
        kind=Kind.OTHER,
        summary=f"{compiled.organisation.name}{compiled.year}年度政府信息公开工作情况，含主动公开、依申请公开、"
        "行政复议和行政诉讼等统计数据。",
        body=body,
    )
    base = f"{compiled.organisation.name}{compiled.year}年{REPORT_TITLE_MARK}"
    catalog_services.attachment_add(
        disclosure=disclosure, actor=actor, name=f"{base}.pdf", data=render.to_pdf(compiled)
    )
    catalog_services.attachment_add(
        disclosure=disclosure, actor=actor, name=f"{base}.docx", data=render.to_docx(compiled)
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
