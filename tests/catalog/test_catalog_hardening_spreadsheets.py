"""Issue 10 #6: uploaded spreadsheets are refused above the limits before they are parsed (decompression
bombs, absurd sheets), in list publishing, in bulk import and in attachments; nothing is stored."""

import functools
import io
import re
import zipfile

import pytest
from catalog_helpers import xlsx_bytes
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.catalog import services
from gongkai.catalog.models import Attachment, Disclosure
from gongkai.catalog.spreadsheets import SpreadsheetError, read_table
from gongkai.catalog.views import POSTING_SESSION_KEY
from gongkai.core.zipguard import ArchiveTooLarge, check_zip
from gongkai.privacy.extract import ExtractionError

pytestmark = pytest.mark.django_db

HEADER = ["户主姓名", "身份证号", "联系电话"]


def _rewrite_sheet(data: bytes, change) -> bytes:
    """The same XLSX with xl/worksheets/sheet1.xml passed through `change` (text → text)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            dst.writestr(info.filename, body)
    return out.getvalue()


@functools.cache
def bomb() -> bytes:
    """A small XLSX whose one sheet inflates to about 30 MB: one cell holding a very long name."""
    data = _rewrite_sheet(
        xlsx_bytes([HEADER, ["PLACEHOLDER", "", ""]]),
        lambda xml: xml.replace("PLACEHOLDER", "马" * 10_000_000),
    )
    assert len(data) < 1024 * 1024  # compressed: well under a megabyte
    return data


def declared(ref: str, rows=None) -> bytes:
    """A two-row XLSX whose sheet declares the dimension `ref` (openpyxl pads every row to it)."""
    data = xlsx_bytes(rows or [HEADER, ["马永福", "", ""]])
    return _rewrite_sheet(data, lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml))


def undeclared(rows) -> bytes:
    """An XLSX with no <dimension>: the sheet's size is known only by reading it."""
    return _rewrite_sheet(xlsx_bytes(rows), lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))


def test_a_decompression_bomb_is_refused_from_the_zip_directory():
    with pytest.raises(SpreadsheetError, match=r"解压后约\d+MB，超过上限20MB"):
        read_table(bomb())


def test_a_high_compression_ratio_is_refused_even_under_the_total_limit():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "0" * (5 * 1024 * 1024))
    with pytest.raises(ArchiveTooLarge, match=r"压缩比约为\d+:1（上限100:1）"):
        check_zip(out.getvalue(), max_uncompressed=20 * 1024 * 1024)


def test_an_archive_of_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(30):
            archive.writestr(f"xl/media/{n}.bin", b"x")
    with pytest.raises(ArchiveTooLarge, match="包含30个条目，超过上限20个"):
        check_zip(out.getvalue(), max_uncompressed=1024, max_entries=20)


def test_a_sheet_declaring_5000_by_2000_cells_is_refused_before_a_row_is_read():
    with pytest.raises(SpreadsheetError, match=r"范围为A1:BXX5000（5000行×2000列），超过上限"):
        read_table(declared("A1:BXX5000"))


def test_a_sheet_declaring_more_rows_than_the_limit_is_refused(settings):
    settings.SPREADSHEET_LIMITS = {"max_rows": 10}
    with pytest.raises(SpreadsheetError, match=r"（12行×3列），超过上限：表头外最多10行"):
        read_table(declared("A1:C12"))


def test_a_sheet_that_hides_its_width_is_counted_while_streaming():
    wide = [[f"列{n}" for n in range(150)], ["值"] * 150]
    with pytest.raises(SpreadsheetError, match="第1行有150列，超过上限100列"):
        read_table(undeclared(wide))


def test_a_sheet_that_understates_its_dimension_is_still_read_in_full(settings):
    """A false, too small dimension neither truncates the rows nor hides them from the row limit."""
    rows = [HEADER] + [[f"户主{n}", "", ""] for n in range(12)]
    lying = _rewrite_sheet(
        xlsx_bytes(rows), lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:A1"', xml)
    )
    headers, body = read_table(lying)
    assert headers == HEADER and len(body) == 12 and body[-1][0] == "户主11"
    settings.SPREADSHEET_LIMITS = {"max_rows": 10}
    with pytest.raises(SpreadsheetError, match="表格超过10行（不含表头）"):
        read_table(lying)


def test_limits_come_from_settings(settings):
    settings.SPREADSHEET_LIMITS = {"max_columns": 2}
    with pytest.raises(SpreadsheetError, match="第1行有3列，超过上限2列"):
        read_table(undeclared([HEADER, ["马永福", "x", "y"]]))


def test_a_csv_wider_than_the_limit_is_refused():
    line = ",".join(f"列{n}" for n in range(101))
    with pytest.raises(SpreadsheetError, match="第1行有101列，超过上限100列"):
        read_table((line + "\n" + line + "\n").encode())


def test_a_csv_with_more_rows_than_the_limit_is_refused(settings):
    settings.SPREADSHEET_LIMITS = {"max_rows": 3}
    text = "姓名\n" + "".join(f"户主{n}\n" for n in range(4))
    with pytest.raises(SpreadsheetError, match="表格超过3行（不含表头）"):
        read_table(text.encode())


def test_a_csv_of_empty_lines_is_refused_once_it_passes_the_physical_row_cap(settings):
    settings.SPREADSHEET_LIMITS = {"max_rows": 10}
    text = "姓名\n马永福\n" + ",\n" * 2000
    with pytest.raises(SpreadsheetError, match=r"表格超过1044行（含空行）"):
        read_table(text.encode())


def test_a_csv_with_a_giant_field_is_a_clear_error_not_a_crash():
    text = '姓名\n"' + "马" * 200_000 + '"\n'
    with pytest.raises(SpreadsheetError, match="CSV文件格式有误"):
        read_table(text.encode())


def test_a_csv_larger_than_the_byte_limit_is_refused(settings):
    settings.SPREADSHEET_LIMITS = {"max_bytes": 2048}
    with pytest.raises(SpreadsheetError, match=r"表格文件为\d+\.\dMB，超过上限0.0MB|超过上限"):
        read_table(("姓名\n" + "马永福\n" * 500).encode())


def test_an_ordinary_roster_of_5000_rows_is_still_accepted():
    rows = [HEADER] + [[f"户主{n}", f"1101051949123{n:05d}", f"139{n:08d}"] for n in range(5000)]
    data = xlsx_bytes(rows)
    headers, body = read_table(data)
    assert headers == HEADER and len(body) == 5000


@pytest.mark.parametrize("make", [bomb, lambda: declared("A1:BXX5000")], ids=["bomb", "5000x2000"])
def test_list_publishing_refuses_the_file_and_keeps_nothing(login, clerk, make):
    client = login(clerk)
    page = client.post(
        reverse("catalog_office:posting_upload"), {"file": SimpleUploadedFile("低保名单.xlsx", make())}
    )
    assert page.status_code == 200 and "超过上限" in page.content.decode()
    assert POSTING_SESSION_KEY not in client.session
    assert client.get(reverse("catalog_office:posting_columns")).status_code == 302


@pytest.mark.parametrize("make", [bomb, lambda: declared("A1:BXX5000")], ids=["bomb", "5000x2000"])
def test_bulk_import_refuses_the_file_and_imports_nothing(login, reviewer, make):
    page = login(reviewer).post(
        reverse("catalog_office:import"), {"file": SimpleUploadedFile("历史信息.xlsx", make()), "commit": "1"}
    )
    assert page.status_code == 200 and "超过上限" in page.content.decode()
    assert not Disclosure.objects.exists()


def test_an_attachment_bomb_is_refused_and_not_stored(township, clerk, make_draft, settings):
    item = make_draft(clerk, township)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER]))) as src:
            for info in src.infolist():
                archive.writestr(info.filename, src.read(info.filename))
        archive.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(ExtractionError, match="压缩比"):
        services.attachment_add(disclosure=item, actor=clerk, name="名单.xlsx", data=out.getvalue())
    assert not Attachment.objects.exists()


def test_an_attachment_declaring_a_whole_sheet_is_read_as_its_cells(township, clerk, make_draft):
    """openpyxl pads rows to the declared dimension: A1:XFD1048576 would be 17 billion cells."""
    item = make_draft(clerk, township)
    attachment = services.attachment_add(
        disclosure=item, actor=clerk, name="名单.xlsx", data=declared("A1:XFD1048576")
    )
    assert "马永福" in attachment.extracted_text
