"""The demo township's 政府信息公开制度: the rules of its disclosure work, as items of their own kind, so that the
column's sub-column of that name is not empty (portal.queries.present_sections)."""

import datetime

from django.utils import timezone

from gongkai.catalog import importing, indexing
from gongkai.catalog.models import Disclosure, Kind
from gongkai.channels.models import Channel
from gongkai.orgs.models import Organisation

ACTOR = "演示数据"

RULES = [
    (
        "渠口乡人民政府政府信息公开工作制度",
        "渠政发〔2019〕12号",
        datetime.date(2019, 3, 4),
        "规定本乡政府信息公开工作的机构、职责、主动公开的范围和程序、依申请公开的受理和答复、年度报告和监督考核。",
    ),
    (
        "渠口乡人民政府政府信息公开保密审查制度",
        "渠政发〔2019〕13号",
        datetime.date(2019, 3, 4),
        "拟公开的政府信息先经保密审查，再经审批后发布；审查人和审批人不得为同一人（《条例》第十七条）。",
    ),
    (
        "渠口乡人民政府依申请公开政府信息办理规程",
        "渠政办发〔2020〕5号",
        datetime.date(2020, 4, 20),
        "申请的接收、登记、补正、征求意见、延期、答复和送达，以及各环节的期限（《条例》第二十七条至第四十五条）。",
    ),
]


def load(loader) -> None:
    qukou = Organisation.objects.filter(code="qukou").first()
    if qukou is None:
        return
    today = timezone.localdate()
    made = []
    for title, doc_no, written_on, summary in RULES:
        published_on = written_on + datetime.timedelta(days=3)
        if published_on > today or Disclosure.objects.filter(organisation=qukou, title=title).exists():
            continue
        item = importing.disclosure_import_one(
            organisation=qukou,
            actor=ACTOR,
            index=False,
            data={
                "title": title,
                "kind": Kind.DISCLOSURE_RULES,
                "doc_no": doc_no,
                "written_on": written_on,
                "published_on": published_on,
                "channels": [Channel.WEBSITE],
                "summary": summary,
                "body": f"<p>{summary}</p>",
            },
        )
        made.append(item.pk)
    indexing.index_many(made)
    if made:
        loader.created.append(f"政府信息公开制度 {len(made)} 条")
