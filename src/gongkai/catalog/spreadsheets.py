"""Reading an uploaded table (XLSX or CSV) into a header row and data rows, for list publishing and import."""

import csv
import io

from gongkai.core.errors import DomainError
from gongkai.privacy.extract import XLSX, sniff_type
from gongkai.privacy.mask import cell_text

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024


class SpreadsheetError(DomainError):
    pass


def read_table(data: bytes) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the first sheet of an XLSX file, or of a CSV file (UTF-8 or GB18030).

    The type comes from the content. Cells are text as a reader sees them; fully empty rows are skipped.
    """
    if not data:
        raise SpreadsheetError("文件为空")
    if len(data) > MAX_BYTES:
        raise SpreadsheetError("表格文件超过10MB")
    kind = sniff_type(data)
    if kind == XLSX:
        rows = _xlsx_rows(data)
    elif kind is None:
        rows = _csv_rows(data)
    else:
        raise SpreadsheetError("请上传 XLSX 或 CSV 格式的表格（旧版 XLS 请另存为 XLSX）")
    rows = [[cell_text(c).strip() for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise SpreadsheetError("表格中没有内容")
    headers, body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        raise SpreadsheetError(f"表格超过{MAX_ROWS}行，请分批处理")
    width = len(headers)
    while width and not headers[width - 1]:
        width -= 1
    if not width:
        raise SpreadsheetError("第一行应为表头")
    headers = headers[:width]
    body = [(row + [""] * width)[:width] for row in body]
    return headers, body


def rows_as_dicts(headers: list[str], rows: list[list[str]]) -> list[dict]:
    return [dict(zip(headers, row, strict=True)) for row in rows]


def _xlsx_rows(data: bytes) -> list[list]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged file surfaces as any exception of openpyxl
        raise SpreadsheetError("无法读取该XLSX文件，文件可能已损坏") from exc
    try:
        sheet = workbook.worksheets[0]
        out = []
        for row in sheet.iter_rows(values_only=True):
            out.append([_xlsx_cell(v) for v in row])
            if len(out) > MAX_ROWS + 1:
                break
        return out
    finally:
        workbook.close()


def _xlsx_cell(value):
    import datetime

    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _csv_rows(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError("无法识别CSV文件的编码，请另存为UTF-8")
    if "\x00" in text:
        raise SpreadsheetError("请上传 XLSX 或 CSV 格式的表格")
    return list(csv.reader(io.StringIO(text)))
