"""Reading a published annual report from a file: its tables as numbers and its text.

Supported: HTML (tables with rowspan/colspan expanded into a grid), Markdown (pipe tables), plain
text, DOCX (tables with merged cells, and paragraphs) and PDF (text extraction; the tables are read
best-effort from the text, by their row labels followed by numbers).

Tables A–C are located by their labels, in the 2021 and the 2019 layout, tolerant of whitespace,
full-width/half-width punctuation and the 和/或 variants. A cell left blank is read as None, never as 0.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .tables import (
    FORMAT_2019,
    FORMAT_2021,
    FORMATS,
    TABLE_A,
    TABLE_B,
    TABLE_C,
    Cell,
    ReportFormat,
    Table,
    TableSpec,
    cell_label,
    format_for_year,
)


class ReportReadError(Exception):
    """The file cannot be read as a report: it is missing, of an unsupported type, or corrupt."""


@dataclass
class GridCell:
    text: str
    origin: int  # the source cell; a merged cell repeats the same origin over the positions it spans


Grid = list[list[GridCell]]


@dataclass
class Document:
    """A file reduced to its text (tables left out where the format allows) and its table grids."""

    file_type: str
    text: str
    grids: list[Grid] = field(default_factory=list)


@dataclass
class ParsedReport:
    path: str
    file_type: str  # "html", "markdown", "text", "docx" or "pdf"
    text: str  # the report's text, without the tables where the file type allows
    tables: dict[str, Table]
    format_code: str | None  # "2021", "2019" or None (no tables: free-form report)
    year: int | None
    organisation: str
    township: bool
    notes: list[str] = field(default_factory=list)
    reading: Reading | None = None  # what the reader assumed (labels matched approximately, units)

    @property
    def tables_found(self) -> list[str]:
        return [key for key in (TABLE_A, TABLE_B, TABLE_C) if key in self.tables]


# --- Normalising labels and numbers --------------------------------------------------------------

_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、,]|\(\d+\))")
_PUNCTUATION = re.compile(r"[\s()\[\]“”\"'‘’,、.:;!?/·…\-—]")
_BLANK_MARKS = {"", "-", "—", "–", "--", "——", "/", "无", "空", "\\"}
_NUMBER_TEXT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def label_key(label: str) -> str:
    """A label reduced for matching: no enumeration, punctuation or spaces; 和 read as 或."""
    text = normalise(label)
    while True:
        stripped = _ENUMERATION.sub("", text)
        if stripped == text:
            break
        text = stripped
    return _PUNCTUATION.sub("", text).replace("和", "或")


def parse_cell(text: str) -> tuple[bool, Cell]:
    """(is a value cell, value): a number, or a blank (None); (False, None) for other text.

    A unit written in the cell (万元, 元) and thousands separators are read through: "84,565元" is 84565.
    """
    text = normalise(text)
    text = text.removesuffix("万元").removesuffix("元")
    if text in _BLANK_MARKS:
        return True, None
    if not _NUMBER_TEXT.match(text):
        return False, None
    text = text.replace(",", "").lstrip("+")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return False, None
    return True, int(number) if "." not in text else number


def _coerce(spec: TableSpec, key: tuple[str, str], value: Cell) -> Cell:
    """Integers for count cells (2.0 → 2), Decimal for money."""
    if value is None:
        return None
    if spec.cell_is_integer(key):
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        return value
    return Decimal(value)


# Extra ways a row's label is written, besides its exact label (keys as produced by label_key).
_ROW_NEEDLES = {
    "received": ("本年新收",),
    "carried_in": ("上年结转",),
    "carried_out": ("结转下年度",),
    "partly_granted": ("部分公开",),
    "other_no_correction": ("逾期不补正",),
    "other_fee_unpaid": ("缴纳费用", "收费通知"),
}


def match_row(spec: TableSpec, label: str) -> str | None:
    """The row code whose label ``label`` is exactly (up to punctuation and numbering), in ``spec``, or None."""
    key = label_key(label)
    if not key:
        return None
    for row in spec.rows:
        if key == label_key(row.label):
            return row.code
    if spec.key != TABLE_B:
        return None
    for row in spec.rows:
        if any(needle in key for needle in _ROW_NEEDLES.get(row.code, ())):
            return row.code
    return None


FUZZY_THRESHOLD = 0.75


def match_row_near(spec: TableSpec, label: str, after: int = -1) -> tuple[str, bool] | None:
    """(row code, assumed) for a printed label, looking only at rows after position ``after``.

    An exact match (``match_row``) is not an assumption. Otherwise a label that is the end of a row's label
    (规范性文件 for 行政规范性文件) or close to it (a typo: 行政事业型收费) is matched to the nearest such row
    that comes after the last row read, and flagged as assumed.
    """
    code = match_row(spec, label)
    order = [row.code for row in spec.rows]
    if code is not None:
        return (code, False) if order.index(code) > after else None
    key = label_key(label)
    if len(key) < 4:
        return None
    best: tuple[float, int] | None = None
    for index, row in enumerate(spec.rows):
        if index <= after:
            continue
        target = label_key(row.label)
        if target.startswith(key) and len(key) >= 0.6 * len(target):
            return row.code, False  # a label wrapped onto the next line (PDF text): the rest follows as text
        if target.endswith(key) or key.endswith(target):
            score = 0.9
        else:
            score = difflib.SequenceMatcher(None, key, target).ratio()
        if score >= FUZZY_THRESHOLD and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        return None
    return spec.rows[best[1]].code, True


# --- Which format ---------------------------------------------------------------------------------

_MARKERS = {
    FORMAT_2019.code: (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "其他对外管理服务事项",
        "政府集中采购",
    ),
    FORMAT_2021.code: (
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "逾期不补正",
        "缴纳费用",
    ),
}


def detect_format(text: str, year: int | None = None) -> ReportFormat:
    """The format whose labels the text uses; by year (else 2021) when no label tells."""
    flat = normalise(text)
    counts = {code: sum(marker in flat for marker in markers) for code, markers in _MARKERS.items()}
    if counts[FORMAT_2019.code] > counts[FORMAT_2021.code]:
        return FORMAT_2019
    if counts[FORMAT_2021.code] > 0:
        return FORMAT_2021
    return (format_for_year(year) if year else None) or FORMAT_2021


# --- Tables from grids (HTML, Markdown, DOCX) -----------------------------------------------------


def _distinct(row: list[GridCell]) -> list[str]:
    """A row's cells with each horizontally merged cell once."""
    out: list[str] = []
    last = None
    for cell in row:
        if cell.origin != last:
            out.append(cell.text)
        last = cell.origin
    return out


def _values(cells: list[str]) -> list[Cell] | None:
    parsed = [parse_cell(c) for c in cells]
    if not all(ok for ok, _ in parsed):
        return None
    return [v for _, v in parsed]


def _grid_kind(grid: Grid) -> str | None:
    flat = normalise("".join(cell.text for row in grid for cell in row))
    if "申请人情况" in flat or "本年新收" in flat or "本年度办理结果" in flat:
        return TABLE_B
    if "行政复议" in flat and "尚未审结" in flat:
        return TABLE_C
    if "信息内容" in flat or "第二十条" in flat:
        return TABLE_A
    return None


def _fill(spec: TableSpec, found: dict[str, Table], row_code: str, values: list[Cell]) -> None:
    table = found.setdefault(spec.key, Table(spec))
    for col, value in zip(spec.row_columns(row_code), values, strict=False):
        table[(row_code, col)] = _coerce(spec, (row_code, col), value)


def _tables_from_grids_exact(grids: Iterable[Grid], fmt: ReportFormat) -> dict[str, Table]:
    """Tables A–C of ``fmt`` read from table grids, located by their labels."""
    found: dict[str, Table] = {}
    for grid in grids:
        kind = _grid_kind(grid)
        for row in grid:
            cells = _distinct(row)
            if kind == TABLE_A:
                _read_a_row(fmt.table_a, cells, found)
            elif kind == TABLE_B:
                _read_b_row(fmt.table_b, cells, found)
            elif kind == TABLE_C:
                _read_c_row(fmt.table_c, cells, found)
    return found


def _read_a_row(spec: TableSpec, cells: list[str], found: dict[str, Table]) -> None:
    for i, text in enumerate(cells):
        row_code = match_row(spec, text)
        if row_code is None:
            continue
        width = len(spec.row_columns(row_code))
        values = _values(cells[i + 1 : i + 1 + width])
        if values is not None and values:
            _fill(spec, found, row_code, values + [None] * (width - len(values)))
        return


def _read_b_row(spec: TableSpec, cells: list[str], found: dict[str, Table]) -> None:
    width = len(spec.columns)
    # A layout cell left empty after the row's figures (a table padded to its widest row) is no column: drop
    # it while the figure before the window shows the window is one cell too far right.
    while (
        len(cells) > width
        and not cells[-1].strip()
        and cells[-width - 1].strip()
        and parse_cell(cells[-width - 1])[0]
    ):
        cells = cells[:-1]
    if len(cells) <= width:
        return
    values = _values(cells[-width:])
    if values is None:
        return
    labels = [c for c in cells[:-width] if c.strip()]
    for label in reversed(labels):
        row_code = match_row(spec, label)
        if row_code is not None:
            _fill(spec, found, row_code, values)
            return


_GRID_HEADINGS = {TABLE_A: "二、主动公开政府信息情况", TABLE_B: "三、收到和处理政府信息公开申请情况"}


def _has_single_other(grid: Grid) -> bool:
    """Whether a Table B grid prints （六）其他处理 as one row with its figures (no sub-rows 1–3)."""
    for row in grid:
        cells = _distinct(row)
        for i, cell in enumerate(cells[:-1]):
            if label_key(cell) == "其他处理" and parse_cell(cells[i + 1])[0] and cells[i + 1].strip():
                return True
    return False


def tables_from_grids(grids: Iterable[Grid], fmt: ReportFormat) -> Reading:
    """Tables A–C of ``fmt`` read from table grids, located by their labels; empty cells are blanks.

    Rows are matched by their exact labels, cell by column. A grid the exact labels do not fill (labels with
    typos or shortened) is read again as a stream of cells, matched by position and approximately.
    """
    grids = list(grids)
    single_other = [
        grid
        for grid in grids
        if fmt is FORMAT_2021 and _grid_kind(grid) == TABLE_B and _has_single_other(grid)
    ]
    reading = Reading(
        tables=_tables_from_grids_exact([g for g in grids if not any(g is o for o in single_other)], fmt)
    )
    for grid in grids:
        kind = _grid_kind(grid)
        if kind in (TABLE_A, TABLE_B) and kind not in reading.tables:
            tokens = [_GRID_HEADINGS[kind]]
            for row in grid:
                tokens += [cell if cell.strip() else BLANK for cell in _distinct(row)]
                tokens.append("\n")  # a row ends: the next row's label cannot take this row's cells
            tables_from_tokens(tokens, fmt, reading, grid=True)
    for table in reading.tables.values():
        if table.spec.key != TABLE_C:
            table.unread_rows |= {
                row.code
                for row in table.spec.rows
                if all(table[(row.code, c)] is None for c in table.spec.row_columns(row.code))
            }
    return reading


def _read_c_row(spec: TableSpec, cells: list[str], found: dict[str, Table]) -> None:
    width = len(spec.cells)
    if len(cells) < width:
        return
    values = _values(cells[-width:])
    if values is None or not all(not c.strip() or parse_cell(c)[0] for c in cells[:-width]):
        return
    if all(v is None for v in values) and TABLE_C in found:
        return
    table = found.setdefault(TABLE_C, Table(spec))
    for key, value in zip(spec.cells, values, strict=True):
        table[key] = _coerce(spec, key, value)


# --- Tables from text (PDF, plain text) -----------------------------------------------------------

_TEXT_NUMBER = r"([+-]?\d+(?:\.\d+)?)(?![\d.、,])"


def _label_pattern(label: str) -> str:
    """A regex for a label in extracted text: any whitespace between characters, punctuation optional."""
    key = label_key(label)
    return r"[\s、,，“”\"'‘’·]*".join("[和或]" if ch == "或" else re.escape(ch) for ch in key)


def _numbers_after(text: str, pos: int, count: int) -> tuple[list[Cell], int]:
    """Up to ``count`` numbers following ``pos``, separated by whitespace only."""
    values: list[Cell] = []
    for _ in range(count):
        match = re.compile(r"\s*" + _TEXT_NUMBER).match(text, pos)
        if not match:
            break
        values.append(parse_cell(match.group(1))[1])
        pos = match.end()
    return values, pos


def _find_row(
    text: str, spec: TableSpec, row_code: str, pos: int, width: int
) -> tuple[list[Cell], int] | None:
    label = spec.row(row_code).label
    needles = (
        [label_key(label), *_ROW_NEEDLES.get(row_code, ())] if spec.key == TABLE_B else [label_key(label)]
    )
    for needle in needles:
        # The label may wrap, with the numbers before its last line: skip a little text without digits.
        pattern = re.compile(
            _label_pattern(needle) + r"(?:\([^()\d]*\))?[^\d]{0,40}?(?=\s*" + _TEXT_NUMBER + ")", re.S
        )
        for match in pattern.finditer(text, pos):
            values, end = _numbers_after(text, match.end(), width)
            if values:
                return values, end
    return None


def tables_from_text(text: str, fmt: ReportFormat) -> dict[str, Table]:
    """Best-effort Tables A–C from extracted text: each row's label followed by its numbers."""
    flat = unicodedata.normalize("NFKC", text)
    found: dict[str, Table] = {}
    anchor = re.search(r"第\s*二\s*十\s*条", flat)
    pos = anchor.start() if anchor else -1
    if pos >= 0:
        for row in fmt.table_a.rows:
            width = len(fmt.table_a.row_columns(row.code))
            hit = _find_row(flat, fmt.table_a, row.code, pos, width)
            if hit:
                _fill(fmt.table_a, found, row.code, hit[0] + [None] * (width - len(hit[0])))
                pos = hit[1]
    anchor = re.search(_label_pattern("本年新收"), flat[max(pos, 0) :])
    if anchor:
        pos = max(pos, 0) + anchor.start()
        for row in fmt.table_b.rows:
            width = len(fmt.table_b.columns)
            hit = _find_row(flat, fmt.table_b, row.code, pos, width)
            if hit:
                _fill(fmt.table_b, found, row.code, hit[0] + [None] * (width - len(hit[0])))
                pos = hit[1]
    anchor = re.compile(r"尚\s*未\s*审\s*结").search(flat, max(pos, 0))
    if anchor:
        run = re.compile(r"(?:" + _TEXT_NUMBER + r"\s+){14}" + _TEXT_NUMBER).search(flat, anchor.end())
        if run:
            numbers = re.findall(_TEXT_NUMBER, run.group(0))
            table = Table(fmt.table_c)
            for key, number in zip(fmt.table_c.cells, numbers, strict=True):
                table[key] = _coerce(fmt.table_c, key, parse_cell(number)[1])
            found[TABLE_C] = table
    return found


# --- Text as published: Traditional characters, full-width digits, reading aids ---------------------

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
# Stored copies of some sites put a pinyin reading after a character: 數(shù), 項(xiàng).
_READING_AID = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


def to_simplified(text: str, *, force: bool = False) -> tuple[str, bool]:
    """(text in simplified characters with full-width digits made ASCII, whether it was in Traditional)."""
    text = _READING_AID.sub("", text.translate(_FULL_WIDTH))
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        return text, False
    converted = opencc.OpenCC("t2s").convert(text)
    changed = sum(a != b for a, b in zip(text, converted, strict=False))
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text) or 1
    # A simplified text has a handful of characters OpenCC would still change (e.g. 著); a Traditional one, many.
    if force or (changed >= 5 and changed / cjk > 0.02):
        return converted, True
    return text, False


# --- Tables from a stream of cells (plain text, PDF, stored copies with one cell per line) --------------

_SECTION_A = re.compile(r"^[二2][、.]?\s*主动公开政府信息")
_SECTION_B = re.compile(r"^[三3][、.是]?\s*收到和处理政府信息公开申请")
_SECTION_C = re.compile(r"^[四4][、.]?\s*(?:政府信息公开)?行政复议")
_SECTION_END = re.compile(r"^五[、.]\s*\S")
_NUMBER_TOKEN = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元)?$")
_LABEL_THEN_NUMBERS = re.compile(r"^(.*?[^\d\s.,+-])\s+((?:[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元)?\s*)+)$")


def cell_tokens(text: str) -> list[str]:
    """The text as a stream of cells: lines split at "|", a label followed by its numbers split apart."""
    tokens: list[str] = []
    for line in text.splitlines():
        for part in line.split("|"):
            part = part.strip()
            if not part:
                continue
            if all(_NUMBER_TOKEN.match(p) for p in part.split()):
                tokens.extend(part.split())
                continue
            match = _LABEL_THEN_NUMBERS.match(part)
            if match:
                tokens.append(match.group(1).strip())
                tokens.extend(match.group(2).split())
            else:
                tokens.append(part)
    return tokens


@dataclass
class Reading:
    """What the reader found, and what it assumed, on the way: turned into soft findings."""

    tables: dict[str, Table] = field(default_factory=dict)
    assumptions: list[tuple[str, str, str, str]] = field(default_factory=list)  # (table, row, label, why)
    units: list[tuple[str, str, str, str]] = field(default_factory=list)  # (table, row, column, raw)


def _cell_value(spec: TableSpec, key: tuple[str, str], raw: str, reading: Reading) -> Cell:
    value = _coerce(spec, key, parse_cell(raw)[1])
    flat = normalise(raw)
    if value is not None and flat.endswith("元") and not flat.endswith("万元"):
        row_label, col_label = cell_label(spec, key)
        if key[1] == "fee_amount_wan":
            value = Decimal(value) / 10000
            reading.units.append((spec.key, row_label, col_label, raw))
        else:
            reading.units.append((spec.key, row_label, col_label, raw))
    return value


BLANK = "\x00"  # an empty cell of a table grid (a stream read from text has no empty cells)


def _store_row(spec: TableSpec, reading: Reading, code: str, raws: list[str], *, grid: bool) -> None:
    table = reading.tables.setdefault(spec.key, Table(spec, unread_rows={r.code for r in spec.rows}))
    columns = spec.row_columns(code)
    raws = list(raws)
    if grid:
        raws += [BLANK] * (len(columns) - len(raws))  # in a grid, missing trailing cells are blank
    elif raws and len(raws) < len(columns):
        return  # fewer figures than columns: which column each belongs to is unknown; the row stays unread
    table.unread_rows.discard(code)
    if code == "other_misc" and any(a[1] == "（六）其他处理" for a in reading.assumptions):
        for other in ("other_no_correction", "other_fee_unpaid"):
            if other in table.unread_rows:
                table.unread_rows.discard(other)
                for col in columns:
                    table[(other, col)] = 0
    for col, raw in zip(columns, raws or [""] * len(columns), strict=False):
        table[(code, col)] = _cell_value(spec, (code, col), raw, reading) if raw and raw != BLANK else None


def tables_from_tokens(
    tokens: list[str], fmt: ReportFormat, reading: Reading | None = None, *, grid: bool = False
) -> Reading:
    """Tables A–C read from a stream of cells, located by their section headings and row labels.

    A row is matched by its label in the order of the format (position) and, failing an exact match, by a
    fuzzy match to the next rows (the assumed label is recorded); its figures are the numbers that follow it.
    A row followed by no number is printed blank; one with fewer numbers than columns stays unread.
    """
    reading = reading or Reading()
    section: TableSpec | None = None
    last = -1
    current: str | None = None
    raws: list[str] = []
    c_numbers: list[str] | None = None
    c_labelled = False  # Table C's column headings were seen: with no figure, the table was printed blank
    # （六）其他处理 is one row only in a 2021 table that prints none of its sub-rows 1 and 2.
    single_other = fmt.table_b.has_row("other_misc") and not any(
        match_row(fmt.table_b, t) in {"other_no_correction", "other_fee_unpaid"} for t in tokens
    )

    def close() -> None:
        nonlocal current, raws
        if current is not None and section is not None:
            _store_row(section, reading, current, raws, grid=grid)
        current, raws = None, []

    for token in tokens:
        if token == "\n":
            close()
            continue
        flat = normalise(token)
        heading = fmt.table_a if _SECTION_A.match(flat) else fmt.table_b if _SECTION_B.match(flat) else None
        if heading is not None or _SECTION_C.match(flat) or _SECTION_END.match(flat):
            close()
            if c_numbers is not None:
                _store_c(fmt.table_c, reading, c_numbers, labelled=c_labelled)
            c_numbers = [] if _SECTION_C.match(flat) else None
            section, last = heading, -1
            continue
        if token == BLANK:
            if current is not None and section is not None and len(raws) < len(section.row_columns(current)):
                raws.append(BLANK)
            continue
        if c_numbers is not None:
            if _NUMBER_TOKEN.match(flat):
                c_numbers.append(flat)
            elif flat in {"结果维持", "尚未审结", "结果纠正"}:
                c_labelled = True
            continue
        if _NUMBER_TOKEN.match(flat):
            if current is not None and section is not None and len(raws) < len(section.row_columns(current)):
                raws.append(flat)
            continue
        spec = section or fmt.table_b
        if section is None and len(label_key(flat)) < 8:
            continue  # outside a known section, only a long, exact Table B label starts a row
        if (
            section is not None
            and section.key == TABLE_B
            and last < 0
            and match_row(spec, flat)
            not in (
                "received",
                "carried_in",
            )
        ):
            close()
            continue  # the column headings (其他, 总计) come before the first row
        hit = match_row_near(spec, flat, last)
        if hit is None and spec.key == TABLE_B and single_other and label_key(flat) == "其他处理":
            hit = ("other_misc", True)  # a 2021 report printing （六） as one row, as the 2019 format had it
            reading.assumptions.append((spec.key, "（六）其他处理", token, "单行"))
        if hit is None or (section is None and hit[1]):
            if current is not None and match_row(spec, flat) is None and spec.key == TABLE_B and raws == []:
                continue  # a group header between a row label and its figures
            close()
            continue
        close()
        section = spec
        current, assumed = hit
        last = [row.code for row in spec.rows].index(current)
        if assumed and current != "other_misc":
            reading.assumptions.append((spec.key, spec.row(current).label, token, "近似匹配"))
    close()
    if c_numbers is not None:
        _store_c(fmt.table_c, reading, c_numbers, labelled=c_labelled)
    return reading


def _store_c(spec: TableSpec, reading: Reading, numbers: list[str], *, labelled: bool) -> None:
    """Table C is one row of 15 figures; none at all is a table printed blank."""
    if len(numbers) >= len(spec.cells):
        table = Table(spec)
        for key, raw in zip(spec.cells, numbers, strict=False):
            table[key] = _coerce(spec, key, parse_cell(raw)[1])
        reading.tables[TABLE_C] = table
    elif not numbers and labelled:
        reading.tables[TABLE_C] = Table(spec)


# --- Reading files --------------------------------------------------------------------------------

_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".docx": "docx",
    ".pdf": "pdf",
}


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ReportReadError("不是文本文件（含二进制内容）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportReadError("无法识别文件编码")  # pragma: no cover - gb18030 decodes nearly anything


def _file_type(path: Path, data: bytes) -> str:
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind:
        return kind
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK"):
        return "docx"
    head = data[:512].lower()
    if b"<html" in head or b"<!doctype html" in head or b"<table" in head:
        return "html"
    if path.suffix:
        raise ReportReadError(f"不支持的文件类型：{path.suffix}")
    return "text"


def read_document(path: str | Path) -> Document:
    """The file's text and table grids; raises ReportReadError if it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise ReportReadError(f"文件不存在：{path}")
    if not path.is_file():
        raise ReportReadError(f"不是文件：{path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportReadError(f"无法读取文件：{exc}") from exc
    if not data.strip():
        raise ReportReadError("文件为空")
    kind = _file_type(path, data)
    if kind == "html":
        return parse_html(_decode(data))
    if kind == "markdown":
        return parse_markdown(_decode(data))
    if kind == "text":
        return Document("text", _decode(data))
    if kind == "docx":
        return parse_docx(path)
    return parse_pdf(path)


def parse_html(html: str) -> Document:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ReportReadError(f"HTML 无法解析：{exc}") from exc
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    grids = [_html_grid(table) for table in root.xpath("//table[not(ancestor::table)]")]
    for table in root.xpath("//table[not(ancestor::table)]"):
        table.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _HTML_BLOCKS:
            el.tail = "\n" + (el.tail or "")
    text = "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())
    return Document("html", text, grids)


_HTML_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "title",
    "tr",
    "pre",
}


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _html_grid(table) -> Grid:
    """Expand rowspan/colspan: every position a merged cell covers gets its text and origin."""
    grid: dict[tuple[int, int], GridCell] = {}
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    origin = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            text = re.sub(r"\s+", " ", td.text_content()).strip()
            origin += 1
            for dr in range(_span(td.get("rowspan"))):
                for dc in range(_span(td.get("colspan"))):
                    grid.setdefault((r + dr, c + dc), GridCell(text, origin))
            c += _span(td.get("colspan"))
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), GridCell("", -1 - c)) for c in range(width)] for r in range(height)]


# A pipe row; stored copies often leave out the leading pipe ("规章 | 0 | 0 | 0 |").
_PIPE_ROW = re.compile(r"^[^|\n]*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def parse_markdown(text: str) -> Document:
    grids: list[Grid] = []
    lines: list[str] = []
    current: Grid | None = None
    origin = 0
    for line in text.splitlines():
        if _PIPE_ROW.match(line):
            if current is None:
                current = []
                grids.append(current)
            if _PIPE_RULE.match(line):
                continue
            row = []
            for cell in line.strip().strip("|").split("|"):
                origin += 1
                row.append(GridCell(cell.strip().replace("**", ""), origin))
            current.append(row)
        else:
            current = None
            lines.append(line)
    return Document("markdown", "\n".join(lines), grids)


def parse_docx(path: Path) -> Document:
    try:
        import docx
        from docx.oxml.ns import qn

        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReportReadError(f"DOCX 文件损坏或不是 DOCX：{exc}") from exc
    except Exception as exc:  # python-docx raises its own and lxml's errors on a corrupt part
        raise ReportReadError(f"DOCX 无法读取：{exc}") from exc
    from docx.table import Table as DocxTable

    paragraphs: list[str] = []
    grids: list[Grid] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text.strip():
                paragraphs.append(text)
        elif child.tag == qn("w:tbl"):
            table = DocxTable(child, document)
            grids.append(
                [[GridCell(cell.text.strip(), id(cell._tc)) for cell in row.cells] for row in table.rows]
            )
    return Document("docx", "\n".join(paragraphs), grids)


# A running page number as GB/T 9704-2012 7.5 prints it (“— 1 —”), or “- 1 -”, “第1页 共3页”, alone on its line.
_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[—–\-－─]+\s*\d{1,4}\s*[—–\-－─]+|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?)\s*$"
)


def drop_page_numbers(page_text: str) -> str:
    """A page's text without its running page number, which would otherwise cut a sentence (and a figure: “68
    — 1 — 条”) that runs on to the next page."""
    return "\n".join(line for line in page_text.splitlines() if not _PAGE_NUMBER_LINE.match(line))


def parse_pdf(path: Path) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        pages = [drop_page_numbers(page.extract_text() or "") for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise ReportReadError(f"PDF 文件损坏或无法解析：{exc}") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ReportReadError("PDF 中没有可提取的文字（可能是扫描件）")
    return Document("pdf", text)


# --- The report -----------------------------------------------------------------------------------

_TITLE = re.compile(
    r"(?P<org>[^\s#*|，。：:,;；《》“”]{2,40}?)\s*(?P<year>20\d{2})\s*年\s*度?\s*(?:本级)?(?:政府)?(?:信息公开|政务公开)?"
    r"[^\n。]{0,12}?年度?报告"
)
# "2019年上海市政府信息公开工作年度报告": the year first, then the organ.
_TITLE_YEAR_FIRST = re.compile(
    r"(?:^|编制形成|现公布|向社会公布)\s*(?P<year>20\d{2})\s*年\s*度?\s*(?P<org>[^\s#*|，。：:,;；《》“”]{2,40}?)\s*"
    r"(?:政府)?(?:信息公开|政务公开)(?:工作)?年度?报告"
)
_NOT_AN_ORGAN = re.compile(r"^(?:关于|根据|现将|现公布|向社会公布|编制形成|特向社会公布)|条例|通知")
_ORGAN_LINE = re.compile(r"^\s*(?P<org>\S{2,30}?(?:人民政府|街道办事处|乡|镇|局|委员会|办公室|中心))\s*$")
_PERIOD_YEAR = re.compile(r"(20\d{2})\s*年\s*(?:1\s*月\s*1\s*日|度)")
_TOWNSHIP = re.compile(r"(?:乡|镇)(?:人民)?政府$|街道(?:办事处)?$|(?:乡|镇)$")


def find_title(text: str) -> tuple[int | None, str]:
    """(year, organ) from the report's title, tolerant of the forms published reports use.

    "某某乡2021年政府信息公开工作年度报告", "2019年上海市政府信息公开工作年度报告" (the year first), "某某镇人民政府 /
    关于2021年度政府信息公开工作的年度报告" (the organ on the line before). Without a year in the title, the
    year of the statistics period ("统计期限自2020年1月1日", "2020年度") is taken.
    """
    head = text[:3000]
    lines = [line.strip() for line in head.splitlines()]
    year: int | None = None
    organ = ""
    for index, line in enumerate(lines):
        for pattern in (_TITLE_YEAR_FIRST, _TITLE):
            for match in pattern.finditer(line):
                candidate = match.group("org")
                for prefix in ("编制形成", "现公布", "向社会公布", "由"):
                    candidate = candidate.split(prefix)[-1]
                candidate = candidate.removesuffix("编制的")
                if candidate.endswith("人民"):
                    candidate += "政府"
                if (
                    _NOT_AN_ORGAN.search(candidate)
                    or candidate in {"政府", "本级", "本级政府"}
                    or len(candidate) < 2
                ):
                    candidate = _organ_before(lines, index)
                year = year or int(match.group("year"))
                if candidate:
                    return int(match.group("year")), candidate
    if year is None:
        period = _PERIOD_YEAR.search(head)
        year = int(period.group(1)) if period else None
    for line in lines[:15]:
        match = re.match(r"^\s*(?P<org>\S{2,30}?)政府信息公开工作年度报告\s*$", line)
        if match:
            return year, match.group("org")
    return year, organ


def _organ_before(lines: list[str], index: int) -> str:
    for line in reversed(lines[max(0, index - 4) : index]):
        match = _ORGAN_LINE.match(line)
        if match:
            return match.group("org")
    return ""


def _has_table_labels(text: str) -> bool:
    """Whether the text carries the labels of a national-format table (free-form reports do not)."""
    flat = normalise(text)
    markers = [
        *_MARKERS[FORMAT_2019.code],
        *_MARKERS[FORMAT_2021.code],
        "申请人情况",
        "本年度办理结果",
        "尚未审结",
        "结转下年度继续办理",
        "政府信息公开行政复议",
    ]
    return any(marker in flat for marker in markers)


def report_from_document(document: Document, path: str = "") -> ParsedReport:
    """Locate the tables of the report's format in a read document, and its year and organisation."""
    text, traditional = to_simplified(document.text)
    grids = [
        [
            [
                GridCell(to_simplified(cell.text, force=True)[0] if traditional else cell.text, cell.origin)
                for cell in row
            ]
            for row in grid
        ]
        for grid in document.grids
    ]
    if not traditional and grids:
        grid_plain = "".join(cell.text for grid in grids for row in grid for cell in row)
        grid_converted, traditional = to_simplified(grid_plain)
        if traditional:
            grids = [
                [
                    [GridCell(to_simplified(cell.text, force=True)[0], cell.origin) for cell in row]
                    for row in grid
                ]
                for grid in grids
            ]
    year, organisation = find_title(text)
    township = bool(_TOWNSHIP.search(organisation))
    grid_text = "".join(cell.text for grid in grids for row in grid for cell in row)
    fmt = detect_format(grid_text + text, year)
    reading = tables_from_grids(grids, fmt) if grids else Reading()
    notes = []
    if traditional:
        notes.append("报告为繁体字，已转为简体字读取")
    if not reading.tables and _has_table_labels(grid_text + text):
        # No table grid recognised (PDF, plain text, or a stored copy with one cell per line): read the cells.
        reading = _best_text_reading(text, fmt)
        if reading.tables:
            notes.append("表格由提取的文字识别（尽力而为），请核对原件")
    tables = reading.tables
    format_code = fmt.code if tables else None
    if tables:
        for key in (TABLE_A, TABLE_B, TABLE_C):
            if key not in tables:
                notes.append(f"未识别到{FORMATS[fmt.code].tables[key].short_title}")
    return ParsedReport(
        path=path,
        file_type=document.file_type,
        text=text,
        tables=tables,
        format_code=format_code,
        year=year,
        organisation=organisation,
        township=township,
        notes=notes,
        reading=reading,
    )


def _best_text_reading(text: str, fmt: ReportFormat) -> Reading:
    """The cell-stream reading, or the label-and-numbers reading of extracted text when it reads more."""
    tokens = tables_from_tokens(cell_tokens(text), fmt)
    if tokens.tables:
        return tokens
    return Reading(tables=tables_from_text(text, fmt))


def read_report(path: str | Path) -> ParsedReport:
    """Read a published report from a file; raises ReportReadError if the file cannot be read."""
    return report_from_document(read_document(path), str(path))
