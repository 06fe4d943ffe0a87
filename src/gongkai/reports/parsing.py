"""Reading a published annual report from a file: its tables as numbers and its text.

Supported: HTML (tables with rowspan/colspan expanded into a grid), Markdown (pipe tables), plain
text, DOCX (tables with merged cells, and paragraphs) and PDF (text extraction; the tables are read
best-effort from the text, by their row labels followed by numbers).

Tables A–C are located by their labels, in the 2021 and the 2019 layout, tolerant of whitespace,
full-width/half-width punctuation and the 和/或 variants. A cell left blank is read as None, never as 0.
"""

from __future__ import annotations

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
    """(is a value cell, value): a number, or a blank (None); (False, None) for other text."""
    text = normalise(text).replace("万元", "")
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
    """The row code whose label ``label`` is, in ``spec``, or None."""
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


def tables_from_grids(grids: Iterable[Grid], fmt: ReportFormat) -> dict[str, Table]:
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


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
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


def parse_pdf(path: Path) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise ReportReadError(f"PDF 文件损坏或无法解析：{exc}") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ReportReadError("PDF 中没有可提取的文字（可能是扫描件）")
    return Document("pdf", text)


# --- The report -----------------------------------------------------------------------------------

_TITLE = re.compile(
    r"(?P<org>[^\s#*|，。：:]{2,40}?)\s*(?P<year>20\d{2})\s*年\s*度?\s*(?:政府信息公开|政务公开)?[^\n。]{0,12}?年度?报告"
)
_TOWNSHIP = re.compile(r"(?:乡|镇)(?:人民)?政府$|街道(?:办事处)?$|(?:乡|镇)$")


def _has_table_labels(text: str) -> bool:
    """Whether the text carries the labels of a national-format table (free-form reports do not)."""
    flat = normalise(text)
    markers = [
        *_MARKERS[FORMAT_2019.code],
        *_MARKERS[FORMAT_2021.code],
        "申请人情况",
        "本年度办理结果",
        "尚未审结",
    ]
    return any(marker in flat for marker in markers)


def report_from_document(document: Document, path: str = "") -> ParsedReport:
    """Locate the tables of the report's format in a read document, and its year and organisation."""
    title = _TITLE.search(document.text[:2000])
    year = int(title.group("year")) if title else None
    organisation = title.group("org") if title else ""
    township = bool(_TOWNSHIP.search(organisation))
    grid_text = "".join(cell.text for grid in document.grids for row in grid for cell in row)
    fmt = detect_format(grid_text + document.text, year)
    tables = tables_from_grids(document.grids, fmt) if document.grids else {}
    notes = []
    if not tables and _has_table_labels(grid_text + document.text):
        # No table grid recognised (PDF, plain text, or an unusual grid): read rows from the text.
        grid_lines = "\n".join(" ".join(_distinct(row)) for grid in document.grids for row in grid)
        tables = tables_from_text(document.text + "\n" + grid_lines, fmt)
        if tables:
            notes.append("表格由提取的文字识别（尽力而为），请核对原件")
    format_code = fmt.code if tables else None
    if tables:
        for key in (TABLE_A, TABLE_B, TABLE_C):
            if key not in tables:
                notes.append(f"未识别到{FORMATS[fmt.code].tables[key].short_title}")
    return ParsedReport(
        path=path,
        file_type=document.file_type,
        text=document.text,
        tables=tables,
        format_code=format_code,
        year=year,
        organisation=organisation,
        township=township,
        notes=notes,
    )


def read_report(path: str | Path) -> ParsedReport:
    """Read a published report from a file; raises ReportReadError if the file cannot be read."""
    return report_from_document(read_document(path), str(path))
