"""The annual report's paragraph on 重点领域: the key works of the year with their published items per stage, read
from the records (keyworks.queries.published_items_by_stage). No totals are stated, so the paragraph adds no
figure for the narrative checker to reconcile."""

from gongkai.keyworks.queries import published_items_by_stage
from gongkai.orgs.models import Organisation

TITLES_SHOWN = 2


def key_works_paragraph(organisation: Organisation, year: int, *, include_children: bool = True) -> str:
    """'' when no key work had an item published in the year."""
    works = published_items_by_stage(organisation, year, include_children=include_children)
    if not works:
        return ""
    parts = []
    for work, stages in works:
        steps = []
        for stage, items in stages:
            titles = "、".join(f"《{item.title}》" for item in items[:TITLES_SHOWN])
            more = f"等{len(items)}条信息" if len(items) > TITLES_SHOWN else ""
            steps.append(f"{stage.name}阶段公开{titles}{more}")
        parts.append(f"“{work.title}”（{work.kind.name}），" + "；".join(steps))
    return "对重点工作实行全过程公开。" + "。".join(parts) + "。"
