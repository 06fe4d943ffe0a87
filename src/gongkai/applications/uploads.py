"""Checks of files uploaded with an application (身份证明): by structure, not by a magic prefix.

`sniff_type` only looks at the first bytes, so an HTML page that starts with ``%PDF-`` passes it. A proof is
accepted only when a real parser opens it: a PDF that pypdf reads with at least one page, a JPEG or PNG that
Pillow identifies as that format and verifies.
"""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager

from gongkai.privacy.extract import DOCX, JPG, PDF, PNG, XLSX, sniff_type

logger = logging.getLogger("gongkai.applications.uploads")

PROOF_TYPES = (PDF, JPG, PNG)
_PIL_FORMATS = {JPG: "JPEG", PNG: "PNG"}
MAX_IMAGE_PIXELS = 50_000_000  # a 5 MB upload has no reason to be larger; refuses decompression bombs


class UploadRejected(Exception):
    pass


def _pdf_ok(data: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return False  # cannot be read by the clerk without a password
        return len(reader.pages) >= 1
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, OSError) as exc:
        logger.info("proof refused: not a readable PDF (%s)", exc)
        return False


def _image_ok(data: bytes, kind: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != _PIL_FORMATS[kind]:
                return False
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_IMAGE_PIXELS:
                return False
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        logger.info("proof refused: not a readable %s image (%s)", kind, exc)
        return False


def proof_kind(data: bytes) -> str:
    """pdf, jpg or png when `data` is a real file of that type; UploadRejected otherwise."""
    return file_kind(data, PROOF_TYPES)


# The released information attached to a reply (staff): what an office hands out. Files an applicant sends with
# an online correction are held to the proof's types (PROOF_TYPES): readable, and nothing that runs.
RELEASED_TYPES = (PDF, DOCX, XLSX, JPG, PNG)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    JPG: "image/jpeg",
    PNG: "image/png",
}


def file_kind(data: bytes, allowed: tuple[str, ...]) -> str:
    """The type of `data` when it is one of `allowed` and a real file of that type (PDF, JPG, PNG parsed; DOCX and
    XLSX by their zip structure, refused when they inflate too far: core.zipguard); UploadRejected otherwise."""
    kind = sniff_type(data)
    if kind not in allowed:
        raise UploadRejected(kind)
    if kind == PDF and not _pdf_ok(data):
        raise UploadRejected(kind)
    if kind in _PIL_FORMATS and not _image_ok(data, kind):
        raise UploadRejected(kind)
    if kind in (DOCX, XLSX):
        from zipfile import BadZipFile

        from gongkai.core.zipguard import ArchiveTooLarge, check_zip
        from gongkai.privacy.extract import MAX_ENTRIES, MAX_UNCOMPRESSED

        try:
            check_zip(data, max_uncompressed=MAX_UNCOMPRESSED, max_entries=MAX_ENTRIES)
        except (ArchiveTooLarge, BadZipFile, OSError, ValueError) as exc:
            logger.info("upload refused: %s archive too large or damaged (%s)", kind, exc)
            raise UploadRejected(kind) from None
    return kind


@contextmanager
def files_discarded_on_failure():
    """Yield a list; every stored file appended to it is deleted if the block (a transaction, commit
    included) raises, so a refused or failed submission leaves no orphan proof on disk."""
    written = []
    try:
        yield written
    except BaseException:
        for field_file in written:
            try:
                field_file.storage.delete(field_file.name)
            except OSError:
                logger.exception("could not delete %s after a failed submission", field_file.name)
        raise
