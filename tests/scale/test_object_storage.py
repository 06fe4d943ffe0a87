"""Attachments and exports on S3-compatible object storage (django-storages), against a real S3 server on
127.0.0.1 (moto in server mode): uploads through the office land in a private bucket; downloads answer with a
302 to a short-lived presigned URL after the same permission checks as before (core.downloads); the URL gives the
right bytes and content type to a plain HTTP client; nobody else gets a URL."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from gongkai.catalog import services
from gongkai.catalog.models import Attachment

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("s3_server")]  # one S3 server per run

BUCKET = "gongkai-attachments"
REGION = "cn-north-1"
KEYS = {"aws_access_key_id": "gongkai-test", "aws_secret_access_key": "gongkai-test-secret"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
URL_SECONDS = 60


def docx_bytes(*paragraphs: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint, settings):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": URL_SECONDS,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    settings.S3_URL_SECONDS = URL_SECONDS
    yield client
    for found in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=found["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def draft(township, clerk):
    return services.disclosure_create(
        organisation=township,
        actor=clerk,
        title="渠口乡2026年春耕生产通知",
        kind="notice",
        written_on=dt.date(2026, 3, 2),
    )


@pytest.fixture
def uploaded(s3, login, clerk, draft):
    """The clerk uploads a .docx through the office page; it is stored in the bucket."""
    content = docx_bytes("春耕生产")
    response = login(clerk).post(
        reverse("catalog_office:attachment_add", args=[draft.pk]),
        {"file": SimpleUploadedFile("春耕通知.docx", content)},
    )
    assert response.status_code == 302
    return Attachment.objects.get(disclosure=draft), content


def _presigned(response, s3_endpoint) -> str:
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3_endpoint}/{BUCKET}/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == [str(URL_SECONDS)]  # short-lived
    assert "X-Amz-Signature" in query
    assert "no-store" in response["Cache-Control"]
    return location


def test_an_uploaded_attachment_is_stored_in_the_private_bucket(s3, uploaded):
    attachment, content = uploaded
    stored = s3.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == content
    # Private: the object's URL without a signature is refused.
    assert httpx.get(f"{s3.meta.endpoint_url}/{BUCKET}/{attachment.file.name}").status_code == 403
    grants = s3.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert all("AllUsers" not in str(grant.get("Grantee", {})) for grant in grants)


def test_a_public_attachment_downloads_through_a_presigned_url(
    s3, s3_endpoint, uploaded, township, clerk, reviewer, admin
):
    attachment, content = uploaded
    anonymous = Client()
    disclosure = attachment.disclosure
    public_url = reverse("portal_catalog:attachment", args=[disclosure.pk, attachment.pk])
    assert anonymous.get(public_url).status_code == 404  # a draft's file: no URL for anyone outside
    services.disclosure_submit(disclosure=disclosure, actor=clerk)
    services.disclosure_review_pass(disclosure=disclosure, actor=reviewer)
    services.disclosure_approve(disclosure=disclosure, actor=admin)

    location = _presigned(anonymous.get(public_url), s3_endpoint)
    downloaded = httpx.get(location)
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert downloaded.headers["content-type"] == DOCX
    assert "attachment" in downloaded.headers["content-disposition"]
    assert (
        "%E6%98%A5%E8%80%95%E9%80%9A%E7%9F%A5.docx" in downloaded.headers["content-disposition"]
    )  # 春耕通知
    # Without its query string (the signature) the same object is refused: the bucket is private.
    assert httpx.get(location.split("?", 1)[0]).status_code == 403


def test_staff_download_the_draft_attachment_and_staff_elsewhere_get_no_url(
    s3, s3_endpoint, uploaded, login, clerk, other_township_clerk
):
    attachment, content = uploaded
    staff_url = reverse("catalog_office:attachment_download", args=[attachment.pk])
    location = _presigned(login(clerk).get(staff_url), s3_endpoint)
    assert httpx.get(location).content == content

    refused = login(other_township_clerk).get(staff_url)
    assert refused.status_code == 404
    assert "Location" not in refused


def test_an_anonymous_reader_gets_no_url_for_a_staff_download(s3, uploaded):
    attachment, _content = uploaded
    response = Client().get(reverse("catalog_office:attachment_download", args=[attachment.pk]))
    assert response.status_code == 302
    assert "X-Amz-Signature" not in response["Location"]  # the login page, not the bucket
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_staff_export_is_stored_and_answered_with_a_presigned_url(s3, s3_endpoint, login, clerk):
    year = dt.date.today().year - 1
    export_url = reverse("reports:export", args=[year, "json"])
    location = _presigned(login(clerk).get(export_url), s3_endpoint)
    downloaded = httpx.get(location)
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "application/json"
    assert downloaded.json()["year"] == year
    assert f'filename="qukou-{year}-annual-report.json"' in downloaded.headers["content-disposition"]
    keys = [found["Key"] for found in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("exports/")

    assert "X-Amz-Signature" not in Client().get(export_url).get("Location", "")


def test_without_object_storage_the_file_is_sent_by_django(uploaded_locally, client):
    attachment, content = uploaded_locally
    response = client.get(
        reverse("portal_catalog:attachment", args=[attachment.disclosure_id, attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == DOCX


@pytest.fixture
def uploaded_locally(township, clerk, reviewer, admin, draft):
    content = docx_bytes("春耕生产")
    attachment = services.attachment_add(disclosure=draft, actor=clerk, name="春耕通知.docx", data=content)
    services.disclosure_submit(disclosure=draft, actor=clerk)
    services.disclosure_review_pass(disclosure=draft, actor=reviewer)
    services.disclosure_approve(disclosure=draft, actor=admin)
    return attachment, content


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


def test_an_applicants_proof_is_private_and_only_its_office_gets_a_url(
    s3, s3_endpoint, login, township, clerk, county_viewer, other_township_clerk
):
    from gongkai.applications import services as applications

    png = _png()
    application, _code = applications.application_submit(
        organisation=township,
        applicant=applications.Applicant(
            applicant_type="natural_person", applicant_column="", name="马文礼", id_number="640221198507150015",
            phone="13995012345", address="宁夏石嘴山市平罗县渠口乡六顷地村三队12号", email="mawenli@example.com",
        ),
        request=applications.Request(
            info_title="2025年渠口乡高标准农田建设项目资金使用情况", info_doc_no="",
            info_description="请公开项目资金拨付明细和验收报告", provision_form="electronic", delivery="email",
        ),
        proof=SimpleUploadedFile("id.png", png),
        today=dt.date(2026, 11, 20),
    )  # fmt: skip
    assert s3.get_object(Bucket=BUCKET, Key=application.proof.name)["Body"].read() == png
    assert httpx.get(f"{s3_endpoint}/{BUCKET}/{application.proof.name}").status_code == 403

    proof_url = reverse("applications_office:proof", args=[application.pk])
    location = _presigned(login(clerk).get(proof_url), s3_endpoint)
    downloaded = httpx.get(location)
    assert downloaded.content == png
    assert downloaded.headers["content-type"] == "image/png"
    for outsider in (county_viewer, other_township_clerk):  # no personal-data right, another township
        refused = login(outsider).get(proof_url)
        assert refused.status_code in (403, 404)
        assert "Location" not in refused
