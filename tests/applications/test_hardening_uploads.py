"""Issue 10, Low: proofs are checked by their structure (a parser opens them), not by a magic prefix."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from gongkai.applications import services, uploads
from gongkai.applications.services import ApplicationError


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format=fmt)
    return out.getvalue()


HTML_AS_PDF = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def _submit(township, data, content, name):
    return services.application_submit(
        organisation=township,
        applicant=data.person(),
        request=data.wanted(),
        proof=SimpleUploadedFile(name, content),
    )


def test_an_html_file_starting_with_the_pdf_magic_is_refused(township, data):
    with pytest.raises(ApplicationError, match="只接受PDF、JPG或PNG"):
        _submit(township, data, HTML_AS_PDF, "id.pdf")


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n%%EOF\n",  # a header and nothing else
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # the PNG signature and no image
        b"\xff\xd8\xff\xe0" + b"<html>not a jpeg</html>",
    ],
)
def test_files_with_only_a_magic_prefix_are_refused(content):
    with pytest.raises(uploads.UploadRejected):
        uploads.proof_kind(content)


def test_a_pdf_without_pages_is_refused():
    writer = PdfWriter()
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(uploads.UploadRejected):
        uploads.proof_kind(out.getvalue())


@pytest.mark.parametrize(("fmt", "kind"), [("PNG", "png"), ("JPEG", "jpg")])
def test_real_images_are_accepted(fmt, kind):
    assert uploads.proof_kind(_image(fmt)) == kind


def test_a_real_pdf_is_accepted_and_stored(township, data):
    application, _ = _submit(township, data, _pdf(), "id.pdf")
    assert application.proof_type == "pdf"
