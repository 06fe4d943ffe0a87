"""Reading the XLSX of subscribers that staff import (channels.views_sms.import_subscribers): the upload's checks
(type, size, sheet, header row), the rows as plain values, the template workbook, and the workbook carried
encrypted between the dry run and the confirmation (so nothing is stored until staff confirm).

The rules (which row is valid, what it creates or updates) are channels.services.subscribers_import_plan's.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile

from gongkai.core.errors import DomainError

HEADERS = ("姓名", "手机号", "村", "订阅内容", "同意日期", "来源")
MAX_BYTES = 1024 * 1024  # 1 MB: about 20,000 rows of these six columns
MAX_ROWS = 5000
PAYLOAD_TTL_SECONDS = 3600  # the dry run's workbook may be confirmed within an hour
XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",  # what some browsers send for any file
    "application/zip",
}


class ImportError_(DomainError):
    pass


@dataclasses.dataclass(frozen=True)
class ImportRow:
    """One row of the sheet as typed (cells as read, stripped); `line` is the sheet's row number."""

    line: int
    name: str
    phone: str
    village: str
    topics: str
    consent_on: object  # a date cell, or text read by core.text.cell_date
    source: str


def upload_read(upload) -> bytes:
    """The uploaded file's bytes, after the checks a staff member can act on."""
    if upload is None:
        raise ImportError_("请选择要导入的 XLSX 文件")
    if not upload.name.lower().endswith(".xlsx"):
        raise ImportError_("仅支持 .xlsx 格式（Excel 2007 及以上）；.xls 或 .csv 请先另存为 .xlsx")
    if upload.size > MAX_BYTES:
        raise ImportError_(f"文件过大（{upload.size // 1024} KB），上限 {MAX_BYTES // 1024} KB；请分批导入")
    if getattr(upload, "content_type", "") and upload.content_type not in XLSX_TYPES:
        raise ImportError_(f"文件类型不是 XLSX（{upload.content_type}）")
    data = upload.read()
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportError_("文件内容不是 XLSX 工作簿（可能是改了扩展名的其他文件）")
    return data


def read_workbook(data: bytes) -> list[ImportRow]:
    """The data rows of the first sheet under the header row HEADERS (any order; other columns ignored)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportError_(f"无法读取工作簿：{type(exc).__name__}") from None
    try:
        if not book.worksheets:
            raise ImportError_("工作簿中没有工作表")
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(lines, ())]
        missing = [h for h in HEADERS if h not in header]
        if missing:
            raise ImportError_(
                f"第一个工作表“{sheet.title}”的第1行须为表头：{'、'.join(HEADERS)}；缺少：{'、'.join(missing)}"
            )
        where = {h: header.index(h) for h in HEADERS}
        rows = []
        for number, cells in enumerate(lines, start=2):
            cells = list(cells) + [None] * (len(header) - len(cells))
            values = {h: cells[i] for h, i in where.items()}
            if all(v is None or str(v).strip() == "" for v in values.values()):
                continue  # blank line
            if len(rows) >= MAX_ROWS:
                raise ImportError_(f"超过 {MAX_ROWS} 行，请分批导入")
            rows.append(
                ImportRow(
                    line=number,
                    name=_text(values["姓名"]),
                    phone=_phone(values["手机号"]),
                    village=_text(values["村"]),
                    topics=_text(values["订阅内容"]),
                    consent_on=values["同意日期"]
                    if not isinstance(values["同意日期"], str)
                    else values["同意日期"].strip(),
                    source=_text(values["来源"]),
                )
            )
        if not rows:
            raise ImportError_("表头以下没有数据行")
        return rows
    finally:
        book.close()


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _phone(value) -> str:
    """A number as typed: an Excel number cell (13800000001.0) reads as its digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(value).replace(" ", "").replace("-", "")


def template_bytes() -> bytes:
    """The workbook to fill in: the header row, one example row, and a note on each column."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "订阅人"
    sheet.append(list(HEADERS))
    sheet.append(["张三", "13800000000", "渠口村", "低保/救助、补贴", "2024-05-01", "书面登记"])
    notes = book.create_sheet("填写说明")
    for line in (
        ("列", "说明"),
        ("姓名", "必填"),
        ("手机号", "必填，11位手机号码"),
        ("村", "必填，本机构或下级村（社区）的名称或简称"),
        ("订阅内容", "可空（全部）；多项用顿号分隔：低保/救助、补贴、工程、财务、通知"),
        ("同意日期", "必填，本人同意接收短信的日期，如 2024-05-01"),
        ("来源", "可空（批量导入）；书面登记、现场登记"),
    ):
        notes.append(list(line))
    for column, width in zip("ABCDEF", (10, 14, 14, 22, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def payload_write(data: bytes) -> str:
    """The workbook carried in the dry run's page to the confirmation: encrypted and authenticated with the
    server's field keys (core.crypto), so it can be neither read nor changed in between."""
    import base64

    from gongkai.core.crypto import fernet

    return fernet().encrypt(base64.b64encode(data)).decode()


def payload_read(payload: str) -> bytes:
    import base64

    from cryptography.fernet import InvalidToken

    from gongkai.core.crypto import fernet

    try:
        return base64.b64decode(fernet().decrypt(payload.encode(), ttl=PAYLOAD_TTL_SECONDS))
    except (InvalidToken, ValueError):
        raise ImportError_("试导入结果已过期或无效，请重新上传文件") from None
