import io
import zipfile

import docx
import openpyxl
import pytest

from gongkai.privacy.detect import Kind, scan_text
from gongkai.privacy.extract import ExtractionError, extract_text, extraction_note, sniff_type

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("最低生活保障初审对象名单")
    paragraph = document.add_paragraph("身份证号：")
    paragraph.add_run("1101051949")
    paragraph.add_run("1231002X")  # a number split over two runs is still one number
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "户主"
    table.cell(0, 1).text = "联系电话"
    table.cell(1, 0).text = "张三"
    table.cell(1, 1).text = "13812345678"
    document.sections[0].footer.paragraphs[0].text = "渠口乡人民政府"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "低保名单"
    sheet.append(["户主姓名", "身份证号", "联系电话", "保障金额"])
    sheet.append(["张三", "440524188001010014", 13812345678, 1260.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string="<p>Applicant ID 34052419800101001X, mobile 13912345678.</p>").write_pdf()


def make_ofd() -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    ofd_xml = f'<ofd:OFD {ns} Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
    document_xml = (
        f"<ofd:Document {ns}><ofd:Pages>"
        '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
        '<ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/>'
        "</ofd:Pages></ofd:Document>"
    )

    def page(*lines):
        objects = "".join(
            f'<ofd:TextObject ID="{i}" Boundary="10 {20 + 10 * n} 100 10">'
            f'<ofd:TextCode X="0" Y="8">{part}</ofd:TextCode></ofd:TextObject>'
            for n, line in enumerate(lines)
            for i, part in enumerate(line)
        )
        return f"<ofd:Page {ns}><ofd:Content><ofd:Layer>{objects}</ofd:Layer></ofd:Content></ofd:Page>"

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", ofd_xml)
        archive.writestr("Doc_0/Document.xml", document_xml)
        # Written out of order: the page order comes from Document.xml.
        archive.writestr("Doc_0/Pages/Page_1/Content.xml", page(["第二页"]))
        archive.writestr(
            "Doc_0/Pages/Page_0/Content.xml", page(["临时救助名单"], ["身份证号", "3701011901", "02039973"])
        )
    return buffer.getvalue()


def test_a_docx_is_recognised_and_its_text_read_including_tables_and_footers():
    file_type, text = extract_text(make_docx())
    assert file_type == "docx"
    assert "最低生活保障初审对象名单" in text
    assert "身份证号：11010519491231002X" in text
    assert "13812345678" in text
    assert "渠口乡人民政府" in text
    assert {f.kind for f in scan_text(text)} == {Kind.ID_NUMBER, Kind.MOBILE}


def test_an_xlsx_is_recognised_and_its_cells_read():
    file_type, text = extract_text(make_xlsx())
    assert file_type == "xlsx"
    assert "低保名单" in text
    assert "440524188001010014" in text
    assert "13812345678" in text  # a number cell, not 13812345678.0
    assert [f.kind for f in scan_text(text)] == [Kind.ID_NUMBER, Kind.MOBILE]


def test_a_pdf_is_recognised_and_its_text_read():
    data = make_pdf()
    assert sniff_type(data) == "pdf"
    file_type, text = extract_text(data)
    assert file_type == "pdf"
    assert "34052419800101001X" in text
    assert [f.kind for f in scan_text(text)] == [Kind.ID_NUMBER, Kind.MOBILE]


def test_an_ofd_is_recognised_and_its_text_codes_read_in_page_order():
    file_type, text = extract_text(make_ofd())
    assert file_type == "ofd"
    lines = text.split("\n")
    assert lines == ["临时救助名单", "身份证号370101190102039973", "第二页"]
    assert [f.kind for f in scan_text(text)] == [Kind.ID_NUMBER]


def test_images_are_recognised_but_have_no_text():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    jpg = b"\xff\xd8\xff\xe0" + b"\x00" * 20
    assert extract_text(png) == ("png", "")
    assert extract_text(jpg) == ("jpg", "")
    assert extract_text(png).note


def test_legacy_office_files_are_accepted_but_not_read():
    doc = OLE_MAGIC + b"\x00" * 100 + "WordDocument".encode("utf-16-le")
    xls = OLE_MAGIC + b"\x00" * 100 + "Workbook".encode("utf-16-le")
    assert sniff_type(doc) == "doc"
    assert sniff_type(xls) == "xls"
    result = extract_text(doc)
    assert tuple(result) == ("doc", "")
    assert "不提取" in result.note
    assert extract_text(xls).type == "xls"


def test_the_type_comes_from_the_content_not_the_name():
    exe_named_pdf = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100
    assert sniff_type(exe_named_pdf) is None
    assert extract_text(exe_named_pdf) == (None, "")
    assert "不支持" in extraction_note(None)
    # A docx renamed .pdf is still a docx.
    assert sniff_type(make_docx()) == "docx"


def test_a_zip_that_is_not_an_office_or_ofd_file_is_not_accepted():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert sniff_type(buffer.getvalue()) is None


def test_an_ole_file_that_is_neither_word_nor_excel_is_not_accepted():
    assert sniff_type(OLE_MAGIC + b"\x00" * 100) is None


def test_empty_and_tiny_inputs_are_not_accepted():
    assert sniff_type(b"") is None
    assert sniff_type(b"PK\x03\x04broken") is None


def test_a_damaged_pdf_raises_an_extraction_error():
    with pytest.raises(ExtractionError):
        extract_text(b"%PDF-1.7\nthis is not a pdf body")


def test_an_encrypted_pdf_raises_an_extraction_error():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ExtractionError):
        extract_text(buffer.getvalue())
