"""Sample reports for the checker's tests: their figures, and renderers for each layout.

The fixture files in fixtures/ were written by ``python tests/reports/report_samples.py`` and then kept as
they are; the DOCX and PDF versions are generated in the tests from the same data.
"""

from __future__ import annotations

import copy
import html
from decimal import Decimal
from pathlib import Path

from gongkai.reports.tables import (
    B_COLUMNS,
    FORMAT_2019,
    FORMAT_2021,
    TABLE_A,
    TABLE_B,
    TABLE_B_CORNER_NOTE,
    TABLE_C,
    ReportFormat,
    Table,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# --- Figures -------------------------------------------------------------------------------------

# Table B of the 2021 sample: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
B_2021_ROWS = {
    "received": [20, 3, 0, 1, 1, 0, 25],
    "carried_in": [2, 0, 0, 0, 0, 0, 2],
    "granted": [8, 1, 0, 0, 1, 0, 10],
    "partly_granted": [2, 1, 0, 0, 0, 0, 3],
    "refuse_state_secret": [0, 0, 0, 0, 0, 0, 0],
    "refuse_prohibited_by_law": [0, 0, 0, 0, 0, 0, 0],
    "refuse_security_stability": [0, 0, 0, 0, 0, 0, 0],
    "refuse_third_party": [1, 0, 0, 0, 0, 0, 1],
    "refuse_internal_affairs": [0, 0, 0, 0, 0, 0, 0],
    "refuse_process_info": [1, 0, 0, 0, 0, 0, 1],
    "refuse_enforcement_file": [0, 0, 0, 0, 0, 0, 0],
    "refuse_admin_query": [0, 0, 0, 0, 0, 0, 0],
    "unable_not_held": [5, 1, 0, 1, 0, 0, 7],
    "unable_needs_creation": [1, 0, 0, 0, 0, 0, 1],
    "unable_unclear_after_correction": [0, 0, 0, 0, 0, 0, 0],
    "not_handled_petition": [1, 0, 0, 0, 0, 0, 1],
    "not_handled_repeat": [1, 0, 0, 0, 0, 0, 1],
    "not_handled_publication": [0, 0, 0, 0, 0, 0, 0],
    "not_handled_excessive": [0, 0, 0, 0, 0, 0, 0],
    "not_handled_reissue": [0, 0, 0, 0, 0, 0, 0],
    "other_no_correction": [0, 0, 0, 0, 0, 0, 0],
    "other_fee_unpaid": [0, 0, 0, 0, 0, 0, 0],
    "other_misc": [0, 0, 0, 0, 0, 0, 0],
    "total": [20, 3, 0, 1, 1, 0, 25],
    "carried_out": [2, 0, 0, 0, 0, 0, 2],
}

A_2021_ROWS = {
    "rules": [0, 0, 0],
    "normative_docs": [5, 1, 23],
    "licensing": [120],
    "penalty": [35],
    "compulsion": [2],
    "admin_fees": [Decimal("12.5")],
}

C_ROWS = {
    "admin_review": [1, 0, 0, 1, 2],
    "direct": [0, 1, 0, 0, 1],
    "after_review": [0, 0, 0, 0, 0],
}

A_2019_ROWS = {
    "rules": [0, 0, 0],
    "normative_docs": [4, 4, 31],
    "licensing": [56, -2, 230],
    "other_services": [12, 1, 48],
    "penalty": [9, 0, 17],
    "compulsion": [3, 0, 1],
    "admin_fees": [2, 0],
    "procurement": [6, Decimal("85.3")],
}

B_2019_ROWS = {
    key: value
    for key, value in B_2021_ROWS.items()
    if key not in {"other_no_correction", "other_fee_unpaid", "other_misc"}
}
B_2019_ROWS = {
    **{k: v for k, v in B_2019_ROWS.items() if k not in {"total", "carried_out"}},
    "other_handling": [0, 0, 0, 0, 0, 0, 0],
    "total": B_2021_ROWS["total"],
    "carried_out": B_2021_ROWS["carried_out"],
}


def tables_2021() -> dict[str, Table]:
    return {
        TABLE_A: Table.from_rows(FORMAT_2021.table_a, A_2021_ROWS),
        TABLE_B: Table.from_rows(FORMAT_2021.table_b, B_2021_ROWS),
        TABLE_C: Table.from_rows(FORMAT_2021.table_c, C_ROWS),
    }


def tables_2019() -> dict[str, Table]:
    return {
        TABLE_A: Table.from_rows(FORMAT_2019.table_a, A_2019_ROWS),
        TABLE_B: Table.from_rows(FORMAT_2019.table_b, B_2019_ROWS),
        TABLE_C: Table.from_rows(FORMAT_2019.table_c, C_ROWS),
    }


def broken_2021() -> dict[str, Table]:
    """The four defects of the broken 2021 sample."""
    tables = copy.deepcopy(tables_2021())
    tables[TABLE_B][("granted", "total")] = 11  # 总计 column: 8+1+0+0+1+0 = 10, printed 11
    tables[TABLE_B][("carried_out", "natural_person")] = 3  # carry-forward 3 (with 总计 3) instead of 2
    tables[TABLE_B][("carried_out", "total")] = 3
    tables[TABLE_C][("admin_review", "total")] = 3  # 1+0+0+1 = 2, printed 3
    return tables


PREFACE_2021 = (
    "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
    "（国办公开办函〔2021〕30号）编制，所列数据统计期限为 2022 年 1 月 1 日至 2022 年 12 月 31 日。"
)

NARRATIVE_2021 = [
    ("h2", "一、总体情况"),
    (
        "p",
        "（一）主动公开。本年主动公开政府信息共计 320 条，其中：政府网站 180 条，微信公众号 100 条，"
        "公开栏 40 条。",
    ),
    (
        "p",
        "（二）依申请公开。本年度共收到政府信息公开申请 25 件，上年结转 2 件，均在法定期限内答复，"
        "结转下年度继续办理 2 件。",
    ),
    ("p", "（三）政府信息管理。全年清理行政规范性文件 23 件。"),
    ("p", "（四）平台建设。政府网站专栏新增栏目 3 个。"),
    ("p", "（五）监督保障。本机关从事政务公开工作人员 6 人（其中专职 2 人，兼职 4 人），开展培训 2 次。"),
]
NARRATIVE_2021_END = [
    ("p", "本年度发生政府信息公开行政复议 2 件，行政诉讼 1 件。"),
    ("h2", "五、存在的主要问题及改进情况"),
    ("p", "主动公开的及时性有待提高，明年将完善发布前审查流程。"),
    ("h2", "六、其他需要报告的事项"),
    ("p", "本年度未收取信息处理费。"),
]


def narrative_2021(*, broken: bool) -> list[tuple[str, str]]:
    parts = list(NARRATIVE_2021)
    if broken:
        tag, text = parts[1]
        parts[1] = (tag, text.replace("公开栏 40 条", "公开栏 50 条"))
    return parts


PREFACE_2019 = (
    "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式（试行）》"
    "（国办公开办函〔2019〕60号）编制。"
)

NARRATIVE_2019 = [
    ("h2", "一、总体情况"),
    ("p", "2020 年，本局主动公开政府信息 210 条，其中政策文件 30 条，工作动态 150 条，其他 30 条。"),
    ("p", "本年度共收到政府信息公开申请 25 件。"),
]

# --- HTML ----------------------------------------------------------------------------------------


def _td(text, *, rowspan=1, colspan=1, tag="td") -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<{tag}{attrs}>{html.escape(str(text))}</{tag}>"


def _v(value) -> str:
    return "" if value is None else str(value)


def html_table_a(fmt: ReportFormat, table: Table) -> str:
    spec = fmt.table_a
    width = max(len(spec.row_columns(r.code)) for r in spec.rows) + 1
    rows = []
    block = None
    for row in spec.rows:
        cols = spec.row_columns(row.code)
        if row.block != block:
            block = row.block
            rows.append(_td(block, colspan=width, tag="th"))
            header = [_td("信息内容", tag="th")]
            for i, col in enumerate(cols):
                span = width - len(cols) if i == len(cols) - 1 else 1
                header.append(_td(spec.column(col).label, colspan=span, tag="th"))
            rows.append("".join(header))
        cells = [_td(row.label)]
        for i, col in enumerate(cols):
            span = width - len(cols) if i == len(cols) - 1 else 1
            cells.append(_td(_v(table[(row.code, col)]), colspan=span))
        rows.append("".join(cells))
    return "<table border='1'>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def html_table_b(fmt: ReportFormat, table: Table) -> str:
    spec = fmt.table_b
    head = [
        _td(TABLE_B_CORNER_NOTE, rowspan=3, colspan=3, tag="th") + _td("申请人情况", colspan=7, tag="th"),
        _td("自然人", rowspan=2, tag="th")
        + _td("法人或其他组织", colspan=5, tag="th")
        + _td("总计", rowspan=2, tag="th"),
        "".join(_td(c.label, tag="th") for c in B_COLUMNS[1:6]),
    ]
    rows = list(head)
    results = [r for r in spec.rows if r.code not in {"received", "carried_in", "carried_out"}]
    groups: dict[str, list] = {}
    for r in results:
        groups.setdefault(r.group, []).append(r)
    for row in spec.rows:
        values = "".join(_td(_v(table[(row.code, c.code)])) for c in B_COLUMNS)
        if row.code in {"received", "carried_in", "carried_out"}:
            rows.append(_td(row.label, colspan=3) + values)
            continue
        cells = ""
        if row is results[0]:
            cells += _td("三、本年度办理结果", rowspan=len(results))
        if row.group == "三、本年度办理结果":
            cells += _td(row.label, colspan=2)
        else:
            members = groups[row.group]
            if row is members[0]:
                cells += _td(row.group, rowspan=len(members))
            cells += _td(row.label)
        rows.append(cells + values)
    return "<table border='1'>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def html_table_c(fmt: ReportFormat, table: Table) -> str:
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    head = [
        _td("行政复议", colspan=5, tag="th") + _td("行政诉讼", colspan=10, tag="th"),
        "".join(_td(o, rowspan=2, tag="th") for o in outcomes)
        + _td("未经复议直接起诉", colspan=5, tag="th")
        + _td("复议后起诉", colspan=5, tag="th"),
        "".join(_td(o, tag="th") for o in outcomes * 2),
    ]
    data = "".join(_td(_v(table[key])) for key in fmt.table_c.cells)
    return "<table border='1'>" + "".join(f"<tr>{r}</tr>" for r in [*head, data]) + "</table>"


def render_html(title, preface, narrative, fmt, tables, end) -> str:
    body = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(preface)}</p>"]
    body += [f"<{tag}>{html.escape(text)}</{tag}>" for tag, text in narrative]
    body += ["<h2>二、主动公开政府信息情况</h2>", html_table_a(fmt, tables[TABLE_A])]
    body += ["<h2>三、收到和处理政府信息公开申请情况</h2>", html_table_b(fmt, tables[TABLE_B])]
    body += ["<h2>四、政府信息公开行政复议、行政诉讼情况</h2>", html_table_c(fmt, tables[TABLE_C])]
    body += [f"<{tag}>{html.escape(text)}</{tag}>" for tag, text in end]
    style = (
        "<style>@page{size:A4 landscape;margin:1cm} body{font-family:'Noto Sans CJK SC','Noto Serif CJK SC';"
        "font-size:9pt} table{border-collapse:collapse;margin:6pt 0} td,th{border:1px solid #000;padding:2pt}</style>"
    )
    return (
        f"<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"{style}</head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


# --- Markdown ------------------------------------------------------------------------------------


def render_markdown(title, preface, narrative, fmt, tables, end) -> str:
    out = [f"# {title}", "", preface, ""]
    for tag, text in narrative:
        out += [("## " if tag == "h2" else "") + text, ""]
    spec = fmt.table_a
    out += ["## 二、主动公开政府信息情况", ""]
    out += ["| 信息内容 | | | |", "|---|---|---|---|"]
    block = None
    for row in spec.rows:
        cols = spec.row_columns(row.code)
        if row.block != block:
            block = row.block
            out.append(f"| **{block}** | | | |")
            out.append(
                "| 信息内容 | "
                + " | ".join(spec.column(c).label for c in cols)
                + " |"
                + " |" * (3 - len(cols))
            )
        out.append(
            f"| {row.label} | "
            + " | ".join(_v(tables[TABLE_A][(row.code, c)]) for c in cols)
            + " |"
            + " |" * (3 - len(cols))
        )
    out += ["", "## 三、收到和处理政府信息公开申请情况", ""]
    out.append("| 申请人情况 | | | " + " | ".join(c.label for c in B_COLUMNS) + " |")
    out.append("|---" * 10 + "|")
    for row in fmt.table_b.rows:
        if row.group and row.group != "三、本年度办理结果":
            labels = ["三、本年度办理结果", row.group, row.label]
        elif row.group:
            labels = ["三、本年度办理结果", row.label, ""]
        else:
            labels = [row.label, "", ""]
        values = [_v(tables[TABLE_B][(row.code, c.code)]) for c in B_COLUMNS]
        out.append("| " + " | ".join(labels + values) + " |")
    out += ["", "## 四、政府信息公开行政复议、行政诉讼情况", ""]
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    out.append(
        "| "
        + " | ".join(
            [f"行政复议{o}" for o in outcomes]
            + [f"未经复议直接起诉{o}" for o in outcomes]
            + [f"复议后起诉{o}" for o in outcomes]
        )
        + " |"
    )
    out.append("|---" * 15 + "|")
    out.append("| " + " | ".join(_v(tables[TABLE_C][k]) for k in fmt.table_c.cells) + " |")
    out.append("")
    for tag, text in end:
        out += [("## " if tag == "h2" else "") + text, ""]
    return "\n".join(out)


# --- DOCX ----------------------------------------------------------------------------------------


def render_docx(path: Path, title, preface, narrative, fmt, tables, end) -> Path:
    """The 2021 layout in Word, with the header and group-label cells merged as in the format."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(preface)
    for _, text in narrative:
        document.add_paragraph(text)

    document.add_paragraph("二、主动公开政府信息情况")
    spec = fmt.table_a
    rows = []
    block = None
    for row in spec.rows:
        if row.block != block:
            block = row.block
            rows.append(("block", block, None))
            rows.append(("header", "信息内容", [spec.column(c).label for c in spec.row_columns(row.code)]))
        rows.append(
            ("data", row.label, [_v(tables[TABLE_A][(row.code, c)]) for c in spec.row_columns(row.code)])
        )
    t = document.add_table(rows=len(rows), cols=4)
    for i, (kind, label, values) in enumerate(rows):
        if kind == "block":
            merged = t.cell(i, 0).merge(t.cell(i, 3))
            merged.text = label
            continue
        t.cell(i, 0).text = label
        if len(values) == 1:
            t.cell(i, 1).merge(t.cell(i, 3)).text = values[0]
        else:
            for j, value in enumerate(values):
                t.cell(i, j + 1).text = value

    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    b_rows = fmt.table_b.rows
    t = document.add_table(rows=3 + len(b_rows), cols=10)
    t.cell(0, 0).merge(t.cell(2, 2)).text = TABLE_B_CORNER_NOTE
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for j, column in enumerate(B_COLUMNS[1:6]):
        t.cell(2, 4 + j).text = column.label
    results = [i for i, r in enumerate(b_rows) if r.code not in {"received", "carried_in", "carried_out"}]
    t.cell(3 + results[0], 0).merge(t.cell(3 + results[-1], 0)).text = "三、本年度办理结果"
    group_rows: dict[str, list[int]] = {}
    for i, row in enumerate(b_rows):
        r = 3 + i
        if row.code in {"received", "carried_in", "carried_out"}:
            t.cell(r, 0).merge(t.cell(r, 2)).text = row.label
        elif row.group == "三、本年度办理结果":
            t.cell(r, 1).merge(t.cell(r, 2)).text = row.label
        else:
            group_rows.setdefault(row.group, []).append(r)
            t.cell(r, 2).text = row.label
        for j, column in enumerate(B_COLUMNS):
            t.cell(r, 3 + j).text = _v(tables[TABLE_B][(row.code, column.code)])
    for group, members in group_rows.items():
        t.cell(members[0], 1).merge(t.cell(members[-1], 1)).text = group

    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = document.add_table(rows=4, cols=15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for j, outcome in enumerate(outcomes):
        t.cell(1, j).merge(t.cell(2, j)).text = outcome
        t.cell(2, 5 + j).text = outcome
        t.cell(2, 10 + j).text = outcome
    t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
    t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
    for j, key in enumerate(fmt.table_c.cells):
        t.cell(3, j).text = _v(tables[TABLE_C][key])
    for _, text in end:
        document.add_paragraph(text)
    document.save(str(path))
    return path


# --- Plain-text narratives -----------------------------------------------------------------------

TEXT_CONSISTENT = """某某镇人民政府 2017 年政府信息公开工作年度报告

一、概述
2017 年，某某镇认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息共计 412 条，
其中，制发各类文件 52 件；在政府网站公开信息共计 160 条：政策文件 40 条，通知公告 60 条，工作动态 50 条，
其他 10 条；微信公众号公开 120 条；利用公开栏、电子屏公开各类信息 80 条。

二、依申请公开情况
全年共收到政府信息公开申请 6 件（其中当面申请 4 件，网上申请 2 件），已全部按期答复。

三、机构建设和保障经费情况
从事政务公开工作人员 9 人，其中专职人员 3 人，兼职人员 6 人，较上年增加 2 人。投入专项经费 3.5 万元，
其中网站运维 2.1 万元，培训 1.4 万元。
"""

TEXT_BROKEN = (
    TEXT_CONSISTENT.replace("网上申请 2 件", "网上申请 3 件")
    .replace("其他 10 条；", "其他 12 条；")
    .replace("培训 1.4 万元", "培训 1.6 万元")
)

# --- Writing the fixtures ------------------------------------------------------------------------

TITLE_2021 = "某某县市场监督管理局 2022 年政府信息公开工作年度报告"
TITLE_2019 = "某某县自然资源局 2020 年政府信息公开工作年度报告"


def sample_2021(*, broken: bool) -> tuple:
    tables = broken_2021() if broken else tables_2021()
    return (TITLE_2021, PREFACE_2021, narrative_2021(broken=broken), FORMAT_2021, tables, NARRATIVE_2021_END)


def broken_2019() -> dict[str, Table]:
    tables = copy.deepcopy(tables_2019())
    tables[TABLE_B][("other_handling", "natural_person")] = 1  # （六）其他处理 1, not counted in （七）
    tables[TABLE_B][("other_handling", "total")] = 1
    tables[TABLE_C][("direct", "total")] = 0  # 0+1+0+0 = 1, printed 0
    return tables


def sample_2019(*, broken: bool) -> tuple:
    tables = broken_2019() if broken else tables_2019()
    narrative = list(NARRATIVE_2019)
    if broken:
        narrative[1] = ("p", narrative[1][1].replace("其他 30 条", "其他 20 条"))
    return (TITLE_2019, PREFACE_2019, narrative, FORMAT_2019, tables, NARRATIVE_2021_END)


def markdown_2021_broken_tables() -> dict[str, Table]:
    """The Markdown defects: a blank 总计 cell and a Table C group that does not add up."""
    tables = copy.deepcopy(tables_2021())
    tables[TABLE_B][("refuse_third_party", "total")] = None
    tables[TABLE_C][("direct", "upheld")] = 1  # 1+1+0+0 = 2, printed 1
    return tables


def write_fixtures() -> None:
    FIXTURES.mkdir(exist_ok=True)
    for broken in (False, True):
        suffix = "broken" if broken else "consistent"
        (FIXTURES / f"report-2021-{suffix}.html").write_text(
            render_html(*sample_2021(broken=broken)), encoding="utf-8"
        )
        (FIXTURES / f"report-2019-{suffix}.html").write_text(
            render_html(*sample_2019(broken=broken)), encoding="utf-8"
        )
    title, preface, narrative, fmt, tables, end = sample_2021(broken=False)
    (FIXTURES / "report-2021-consistent.md").write_text(
        render_markdown(title, preface, narrative, fmt, tables, end), encoding="utf-8"
    )
    (FIXTURES / "report-2021-broken.md").write_text(
        render_markdown(title, preface, narrative, fmt, markdown_2021_broken_tables(), end), encoding="utf-8"
    )
    (FIXTURES / "narrative-consistent.txt").write_text(TEXT_CONSISTENT, encoding="utf-8")
    (FIXTURES / "narrative-broken.txt").write_text(TEXT_BROKEN, encoding="utf-8")
    (FIXTURES / "corrupt.pdf").write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\ngarbage"
    )
    (FIXTURES / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")


if __name__ == "__main__":
    write_fixtures()
