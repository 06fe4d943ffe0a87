"""Compile an annual report from the records: every figure is computed, none is typed.

`compile_report` returns a `CompiledReport`: the tables of the year's format (2019 trial or 2021) or,
for years up to 2018, the figures of the free-form style; the preface; and the narrative sections,
pre-filled from the figures where the clerk has not written them yet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.orgs.models import Organisation
from gongkai.reports import sources
from gongkai.reports.key_works import key_works_paragraph
from gongkai.reports.layout import format_number
from gongkai.reports.participation import participation_sentence
from gongkai.reports.tables import (
    FORMAT_2019,
    FORMAT_2021,
    TABLE_A,
    TABLE_B,
    TABLE_C,
    ReportFormat,
    Table,
    format_for_year,
)

FREE = "free"


@dataclass
class Section:
    key: str
    title: str
    text: str  # the narrative as it will print (the clerk's text, or the computed default)
    default: str  # the computed default, shown beside the editor
    edited: bool
    table: str = ""  # "A"/"B"/"C" when the section prints a table after its text
    editable: bool = True
    level: int = 2  # 2: a numbered part (一、); 3: a sub-part (（一）)


@dataclass
class CompiledReport:
    organisation: Organisation
    year: int
    style: str  # "free", "2019" or "2021"
    include_children: bool
    title: str
    preface: str
    sections: list[Section]
    tables: dict[str, Table] = field(default_factory=dict)
    previous_tables: dict[str, Table] | None = None
    figures: dict[str, int | Decimal] = field(default_factory=dict)
    signature: str = ""
    dated: str = ""

    @property
    def format(self) -> ReportFormat | None:
        return {"2019": FORMAT_2019, "2021": FORMAT_2021}.get(self.style)

    def text(self) -> str:
        """The whole report as plain text (what the checker reads), tables excluded."""
        parts = [self.title, self.preface]
        for section in self.sections:
            parts.append(section.title)
            parts.append(section.text)
        return "\n\n".join(p for p in parts if p)


def report_style(year: int) -> str:
    fmt = format_for_year(year)
    return fmt.code if fmt else FREE


def _wan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _place(organisation: Organisation) -> str:
    return organisation.short_name or organisation.name


def preface(organisation: Organisation, year: int, style: str, include_children: bool) -> str:
    villages = sources.village_count(organisation) if include_children else 0
    scope = f"汇总{organisation.name}及{villages}个村（社区）" if villages else f"汇总{organisation.name}"
    office = (
        organisation.disclosure_office.name
        if organisation.disclosure_office_id
        else f"{organisation.name}办公室"
    )
    basis = (
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）"
        if style == FREE
        else "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
        + (
            "《中华人民共和国政府信息公开工作年度报告格式》"
            if style == "2021"
            else "《中华人民共和国政府信息公开工作年度报告格式（试行）》"
        )
    )
    contact = "，".join(
        part
        for part in [
            f"地址：{organisation.address}" if organisation.address else "",
            f"邮编：{organisation.postcode}" if organisation.postcode else "",
            f"电话：{organisation.phone}" if organisation.phone else "",
            f"电子邮箱：{organisation.email}" if organisation.email else "",
        ]
        if part
    )
    text = (
        f"本报告由{office}{basis}要求编制，{scope}政府信息公开工作情况，所列数据统计期限为"
        f"{year}年1月1日至{year}年12月31日。本报告电子版可在{organisation.name}政府信息公开专栏查阅或下载。"
        f"如对本报告有任何疑问，请与{office}联系"
    )
    return text + (f"（{contact}）。" if contact else "。")


# ---- the free-form style (reports up to 2018) --------------------------------------------------------


def _free_sections(
    org: Organisation, year: int, figures: dict, narrative: dict, participation: str = ""
) -> list[tuple[str, str, str]]:
    place = _place(org)
    proactive = (
        f"{year}年，{place}主动公开政府信息{figures['items_distinct']}条（同一信息通过不同渠道公开的计1条）。"
        f"制发各类文件{figures['documents_issued']}件；"
        f"在政府信息公开网上公开信息共计{figures['website']}条：公文{figures['website_document']}条，"
        f"通知公告{figures['website_notice']}条，工作动态{figures['website_news']}条，其他{figures['website_other']}条；"
        f"微信公众号公开{figures['wechat']}条；利用政务服务大厅、公开栏、村级公告栏公开各类信息{figures['boards']}条。"
    )
    overlap = figures["website_documents_issued"]
    if overlap:
        proactive += f"网站公开的公文中有{overlap}件为本年制发的文件，按条计数时只计1次。"
    if figures["applications_received"]:
        applications = (
            f"{year}年，{place}共收到政府信息公开申请{figures['applications_received']}件，"
            f"办结{figures['applications_decided']}件。"
        )
    else:
        applications = f"{year}年，{place}未收到政府信息公开申请。"
    complaints = (f"{year}年，{place}{participation}" if participation else "") + (
        f"{year}年，{place}收到政府信息公开方面的举报投诉{figures['complaints']}件。"
        if figures["complaints"]
        else f"{year}年，{place}未收到政府信息公开方面的举报投诉。"
    )
    staff = (
        f"{place}从事政务公开工作人员{figures['staff_total']}人，其中专职人员{figures['staff_full_time']}人，"
        f"兼职人员{figures['staff_part_time']}人。投入政务公开专项经费{_wan(figures['funding_wan'])}万元。"
    )
    return [
        ("overview", "一、概述", _free_overview(org, year, figures), 2),
        ("basics", f"二、{year}年政府信息公开基本情况", None, 2),
        ("proactive", "（一）主动公开情况", proactive, 3),
        ("on_application", "（二）依申请公开情况", applications, 3),
        ("response", "（三）回应解读及举报投诉公开情况", complaints, 3),
        ("staffing", "（四）机构建设和保障经费情况", staff, 3),
        ("problems", "三、存在的主要问题及改进措施", "（一）存在的主要问题\n\n（二）改进措施\n", 2),
    ]


def _free_overview(org: Organisation, year: int, figures: dict) -> str:
    place = _place(org)
    office = org.disclosure_office.name if org.disclosure_office_id else "办公室"
    return (
        f"{year}年，{place}认真贯彻落实《中华人民共和国政府信息公开条例》，以{office}作为政务公开工作机构，"
        "明确专人负责政府信息公开工作，按照公开目录及时、准确公开政府信息，"
        f"全年开展政务公开培训{figures['trainings']}次。"
    )


# ---- the 2019 and 2021 formats -------------------------------------------------------------------------


def _format_sections(
    org: Organisation,
    year: int,
    style: str,
    tables: dict[str, Table],
    figures: dict,
    previous_measures: str,
    participation: str = "",
):
    place = _place(org)
    b = tables[TABLE_B]
    received = b[("received", "total")]
    carried = b[("carried_in", "total")]
    decided = b[("total", "total")]
    overview = (
        f"（一）主动公开\n{year}年，{place}主动公开政府信息{figures['items_distinct']}条。"
        f"{participation}\n"
        f"（二）依申请公开\n{year}年，{place}新收政府信息公开申请{received}件，上年结转{carried}件，"
        f"办结{decided}件，结转下年度继续办理{b[('carried_out', 'total')]}件。\n"
        "（三）政府信息管理\n"
        f"{place}按照公开目录管理政府信息，信息发布前进行保密审查，对涉及个人信息的公示名单去标识化处理。\n"
        "（四）政府信息公开平台建设\n"
        f"{place}通过政府信息公开专栏集中发布法定主动公开内容，并利用政务新媒体、公开栏等渠道扩大信息传播范围。\n"
        "（五）监督保障\n"
        f"本年度开展政务公开培训{figures['trainings']}次；从事政府信息公开工作人员{figures['staff_total']}人，"
        f"其中专职{figures['staff_full_time']}人、兼职{figures['staff_part_time']}人。"
    )
    problems = (
        "（一）上年度问题的改进情况\n"
        + (previous_measures or "")
        + "\n（二）本年度存在的主要问题\n\n（三）改进措施\n"
    )
    fees = figures["fees_collected_yuan"]
    other = f"本年度收取信息处理费{format_number(fees)}元。" if fees else "本年度未收取信息处理费。"
    return [
        ("overview", "一、总体情况", overview, ""),
        ("table_a", "二、主动公开政府信息情况", "", TABLE_A),
        ("table_b", "三、收到和处理政府信息公开申请情况", "", TABLE_B),
        ("table_c", "四、政府信息公开行政复议、行政诉讼情况", "", TABLE_C),
        ("problems", "五、存在的主要问题及改进情况", problems, ""),
        ("other", "六、其他需要报告的事项", other, ""),
    ]


def compile_report(
    organisation: Organisation,
    year: int,
    *,
    include_children: bool = True,
    narrative: dict | None = None,
    previous_narrative: dict | None = None,
) -> CompiledReport:
    narrative = narrative or {}
    style = report_style(year)
    figures = sources.common_figures(organisation, year, include_children=include_children)
    participation = participation_sentence(organisation, year, include_children=include_children)
    tables: dict[str, Table] = {}
    previous_tables = None
    if style == FREE:
        rows = [
            (key, title, default, "", level)
            for key, title, default, level in _free_sections(
                organisation, year, figures, narrative, participation
            )
        ]
    else:
        fmt = FORMAT_2021 if style == "2021" else FORMAT_2019
        tables = sources.format_tables(fmt, organisation, year, include_children=include_children)
        previous_fmt = format_for_year(year - 1)
        if previous_fmt is not None:
            previous_tables = sources.format_tables(
                previous_fmt, organisation, year - 1, include_children=include_children
            )
            if previous_fmt.code != fmt.code:
                previous_tables = None  # the two formats' tables do not line up cell for cell
        measures = (previous_narrative or {}).get("problems", "")
        rows = [
            (*row, 2)
            for row in _format_sections(
                organisation, year, style, tables, figures, _measures_from(measures), participation
            )
        ]
    key_works = key_works_paragraph(organisation, year, include_children=include_children)
    if key_works:
        rows = [_with_key_works(row, key_works) for row in rows]
    sections = []
    for key, title, default, table, level in rows:
        heading_only = default is None
        text = None if heading_only else narrative.get(key)
        sections.append(
            Section(
                key=key,
                title=title,
                text="" if heading_only else (default if text is None else text),
                default=default or "",
                edited=text is not None and text != default,
                table=table,
                editable=not table and not heading_only,
                level=level,
            )
        )
    return CompiledReport(
        organisation=organisation,
        year=year,
        style=style,
        include_children=include_children,
        title=f"{organisation.name}{year}年政府信息公开工作年度报告",
        preface=narrative.get("preface") or preface(organisation, year, style, include_children),
        sections=sections,
        tables=tables,
        previous_tables=previous_tables,
        figures=figures,
        signature=organisation.name,
        dated=narrative.get("dated") or f"{year + 1}年1月"
        if style != FREE
        else narrative.get("dated") or f"{year}年12月31日",
    )


def _with_key_works(row: tuple, paragraph: str) -> tuple:
    """The 重点领域 paragraph after the proactive-disclosure text: the free style's 主动公开 part, the formats'
    总体情况 (as its last sub-part)."""
    key, title, default, table, level = row
    if key == "proactive":
        return (key, title, f"{default}\n{paragraph}", table, level)
    if key == "overview" and table == "" and level == 2 and "（五）监督保障" in (default or ""):
        return (key, title, f"{default}\n（六）重点领域信息公开\n{paragraph}", table, level)
    return row


def from_snapshot(organisation: Organisation, snapshot: dict) -> CompiledReport:
    """The report exactly as it was published (render.to_dict), whatever has been recorded since."""
    style = snapshot["format"]
    fmt = {"2019": FORMAT_2019, "2021": FORMAT_2021}.get(style)
    tables: dict[str, Table] = {}
    for key, data in snapshot.get("tables", {}).items():
        spec = fmt.tables[key]
        table = Table(spec)
        for cell in data["cells"]:
            position = (cell["row"], cell["column"])
            value = cell["value"]
            table[position] = (
                None if value == "" else (int(value) if spec.cell_is_integer(position) else Decimal(value))
            )
        tables[key] = table
    sections = [
        Section(
            key=s["key"],
            title=s["title"],
            text=s["text"],
            default="",
            edited=False,
            table=s["table"],
            editable=False,
            level=s.get("level", 2),
        )
        for s in snapshot["sections"]
    ]
    return CompiledReport(
        organisation=organisation,
        year=snapshot["year"],
        style=style,
        include_children=snapshot["include_children"],
        title=snapshot["title"],
        preface=snapshot["preface"],
        sections=sections,
        tables=tables,
        figures=snapshot.get("figures", {}),
        signature=snapshot.get("signature", organisation.name),
        dated=snapshot.get("dated", ""),
    )


def _measures_from(previous_problems: str) -> str:
    """Last year's planned measures, carried in so this year's report says what became of them."""
    if not previous_problems:
        return ""
    marker = "改进措施"
    index = previous_problems.rfind(marker)
    measures = previous_problems[index + len(marker) :].strip("\n ：:") if index >= 0 else previous_problems
    return f"上年度报告提出的改进措施：{measures.strip()}\n落实情况：" if measures.strip() else ""


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
