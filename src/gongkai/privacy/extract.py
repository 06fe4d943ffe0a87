"""Text of uploaded files, for the privacy guard and for search.

The type comes from the content (magic bytes), never from the file name: an .exe renamed .pdf is not a PDF.
"""

import io
import re
import zipfile
from typing import NamedTuple

from lxml import etree

from gongkai.core.errors import DomainError
from gongkai.core.zipguard import ArchiveTooLarge, check_zip
from gongkai.privacy.mask import cell_text

PDF = "pdf"
DOC = "doc"
DOCX = "docx"
XLS = "xls"
XLSX = "xlsx"
OFD = "ofd"
JPG = "jpg"
PNG = "png"

FILE_TYPES = (PDF, DOC, DOCX, XLS, XLSX, OFD, JPG, PNG)
# Accepted for upload, but their text is not read: the privacy guard cannot vouch for them.
NOT_EXTRACTED = frozenset({DOC, XLS})
NO_TEXT = frozenset({JPG, PNG})

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"

# Zip archives are read entry by entry; refuse anything that inflates beyond this.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ENTRIES = 5000

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


class ExtractionError(DomainError):
    """The file claims a type its content cannot be read as (damaged, encrypted, too large)."""


class Extracted(NamedTuple):
    type: str | None
    text: str

    @property
    def note(self) -> str:
        return extraction_note(self.type)


def sniff_type(data: bytes) -> str | None:
    """pdf, doc, docx, xls, xlsx, ofd, jpg or png from the content; None for anything else."""
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(PNG_MAGIC):
        return PNG
    if data.startswith(JPG_MAGIC):
        return JPG
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data)
    return None


def _sniff_ole(data: bytes) -> str | None:
    # The directory entries of a compound file carry stream names in UTF-16LE.
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return XLS
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
    if "OFD.xml" in names:
        return OFD
    return None


def extraction_note(file_type: str | None) -> str:
    """A line for staff about what was (not) read from a file of this type."""
    if file_type is None:
        return "不支持的文件类型：仅接受 PDF、Word、Excel、OFD 和 JPG/PNG 图片。"
    if file_type in NOT_EXTRACTED:
        return "该格式（旧版 Office 文件）可以上传，但系统不提取其中文字，请人工核对其中是否含有个人信息。"
    if file_type in NO_TEXT:
        return "图片中的文字不会被识别，请人工核对其中是否含有个人信息。"
    return ""


def extract_text(data: bytes) -> Extracted:
    """(detected type, text). Raises ExtractionError when a recognised file cannot be read."""
    file_type = sniff_type(data)
    if file_type is None or file_type in NOT_EXTRACTED or file_type in NO_TEXT:
        return Extracted(file_type, "")
    reader = {PDF: _pdf_text, DOCX: _docx_text, XLSX: _xlsx_text, OFD: _ofd_text}[file_type]
    try:
        text = reader(data)
    except ExtractionError:
        raise
    except Exception as exc:  # a damaged upload shows up as any exception of the parsing library
        raise ExtractionError(f"无法读取该{file_type.upper()}文件的内容，文件可能已损坏或加密。") from exc
    return Extracted(file_type, text)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractionError("该PDF文件已加密，无法读取其内容。")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


_DOCX_PARTS = re.compile(r"^/word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(data: bytes) -> str:
    import docx

    _check_zip_size(data)
    document = docx.Document(io.BytesIO(data))
    parts = [p for p in document.part.package.iter_parts() if _DOCX_PARTS.match(str(p.partname))]
    # Body first, then headers, footers and notes; text boxes and nested tables are found by walking every
    # paragraph of each part rather than python-docx's top-level lists.
    parts.sort(key=lambda p: (str(p.partname) != "/word/document.xml", str(p.partname)))
    lines = []
    for part in parts:
        root = etree.fromstring(part.blob, _XML_PARSER)
        for paragraph in root.iter(f"{_W}p"):
            # A paragraph holding a text box: the box's own paragraphs are read on their own.
            runs = [
                el
                for el in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br")
                if next(el.iterancestors(f"{_W}p")) is paragraph
            ]
            lines.append("".join(_docx_run_text(el) for el in runs))
    return "\n".join(lines)


def _docx_run_text(el: etree._Element) -> str:
    if el.tag == f"{_W}t":
        return el.text or ""
    return "\t" if el.tag == f"{_W}tab" else "\n"


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    _check_zip_size(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines = []
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            sheet.reset_dimensions()  # read the cells present, not rows padded to a declared dimension
            for row in sheet.iter_rows(values_only=True):
                cells = [cell_text(v) for v in row]
                if any(cells):
                    lines.append("\t".join(cells).rstrip("\t"))
        return "\n".join(lines)
    finally:
        workbook.close()


def _ofd_text(data: bytes) -> str:
    _check_zip_size(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        pages = _ofd_page_paths(archive, set(names))
        if not pages:
            pages = sorted((n for n in names if n.endswith("/Content.xml")), key=_natural_key)
        return "\n".join(_ofd_page_text(archive.read(p)) for p in pages)


def _ofd_page_paths(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The content files of the pages, in document order, following OFD.xml → Document.xml."""
    try:
        root = etree.fromstring(archive.read("OFD.xml"), _XML_PARSER)
        pages = []
        for doc_root in _by_local_name(root, "DocRoot"):
            doc_path = _ofd_path("", doc_root.text or "")
            doc_dir = doc_path.rsplit("/", 1)[0] + "/" if "/" in doc_path else ""
            document = etree.fromstring(archive.read(doc_path), _XML_PARSER)
            for page in _by_local_name(document, "Page"):
                loc = page.get("BaseLoc")
                if loc:
                    path = _ofd_path(doc_dir, loc)
                    if path in names:
                        pages.append(path)
        return pages
    except (KeyError, etree.XMLSyntaxError, ValueError):
        return []


def _ofd_path(base_dir: str, loc: str) -> str:
    loc = loc.strip()
    if loc.startswith("/"):
        return loc.lstrip("/")
    return base_dir + loc


def _ofd_page_text(xml: bytes) -> str:
    """TextCode strings of one page; codes on the same baseline join into one line."""
    root = etree.fromstring(xml, _XML_PARSER)
    if root is None:
        return ""
    out: list[str] = []
    last_y: float | None = None
    for text_object in _by_local_name(root, "TextObject"):
        top = _boundary_top(text_object.get("Boundary"))
        y = 0.0
        for code in _by_local_name(text_object, "TextCode"):
            y = _float(code.get("Y"), y)
            line_y = top + y
            if last_y is not None and abs(line_y - last_y) > 0.5:
                out.append("\n")
            last_y = line_y
            out.append(code.text or "")
    return "".join(out)


def _by_local_name(root: etree._Element, name: str) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == name]


def _boundary_top(boundary: str | None) -> float:
    parts = (boundary or "").split()
    return _float(parts[1], 0.0) if len(parts) >= 2 else 0.0


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _natural_key(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def _check_zip_size(data: bytes) -> None:
    try:
        check_zip(data, max_uncompressed=MAX_UNCOMPRESSED, max_entries=MAX_ENTRIES)
    except ArchiveTooLarge as exc:
        raise ExtractionError(exc.message) from None
