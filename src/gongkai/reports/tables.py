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
        return [key for key in self.spec.cells if self.values[key] is None]


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
G_REFUSED = "（三）不予公开"
G_UNABLE = "（四）无法提供"
G_NOT_HANDLED = "（五）不予处理"
G_OTHER = "（六）其他处理"

B_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("business", "商业企业", group="法人或其他组织"),
    Column("research", "科研机构", group="法人或其他组织"),
    Column("nonprofit", "社会公益组织", group="法人或其他组织"),
    Column("legal_service", "法律服务机构", group="法人或其他组织"),
    Column("other_org", "其他", group="法人或其他组织"),
    Column("total", "总计"),
)
B_APPLICANT_COLUMNS = tuple(c.code for c in B_COLUMNS if c.code != "total")

_B_HEAD = (
    Row("received", "一、本年新收政府信息公开申请数量"),
    Row("carried_in", "二、上年结转政府信息公开申请数量"),
    Row("granted", "（一）予以公开", group=RESULTS),
    Row("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", group=RESULTS),
    Row("refuse_state_secret", "1.属于国家秘密", group=G_REFUSED),
    Row("refuse_prohibited_by_law", "2.其他法律行政法规禁止公开", group=G_REFUSED),
    Row("refuse_security_stability", "3.危及“三安全一稳定”", group=G_REFUSED),
    Row("refuse_third_party", "4.保护第三方合法权益", group=G_REFUSED),
    Row("refuse_internal_affairs", "5.属于三类内部事务信息", group=G_REFUSED),
    Row("refuse_process_info", "6.属于四类过程性信息", group=G_REFUSED),
    Row("refuse_enforcement_file", "7.属于行政执法案卷", group=G_REFUSED),
    Row("refuse_admin_query", "8.属于行政查询事项", group=G_REFUSED),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", group=G_UNABLE),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", group=G_UNABLE),
    Row("unable_unclear_after_correction", "3.补正后申请内容仍不明确", group=G_UNABLE),
    Row("not_handled_petition", "1.信访举报投诉类申请", group=G_NOT_HANDLED),
    Row("not_handled_repeat", "2.重复申请", group=G_NOT_HANDLED),
    Row("not_handled_publication", "3.要求提供公开出版物", group=G_NOT_HANDLED),
    Row("not_handled_excessive", "4.无正当理由大量反复申请", group=G_NOT_HANDLED),
    Row("not_handled_reissue", "5.要求行政机关确认或重新出具已获取信息", group=G_NOT_HANDLED),
)
_B_TAIL = (
    Row("total", "（七）总计", group=RESULTS),
    Row("carried_out", "四、结转下年度继续办理"),
)
_B_OTHER_2021 = (
    Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        group=G_OTHER,
    ),
    Row(
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        group=G_OTHER,
    ),
    Row("other_misc", "3.其他", group=G_OTHER),
)
# The 2019 trial format had （六）其他处理 as one row with no sub-rows.
_B_OTHER_2019 = (Row("other_handling", G_OTHER, group=RESULTS),)

TABLE_B_2021 = TableSpec(
    key=TABLE_B, title=TABLE_B_TITLE, rows=_B_HEAD + _B_OTHER_2021 + _B_TAIL, columns=B_COLUMNS
)
TABLE_B_2019 = TableSpec(
    key=TABLE_B, title=TABLE_B_TITLE, rows=_B_HEAD + _B_OTHER_2019 + _B_TAIL, columns=B_COLUMNS
)

# Rows whose sum is （七）总计 (identity 2): every row between （一） and （七）.
B_FLOW_IN = ("received", "carried_in")
B_FLOW_OUT = ("total", "carried_out")
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
