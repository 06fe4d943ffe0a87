"""The national annual-report formats as data: the tables, their rows, columns and cells.

Two formats are described (see reference/annual-report-format.md):

- ``FORMAT_2021``, 国办公开办函〔2021〕30号, for the reports for 2021 onwards;
- ``FORMAT_2019``, the trial format 国办公开办函〔2019〕60号, for the reports for 2019 and 2020.

A filled table is a ``Table``: a mapping ``(row_code, col_code) -> number | None`` over the cells its
``TableSpec`` defines, where ``None`` means the cell was left blank (never the same as 0). Row and
column codes are the stable identifiers of glossary.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.applications.decisions import (
    APPLICANT_COLUMNS,
    APPLICANT_GROUP_LABEL,
    DECISION_TYPES,
    OTHER,
    TOTAL_COLUMN,
    DecisionType,
    decisions_in_group,
)

Number = int | Decimal
Cell = Number | None
CellKey = tuple[str, str]

TABLE_A = "A"
TABLE_B = "B"
TABLE_C = "C"

# Tables are named after the report section that holds them: Table A is in section 二, and so on.
TABLE_TITLES = {
    TABLE_A: "表二",
    TABLE_B: "表三",
    TABLE_C: "表四",
}


@dataclass(frozen=True)
class Row:
    code: str
    label: str  # exact label of the format, with its enumeration, e.g. "（三）1.属于国家秘密"
    group: str = ""  # the group header it sits under, e.g. "（三）不予公开"
    columns: tuple[str, ...] = ()  # Table A only: the block's value columns, in order
    block: str = ""  # Table A only: the Art. 20 item of the block, e.g. "第二十条第（一）项"
    integer: bool = True  # False for money amounts (万元)
    signed: bool = False  # True for 本年增/减 in the 2019 Table A


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    group: str = ""  # e.g. "法人或其他组织", "行政诉讼（未经复议直接起诉）"


@dataclass(frozen=True)
class TableSpec:
    key: str  # "A", "B" or "C"
    title: str  # section heading, e.g. "三、收到和处理政府信息公开申请情况"
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    # Table A is sparse: each row has its own columns. Elsewhere every row has every column.
    sparse: bool = False

    @property
    def short_title(self) -> str:
        return TABLE_TITLES[self.key]

    def row(self, code: str) -> Row:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)

    def column(self, code: str) -> Column:
        for column in self.columns:
            if column.code == code:
                return column
        raise KeyError(code)

    def row_columns(self, row_code: str) -> tuple[str, ...]:
        row = self.row(row_code)
        return row.columns if self.sparse else tuple(c.code for c in self.columns)

    @property
    def cells(self) -> tuple[CellKey, ...]:
        """Every cell of the table, row by row, in the printed order."""
        return tuple((row.code, col) for row in self.rows for col in self.row_columns(row.code))

    def has_row(self, code: str) -> bool:
        return any(row.code == code for row in self.rows)

    def cell_is_integer(self, key: CellKey) -> bool:
        row = self.row(key[0])
        if not row.integer:
            return False
        return key[1] not in MONEY_COLUMNS

    def cell_is_signed(self, key: CellKey) -> bool:
        return self.row(key[0]).signed and key[1] == "change"


# Columns that hold money amounts (non-negative decimals) rather than counts.
MONEY_COLUMNS = frozenset({"fee_amount_wan", "procurement_amount"})


@dataclass
class Table(Mapping[CellKey, Cell]):
    """A filled table: ``(row_code, col_code) -> int | Decimal | None``; None is a blank cell."""

    spec: TableSpec
    values: dict[CellKey, Cell] = field(default_factory=dict)
    # Rows the reader could not place (not printed, or printed with fewer figures than columns): their cells
    # are unknown, unlike a blank cell of a row that was read. Identities that need them are not checked.
    unread_rows: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        valid = set(self.spec.cells)
        unknown = set(self.values) - valid
        if unknown:
            raise KeyError(f"cells not in {self.spec.short_title}: {sorted(unknown)}")
        for key in self.spec.cells:
            self.values.setdefault(key, None)

    def __getitem__(self, key: CellKey) -> Cell:
        return self.values[key]

    def __iter__(self) -> Iterator[CellKey]:
        return iter(self.spec.cells)

    def __len__(self) -> int:
        return len(self.spec.cells)

    def __setitem__(self, key: CellKey, value: Cell) -> None:
        if key not in self.values:
            raise KeyError(key)
        self.values[key] = value

    @classmethod
    def zeros(cls, spec: TableSpec) -> Table:
        return cls(spec, {key: (Decimal(0) if not spec.cell_is_integer(key) else 0) for key in spec.cells})

    @classmethod
    def from_rows(cls, spec: TableSpec, rows: Mapping[str, Iterable[Cell]]) -> Table:
        """Build a table from ``{row_code: [values in column order]}``; rows left out stay blank."""
        values: dict[CellKey, Cell] = {}
        for row_code, row_values in rows.items():
            cols = spec.row_columns(row_code)
            row_values = list(row_values)
            if len(row_values) != len(cols):
                raise ValueError(f"row {row_code} needs {len(cols)} values, got {len(row_values)}")
            values.update(zip(((row_code, c) for c in cols), row_values, strict=True))
        return cls(spec, values)

    def row_values(self, row_code: str) -> list[Cell]:
        return [self.values[(row_code, c)] for c in self.spec.row_columns(row_code)]

    @property
    def blank_cells(self) -> list[CellKey]:
        """Cells printed blank: None in a row that was read."""
        return [key for key in self.spec.cells if self.values[key] is None and key[0] not in self.unread_rows]

    def known(self, key: CellKey) -> Cell:
        """A cell's value for the sums: a blank counts as 0 (按0计); None only for a row that was not read."""
        if key[0] in self.unread_rows:
            return None
        value = self.values[key]
        if value is None:
            return Decimal(0) if not self.spec.cell_is_integer(key) else 0
        return value


@dataclass(frozen=True)
class ReportFormat:
    code: str  # "2021" or "2019"
    name: str
    document: str  # the issuing document
    table_a: TableSpec
    table_b: TableSpec
    table_c: TableSpec
    first_year: int
    last_year: int | None

    @property
    def tables(self) -> dict[str, TableSpec]:
        return {TABLE_A: self.table_a, TABLE_B: self.table_b, TABLE_C: self.table_c}

    @property
    def cell_count(self) -> int:
        return sum(len(spec.cells) for spec in self.tables.values())


# --- Table A -------------------------------------------------------------------------------------

TABLE_A_TITLE = "二、主动公开政府信息情况"

ART20_1 = "第二十条第（一）项"
ART20_5 = "第二十条第（五）项"
ART20_6 = "第二十条第（六）项"
ART20_8 = "第二十条第（八）项"
ART20_9 = "第二十条第（九）项"

TABLE_A_2021 = TableSpec(
    key=TABLE_A,
    title=TABLE_A_TITLE,
    sparse=True,
    rows=(
        Row("rules", "规章", block=ART20_1, columns=("issued", "repealed", "in_force")),
        Row("normative_docs", "行政规范性文件", block=ART20_1, columns=("issued", "repealed", "in_force")),
        Row("licensing", "行政许可", block=ART20_5, columns=("decisions",)),
        Row("penalty", "行政处罚", block=ART20_6, columns=("decisions",)),
        Row("compulsion", "行政强制", block=ART20_6, columns=("decisions",)),
        Row("admin_fees", "行政事业性收费", block=ART20_8, columns=("fee_amount_wan",), integer=False),
    ),
    columns=(
        Column("issued", "本年制发件数"),
        Column("repealed", "本年废止件数"),
        Column("in_force", "现行有效件数"),
        Column("decisions", "本年处理决定数量"),
        Column("fee_amount_wan", "本年收费金额（单位：万元）"),
    ),
)

_A2019_ITEMS = ("last_year_items", "change", "decisions")

TABLE_A_2019 = TableSpec(
    key=TABLE_A,
    title=TABLE_A_TITLE,
    sparse=True,
    rows=(
        Row("rules", "规章", block=ART20_1, columns=("new_made", "new_published", "total_published")),
        Row(
            "normative_docs",
            "规范性文件",
            block=ART20_1,
            columns=("new_made", "new_published", "total_published"),
        ),
        Row("licensing", "行政许可", block=ART20_5, columns=_A2019_ITEMS, signed=True),
        Row("other_services", "其他对外管理服务事项", block=ART20_5, columns=_A2019_ITEMS, signed=True),
        Row("penalty", "行政处罚", block=ART20_6, columns=_A2019_ITEMS, signed=True),
        Row("compulsion", "行政强制", block=ART20_6, columns=_A2019_ITEMS, signed=True),
        Row(
            "admin_fees", "行政事业性收费", block=ART20_8, columns=("last_year_items", "change"), signed=True
        ),
        Row(
            "procurement", "政府集中采购", block=ART20_9, columns=("procurement_items", "procurement_amount")
        ),
    ),
    columns=(
        Column("new_made", "本年新制作数量"),
        Column("new_published", "本年新公开数量"),
        Column("total_published", "对外公开总数量"),
        Column("last_year_items", "上一年项目数量"),
        Column("change", "本年增/减"),
        Column("decisions", "处理决定数量"),
        Column("procurement_items", "采购项目数量"),
        Column("procurement_amount", "采购总金额"),
    ),
)

# --- Table B -------------------------------------------------------------------------------------

TABLE_B_TITLE = "三、收到和处理政府信息公开申请情况"
TABLE_B_CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

RESULTS = "三、本年度办理结果"

# Columns and result rows come from the one definition of the applicant types and decision types
# (applications/decisions.py); only the rows that are not decisions (一, 二, （七）, 四) are written here.
B_COLUMNS = (
    *(
        Column(c.code, c.label, group=APPLICANT_GROUP_LABEL if c.is_organisation else "")
        for c in APPLICANT_COLUMNS
    ),
    Column(*TOTAL_COLUMN),
)
B_APPLICANT_COLUMNS = tuple(c.code for c in B_COLUMNS if c.code != "total")


def _decision_row(decision: DecisionType) -> Row:
    # （一） and （二） are rows of their own under 三; the numbered sub-rows sit under their group's header.
    return Row(
        decision.code,
        decision.label,
        group=RESULTS if decision.label.startswith("（") else decision.group.label,
    )


_B_HEAD = (
    Row("received", "一、本年新收政府信息公开申请数量"),
    Row("carried_in", "二、上年结转政府信息公开申请数量"),
    *(_decision_row(d) for d in DECISION_TYPES if d.group is not OTHER),
)
_B_TAIL = (
    Row("total", "（七）总计", group=RESULTS),
    Row("carried_out", "四、结转下年度继续办理"),
)
_B_OTHER_2021 = tuple(_decision_row(d) for d in decisions_in_group(OTHER.code))
# The group headers with numbered sub-rows: （三） to （六）.
B_SUBGROUPS = frozenset(row.group for row in _B_HEAD + _B_OTHER_2021 if row.group and row.group != RESULTS)
# The 2019 trial format had （六）其他处理 as one row with no sub-rows.
_B_OTHER_2019 = (Row("other_handling", OTHER.label, group=RESULTS),)

TABLE_B_2021 = TableSpec(
    key=TABLE_B, title=TABLE_B_TITLE, rows=_B_HEAD + _B_OTHER_2021 + _B_TAIL, columns=B_COLUMNS
)
TABLE_B_2019 = TableSpec(
    key=TABLE_B, title=TABLE_B_TITLE, rows=_B_HEAD + _B_OTHER_2019 + _B_TAIL, columns=B_COLUMNS
)

# Rows whose sum is （七）总计 (identity 2): every row between （一） and （七）, i.e. all but these.
B_NON_RESULT_ROWS = frozenset({"received", "carried_in", "total", "carried_out"})


def result_rows(spec: TableSpec) -> tuple[str, ...]:
    """The leaf result rows of a Table B spec, whose sum is （七）总计."""
    return tuple(row.code for row in spec.rows if row.code not in B_NON_RESULT_ROWS)


# --- Table C -------------------------------------------------------------------------------------

TABLE_C_TITLE = "四、政府信息公开行政复议、行政诉讼情况"

C_OUTCOMES = ("upheld", "corrected", "other", "pending")
C_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

# The printed table has one unlabelled row of 15 cells; the three groups are stored as rows.
TABLE_C_SPEC = TableSpec(
    key=TABLE_C,
    title=TABLE_C_TITLE,
    rows=(
        Row("admin_review", "行政复议"),
        Row("direct", "未经复议直接起诉", group="行政诉讼"),
        Row("after_review", "复议后起诉", group="行政诉讼"),
    ),
    columns=C_COLUMNS,
)

# --- Formats -------------------------------------------------------------------------------------

FORMAT_2021 = ReportFormat(
    code="2021",
    name="中华人民共和国政府信息公开工作年度报告格式",
    document="国办公开办函〔2021〕30号",
    table_a=TABLE_A_2021,
    table_b=TABLE_B_2021,
    table_c=TABLE_C_SPEC,
    first_year=2021,
    last_year=None,
)

FORMAT_2019 = ReportFormat(
    code="2019",
    name="中华人民共和国政府信息公开工作年度报告格式（试行）",
    document="国办公开办函〔2019〕60号",
    table_a=TABLE_A_2019,
    table_b=TABLE_B_2019,
    table_c=TABLE_C_SPEC,
    first_year=2019,
    last_year=2020,
)

FORMATS = {FORMAT_2021.code: FORMAT_2021, FORMAT_2019.code: FORMAT_2019}


def format_for_year(year: int) -> ReportFormat | None:
    """The format a report for ``year`` must use; None for the free-form reports before 2019."""
    for fmt in FORMATS.values():
        if year >= fmt.first_year and (fmt.last_year is None or year <= fmt.last_year):
            return fmt
    return None


def cell_label(spec: TableSpec, key: CellKey) -> tuple[str, str]:
    """Row and column labels of a cell, as printed in messages."""
    row = spec.row(key[0])
    column = spec.column(key[1])
    # A sub-row is named with its group's enumeration: "（三）4.保护第三方合法权益".
    row_label = (
        f"{row.group.split('）')[0]}）{row.label}" if row.group and row.label[0].isdigit() else row.label
    )
    if spec.key == TABLE_C:
        row_label = f"{row.group}（{row.label}）" if row.group else row.label
    return row_label, column.label
