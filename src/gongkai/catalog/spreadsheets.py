"""Reading an uploaded table (XLSX or CSV) into a header row and data rows, for list publishing and import.

An upload is untrusted: a 1 MB XLSX can inflate to hundreds of MB, and a sheet can declare millions of
cells. Every limit (settings.SPREADSHEET_LIMITS) is checked before or while parsing, never after: the zip's
central directory before openpyxl opens it, the sheet's declared dimension before its rows are read, then
rows and columns counted while streaming in read-only mode (a file may declare a false dimension).
"""

import contextlib
import csv
import dataclasses
import io
import zipfile

from django.conf import settings

from gongkai.core.errors import DomainError
from gongkai.core.zipguard import ArchiveTooLarge, check_zip
from gongkai.privacy.extract import XLSX, sniff_type
from gongkai.privacy.mask import cell_text


@dataclasses.dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024  # the uploaded file
    max_uncompressed: int = 20 * 1024 * 1024  # all entries of an XLSX, inflated
    max_ratio: int = 100  # compression ratio of one XLSX entry
    max_entries: int = 200  # entries in an XLSX archive
    max_rows: int = 5000  # data rows, the header not counted
    max_columns: int = 100


def limits() -> Limits:
    return Limits(**getattr(settings, "SPREADSHEET_LIMITS", {}))


class SpreadsheetError(DomainError):
    pass


def read_table(data: bytes) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the first sheet of an XLSX file, or of a CSV file (UTF-8 or GB18030).

    The type comes from the content. Cells are text as a reader sees them; fully empty rows are skipped.
    """
    limit = limits()
    if not data:
        raise SpreadsheetError("文件为空")
    if len(data) > limit.max_bytes:
        raise SpreadsheetError(f"表格文件为{_mb(len(data))}，超过上限{_mb(limit.max_bytes)}，请分批处理")
    kind = sniff_type(data)
    if kind == XLSX:
        raw = _xlsx_rows(data, limit)
    elif kind is None:
        raw = _csv_rows(data, limit)
    else:
        raise SpreadsheetError("请上传 XLSX 或 CSV 格式的表格（旧版 XLS 请另存为 XLSX）")
    with contextlib.closing(raw):  # the workbook closes as soon as a limit stops the reading
        rows = _counted(raw, limit)
    if not rows:
        raise SpreadsheetError("表格中没有内容")
    headers, body = rows[0], rows[1:]
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


def _counted(raw, limit: Limits) -> list[list[str]]:
    """The non-empty rows as stripped text, refusing (while reading) more rows or columns than the limits.

    Trailing empty cells do not count as columns, nor empty rows as rows; but a sheet of mostly empty rows
    is refused too, so that reading stays bounded."""
    rows: list[list[str]] = []
    physical_cap = 4 * (limit.max_rows + 1) + 1000
    for number, row in enumerate(raw, start=1):
        if number > physical_cap:
            raise SpreadsheetError(f"表格超过{physical_cap}行（含空行），请删除多余的空行或分批处理")
        cells = [cell_text(c).strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > limit.max_columns:
            raise SpreadsheetError(
                f"第{number}行有{len(cells)}列，超过上限{limit.max_columns}列，请删除多余的列后重新上传"
            )
        rows.append(cells)
        if len(rows) > limit.max_rows + 1:
            raise SpreadsheetError(f"表格超过{limit.max_rows}行（不含表头），请分批处理")
    return rows


def _xlsx_rows(data: bytes, limit: Limits):
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        check_zip(
            data,
            max_uncompressed=limit.max_uncompressed,
            max_ratio=limit.max_ratio,
            max_entries=limit.max_entries,
        )
    except ArchiveTooLarge as exc:
        raise SpreadsheetError(exc.message) from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError("无法读取该XLSX文件，文件可能已损坏") from exc
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged file surfaces as any exception of openpyxl
        raise SpreadsheetError("无法读取该XLSX文件，文件可能已损坏") from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("表格中没有工作表")
        sheet = workbook.worksheets[0]
        # The declared dimension (<dimension ref="A1:BXX5000">): refused before a row is read, since
        # openpyxl pads every row to it.
        if sheet.max_row is not None and sheet.max_column is not None:
            rows, columns = sheet.max_row - sheet.min_row + 1, sheet.max_column - sheet.min_column + 1
            if rows > limit.max_rows + 1 or columns > limit.max_columns:
                extent = (
                    f"{get_column_letter(sheet.min_column)}{sheet.min_row}:"
                    f"{get_column_letter(sheet.max_column)}{sheet.max_row}"
                )
                raise SpreadsheetError(
                    f"工作表“{sheet.title}”的范围为{extent}（{rows}行×{columns}列），超过上限：表头外最多"
                    f"{limit.max_rows}行、最多{limit.max_columns}列。请删除多余的行列或分批处理"
                )
        # Then the rows as they are in the file, neither padded to a (possibly false) dimension nor trusted.
        sheet.reset_dimensions()
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_xlsx_cell(v) for v in row]
        except Exception as exc:  # damaged sheet XML surfaces as any exception of the parser
            raise SpreadsheetError("无法读取该XLSX文件，文件可能已损坏") from exc
    finally:
        workbook.close()


def _xlsx_cell(value):
    import datetime

    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _csv_rows(data: bytes, limit: Limits):
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
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit()
        raise SpreadsheetError(f"CSV文件格式有误：{exc}") from None


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}MB"
