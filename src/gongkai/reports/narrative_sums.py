"""What the report's text states: the figures it quotes from the tables (check 9) and the sums it states
("共计 N 条，其中 a 条，b 条", annual-report-format.md §5.3). Pure functions over the text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .findings import HARD, SOFT, TEXT, Finding, fmt, int_if_whole
from .identities import complete, sum_of
from .tables import TABLE_A, TABLE_B, TABLE_C, TABLE_TITLES, Table, cell_label

# --- Text against tables (check 9) ---------------------------------------------------------------

_N = r"(\d+)\s*"
_GAP = r"[^，,。；;：:\d（）()]{0,12}?"

# (pattern, table, row, column codes summed). Kept narrow: a phrase that names one figure unambiguously.
NARRATIVE_FIGURES: tuple[tuple[re.Pattern[str], str, str, tuple[str, ...]], ...] = (
    (
        re.compile(rf"(?:本年|全年|年内)?(?:共|累计)?新收{_GAP}申请\s*(?:共计?)?\s*{_N}件"),
        TABLE_B,
        "received",
        ("total",),
    ),
    (
        re.compile(rf"(?:本年|全年|年内)(?:度)?共?(?:收到|受理){_GAP}申请\s*(?:共计?)?\s*{_N}件"),
        TABLE_B,
        "received",
        ("total",),
    ),
    (
        re.compile(rf"(?:收到|受理)(?:依申请公开|政府信息公开申请|政府信息依申请公开){_GAP}\s*{_N}件"),
        TABLE_B,
        "received",
        ("total",),
    ),
    (re.compile(rf"(?<!未)办结{_GAP}{_N}件"), TABLE_B, "total", ("total",)),
    (re.compile(rf"上年(?:度)?结转{_GAP}{_N}件"), TABLE_B, "carried_in", ("total",)),
    (re.compile(rf"结转(?:至|到)?下(?:一)?年度?{_GAP}{_N}件"), TABLE_B, "carried_out", ("total",)),
    (re.compile(rf"行政复议(?:案件)?(?:共|共计)?\s*{_N}[件起宗]"), TABLE_C, "admin_review", ("total",)),
    (re.compile(rf"行政诉讼(?:案件)?(?:共|共计)?\s*{_N}[件起宗]"), TABLE_C, "litigation", ("total",)),
    # 主动公开: the Table A figures a narrative repeats (第二十条第（一）、（五）、（六）项).
    (
        re.compile(rf"(?:制定|制发|出台)(?:并公开)?(?:行政)?规范性文件\s*{_N}件"),
        TABLE_A,
        "normative_docs",
        ("issued", "new_made"),
    ),
    (re.compile(rf"行政许可(?:项目|决定)?\s*{_N}[项件]"), TABLE_A, "licensing", ("decisions",)),
    (re.compile(rf"行政处罚(?:决定)?\s*{_N}件"), TABLE_A, "penalty", ("decisions",)),
    (re.compile(rf"行政强制(?:决定|措施)?\s*{_N}件"), TABLE_A, "compulsion", ("decisions",)),
)
# "共收到申请 12 件（含上年结转 2 件）": the narrative adds both years' intake, so it is compared with 一 + 二.
_INTAKE_WITH_CARRY = re.compile(
    rf"(?:收到|受理){_GAP}申请\s*(?:共计?)?\s*{_N}件\s*[（(]\s*(?:含|其中|包括)\s*上年(?:度)?结转\s*{_N}件"
)


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(
    r"(?<![第\d.零〇一二两三四五六七八九十百千万])([零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万]*)(?=\s*(?:余|多)?\s*"
    r"(?:万元|亿元|元|人次|条|件|项|篇|份|期|起|宗|次|则|人|名|户))"
)


def chinese_numeral(text: str) -> int | None:
    """三十 → 30, 一百二十 → 120, 两千零五 → 2005, 十二 → 12; None for what is not a numeral."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def digits_for_chinese_numerals(text: str) -> str:
    """A count written in Chinese numerals before its unit ("三十条", "一百二十件") in digits; the rest unchanged.

    A numeral after 第 is an ordinal, and one not followed by a unit (一是, 三公) is left alone.
    """

    def replace(match: re.Match[str]) -> str:
        value = chinese_numeral(match.group(1))
        return str(value) if value is not None else match.group(0)

    return _CN_NUMBER.sub(replace, text)


def extract_narrative_figures(text: str) -> list[tuple[str, str, str, int, str]]:
    """Figures the text quotes for a table cell: (table, row, column, value, the quoted phrase)."""
    figures = []
    text = digits_for_chinese_numerals(text)
    with_carry = [m.span() for m in _INTAKE_WITH_CARRY.finditer(text)]
    for pattern, table, row, cols in NARRATIVE_FIGURES:
        for match in pattern.finditer(text):
            if table == TABLE_B and any(a <= match.start() < b for a, b in with_carry):
                continue
            figures.append((table, row, "|".join(cols), int(match.group(1)), match.group(0)))
    for match in _INTAKE_WITH_CARRY.finditer(text):
        figures.append((TABLE_B, "received+carried_in", "total", int(match.group(1)), match.group(0)))
    return figures


def check_narrative_figures(text: str, tables: Mapping[str, Table]) -> list[Finding]:
    """Check 9: figures quoted in the text (e.g. "共收到申请N件") equal the table's figures."""
    findings = []
    seen = set()
    for table_key, row, col, value, phrase in extract_narrative_figures(text):
        table = tables.get(table_key)
        if table is None or (table_key, row, value) in seen:
            continue
        seen.add((table_key, row, value))
        if row != "litigation" and "+" not in row:
            if not table.spec.has_row(row):
                continue
            col = next((c for c in col.split("|") if c in table.spec.row_columns(row)), "")
            if not col:
                continue
        if row == "received+carried_in":
            cells = [table.known(("received", "total")), table.known(("carried_in", "total"))]
            if not complete(cells):
                continue
            actual = sum_of(cells)
            label = "一、本年新收 + 二、上年结转 总计"
        elif row == "litigation":
            cells = [table.known(("direct", "total")), table.known(("after_review", "total"))]
            if not complete(cells):
                continue
            actual = sum_of(cells)
            label = "行政诉讼 总计"
        else:
            actual = table.known((row, col))
            if actual is None:
                continue
            row_label, col_label = cell_label(table.spec, (row, col))
            label = f"{row_label} {col_label}"
        if actual != value:
            findings.append(
                Finding(
                    "text_vs_table",
                    SOFT,
                    TEXT,
                    label,
                    "",
                    actual,
                    value,
                    f"正文“{phrase.strip()}”为 {value}，但{TABLE_TITLES[table_key]} {label} = {fmt(actual)}",
                )
            )
    if TABLE_C in tables and re.search(r"均(?:获|被|予以|得到)?维持", text):
        table = tables[TABLE_C]
        for row in table.spec.rows:
            for col in ("corrected", "pending", "other"):
                value = table[(row.code, col)]
                if value:
                    row_label, col_label = cell_label(table.spec, (row.code, col))
                    findings.append(
                        Finding(
                            "text_all_upheld",
                            SOFT,
                            TEXT,
                            row_label,
                            col_label,
                            0,
                            value,
                            f"正文称“均获维持”，但表四 {row_label} {col_label} = {fmt(value)}",
                        )
                    )
    return findings


# --- Sums stated in the text ---------------------------------------------------------------------

# A breakdown: a quantity followed by "，其中", "：", "分别为" or "（其中…）", and the quantities after it.
# Its scope is the list that follows: a list whose items are separated by "，" ends at the next "；" or
# "。"; one separated by "；" ends at the next "。"; a parenthesis ends at its closing parenthesis. A
# breakdown whose total is itself an item of a larger breakdown keeps its own items to itself, so in
# "共计 506 条，其中，制发文件 120 件；网上公开 134 条：公文 30 条，…；微信 112 条" the 506 is the sum
# of 120, 134 and 112, and 30, … are summed only against 134.

_SPACE = "[ \t\u3000]*"
_NUMBER = r"(?<![\d.．])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_UNIT = r"(万元|亿元|元|人次|条|件|项|篇|份|期|起|宗|次|则|人|名|户|个(?=[，,。；;、：:）)\s]|$))"
_APPROX = r"(余|多)?"
_QUANTITY = re.compile(_NUMBER + _SPACE + _APPROX + _SPACE + _UNIT)
_INTRO = re.compile(
    _SPACE
    + r"(?:(?P<colon>[：:])"
    + r"|(?:[，,]"
    + _SPACE
    + r")?(?P<word>其中|分别为|分别是|具体为|包括)"
    + _SPACE
    + r"[：:，,]?"
    + r"|(?P<paren>[（(]"
    + _SPACE
    + r"(?:其中|含|包括)"
    + _SPACE
    + r"[：:，,]?))"
)
_SEPARATOR_LEVEL = {"，": 1, ",": 1, "、": 1, "；": 2, ";": 2, "。": 3, "！": 3, "？": 3, "\n": 3}
_LABEL_BREAK = "，,；;。：:\n"
_FAMILIES = {
    **dict.fromkeys(("条", "件", "项", "篇", "份", "期", "起", "宗", "次", "则", "个"), "count"),
    **dict.fromkeys(("人", "名"), "people"),
}
# An item that states a change or a comparison is not a part of the total.
_NOT_A_PART = re.compile(r"增加|减少|增长|下降|上升|同比|环比|较上年|比上年|较去年|比去年|较\d{4}年")
_RESIDUAL = re.compile(r"其他|其它|其余")
_HEADING_LINE = re.compile(r"^\s*(?:#|\||[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


@dataclass(frozen=True)
class _Quantity:
    value: Decimal
    unit: str
    start: int
    end: int
    depth: int
    approximate: bool = False  # "1600余条": at least 1600

    @property
    def family(self) -> str:
        return _FAMILIES.get(self.unit, self.unit)


@dataclass
class _Breakdown:
    total: _Quantity
    kind: str  # "colon", "word" or "paren"
    word: str
    start: int
    end: int
    part_depth: int


def _flatten(text: str) -> str:
    """Join wrapped lines into one stream; keep a break before headings and table lines."""
    out: list[str] = []
    for line in text.replace("**", "").splitlines():
        if not line.strip():
            continue
        if out and _HEADING_LINE.match(line):
            out.append("\n")
        elif out:
            out.append(" ")
        out.append(line.strip())
    return "".join(out)


def _depths(text: str) -> list[int]:
    depths, depth = [], 0
    for ch in text:
        if ch in ")）":
            depth = max(depth - 1, 0)
        depths.append(depth)
        if ch in "(（":
            depth += 1
    return depths


def _quantities(text: str, depths: list[int]) -> list[_Quantity]:
    found = []
    for match in _QUANTITY.finditer(text):
        before = text[: match.start()].rstrip()
        if before.endswith("第"):
            continue
        number = match.group(1).replace(",", "") + (f".{match.group(2)}" if match.group(2) else "")
        found.append(
            _Quantity(
                Decimal(number),
                match.group(4),
                match.start(),
                match.end(),
                depths[match.start()],
                approximate=bool(match.group(3)),
            )
        )
    return found


def _label_start(text: str, position: int, floor: int) -> int:
    start = max((text.rfind(ch, floor, position) for ch in _LABEL_BREAK), default=-1)
    return max(start + 1, floor)


def _label_before(text: str, position: int, floor: int) -> str:
    return text[_label_start(text, position, floor) : position].strip()


def _scope_end(text: str, depths: list[int], start: int, first_part: _Quantity, depth: int) -> int:
    """End of a list that starts at ``start`` and whose first item is ``first_part``."""
    level = None
    for i in range(first_part.end, len(text)):
        if depths[i] < depth or (text[i] in ")）" and depths[i] == depth and i > start and depth > 0):
            return i
        if depths[i] != depth:
            continue
        ch_level = _SEPARATOR_LEVEL.get(text[i])
        if ch_level is None:
            continue
        if level is None:
            level = ch_level
            if level == 3:
                return i
        elif ch_level > level:
            return i
    return len(text)


_FULL_STOP_INTRO = re.compile(
    _SPACE + r"[。.]" + _SPACE + r"(?P<colon>(?!))?(?P<paren>(?!))?(?P<word>其中)" + _SPACE + r"[：:，,]?"
)


def _after_full_stop(text: str, quantities: list[_Quantity], q: _Quantity) -> re.Match[str] | None:
    """ "共计 98 条。其中：…": a 其中 after the full stop belongs to the sentence's total when that total is the
    only quantity of its sentence (otherwise the 其中 may start a breakdown of any of them, and is left alone)."""
    match = _FULL_STOP_INTRO.match(text, q.end)
    if not match:
        return None
    sentence_start = max(text.rfind(ch, 0, q.start) for ch in "。\n") + 1
    same_sentence = [p for p in quantities if sentence_start <= p.start < q.end and p.depth == q.depth]
    return match if same_sentence == [q] else None


def _breakdowns(text: str, depths: list[int], quantities: list[_Quantity]) -> list[_Breakdown]:
    found: list[_Breakdown] = []
    for q in quantities:
        match = _INTRO.match(text, q.end) or _after_full_stop(text, quantities, q)
        if not match:
            continue
        start = match.end()
        if match.group("paren"):
            kind, word, part_depth = "paren", "其中", q.depth + 1
            end = next((i for i in range(start, len(text)) if depths[i] < part_depth), len(text))
            end = next(
                (i for i in range(start, len(text)) if text[i] in ")）" and depths[i] == q.depth),
                end,
            )
        else:
            kind = "colon" if match.group("colon") else "word"
            word = match.group("word") or "："
            part_depth = q.depth
            first = next((p for p in quantities if p.start >= start and p.depth == q.depth), None)
            if first is None:
                continue
            end = _scope_end(text, depths, start, first, q.depth)
        for outer in found:
            if outer.start <= q.start < outer.end:
                end = min(end, outer.end)
        found.append(_Breakdown(q, kind, word, start, end, part_depth))
    return found


def _parts(
    bd: _Breakdown, text: str, quantities: list[_Quantity], nested: list[_Breakdown]
) -> list[_Quantity]:
    parts = []
    for p in quantities:
        if not (bd.start <= p.start < bd.end) or p.depth != bd.part_depth or p.family != bd.total.family:
            continue
        if any(inner.start <= p.start < inner.end for inner in nested):
            continue
        if _NOT_A_PART.search(_label_before(text, p.start, bd.start)):
            continue
        parts.append(p)
    return parts


def _sums_to(parts: list[_Quantity], total: Decimal) -> bool:
    running = Decimal(0)
    for i, p in enumerate(parts):
        running += p.value
        if i >= 1 and running == total:
            return True
    return False


@dataclass(frozen=True)
class NarrativeSum:
    """A total stated in the text with its parts, e.g. "共计 134 条：公文 30 条，…"."""

    phrase: str  # the text up to the total, e.g. "在政府信息公开网上公开信息共计 134 条"
    total: Decimal
    parts: tuple[Decimal, ...]
    exhaustive: bool  # a colon or "分别为" list; a "其中" list may name only some parts
    consistent: bool

    @property
    def parts_sum(self) -> Decimal:
        return sum(self.parts, Decimal(0))

    @property
    def message(self) -> str:
        return f"{'+'.join(fmt(p) for p in self.parts)}={fmt(self.parts_sum)}，与总数{fmt(self.total)}不符"


def find_narrative_sums(text: str) -> list[NarrativeSum]:
    """Every statement in the text that a total is made of two or more parts, checked or not.

    Finds "共计 N 条，其中 a 条，b 条", "共 N 件：a 件，b 件", "N 人（其中 a 人，b 人）" and nested
    breakdowns. A "其中" list may name only some of the parts ("of which"), so it is inconsistent when
    its parts exceed the total, or fall short of it although one part is a residual (其他/其余), and no
    leading run of its parts makes the total. A colon or "分别为" list is inconsistent whenever its parts
    differ from the total.
    """
    flat = _flatten(digits_for_chinese_numerals(text))
    depths = _depths(flat)
    quantities = _quantities(flat, depths)
    breakdowns = _breakdowns(flat, depths, quantities)
    sums = []
    for bd in breakdowns:
        nested = [
            other
            for other in breakdowns
            if other is not bd
            and bd.start <= other.total.start < bd.end
            and other.total.depth == bd.part_depth
        ]
        parts = _parts(bd, flat, quantities, nested)
        if len(parts) < 2:
            continue
        total = bd.total.value
        found = sum((p.value for p in parts), Decimal(0))
        exhaustive = bd.kind == "colon" or bd.word in {"分别为", "分别是", "具体为"}
        consistent = found == total
        if bd.total.approximate:
            consistent = True  # "190余次": a lower bound, not a total the parts can contradict
        elif any(p.approximate for p in parts):
            consistent = found <= total  # "1600余条": the parts are at least their sum
        elif not consistent and not exhaustive:
            residual = any(_RESIDUAL.search(_label_before(flat, p.start, bd.start)) for p in parts)
            consistent = _sums_to(parts, total) or (found < total and not residual)
        phrase = flat[_label_start(flat, bd.total.start, 0) : bd.total.end]
        sums.append(
            NarrativeSum(phrase.strip(), total, tuple(p.value for p in parts), exhaustive, consistent)
        )
    return sums


def check_narrative_sums(text: str) -> list[Finding]:
    """A finding for each sum stated in the text whose parts do not add up to its total."""
    return [
        Finding(
            "text_sum",
            HARD,
            TEXT,
            s.phrase,
            "",
            int_if_whole(s.total),
            int_if_whole(s.parts_sum),
            f"正文“{s.phrase}”：{s.message}",
        )
        for s in find_narrative_sums(text)
        if not s.consistent
    ]
