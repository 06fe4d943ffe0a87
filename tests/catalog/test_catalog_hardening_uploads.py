"""Issue 10 (Low): an uploaded 公示 list never reaches the session table; it waits in a temporary server-side
store that is deleted when the draft is created and purged once expired."""

import datetime

import pytest
from catalog_helpers import VALID_ID, xlsx_bytes
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog import uploads
from gongkai.catalog.models import Disclosure, UploadPreview

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
ROSTER = [["户主姓名", "身份证号", "联系电话"], ["马永福", VALID_ID, PHONE]]
FORM = {
    "title": "关于渠口乡2024年第二季度低保对象审批情况的公示",
    "written_on": "2024-06-20",
    "posting_days": 7,
    "col_0": "on",
    "mask_0": "keep",
    "col_1": "on",
    "mask_1": "id_number",
    "col_2": "on",
    "mask_2": "drop",
}


def _session_table_text() -> str:
    """Everything the session table holds, decoded as Django decodes it."""
    return " ".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all())


def _upload(client):
    return client.post(
        reverse("catalog_office:posting_upload"),
        {"file": SimpleUploadedFile("低保名单.xlsx", xlsx_bytes(ROSTER))},
    )


def test_after_upload_and_preview_the_session_table_holds_no_id_number(login, clerk):
    client = login(clerk)
    assert _upload(client).status_code == 302
    page = client.post(reverse("catalog_office:posting_columns"), {**FORM, "preview": "1"}).content.decode()
    assert "11*************02X" in page  # the preview worked, from the server-side store
    text = _session_table_text()
    assert Session.objects.exists() and VALID_ID not in text and PHONE not in text and "马永福" not in text
    assert UploadPreview.objects.get().rows == [["马永福", VALID_ID, PHONE]]


def test_creating_the_draft_deletes_the_stored_upload(login, clerk):
    client = login(clerk)
    _upload(client)
    response = client.post(reverse("catalog_office:posting_columns"), {**FORM, "create": "1"})
    assert response.status_code == 302 and Disclosure.objects.count() == 1
    assert not UploadPreview.objects.exists()
    assert client.get(reverse("catalog_office:posting_columns")).status_code == 302


def test_an_expired_upload_is_unusable_and_purged_by_the_command(login, clerk, settings):
    client = login(clerk)
    _upload(client)
    later = timezone.now() + datetime.timedelta(minutes=settings.UPLOAD_PREVIEW_MINUTES + 1)
    UploadPreview.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("catalog_office:posting_columns"), follow=True)
    assert "请先上传名单表格" in response.content.decode()
    call_command("catalog", "purge_uploads")
    assert not UploadPreview.objects.exists()
    assert uploads.upload_previews_purge(now=later) == 0


def test_publish_due_purges_expired_uploads_too(login, clerk):
    client = login(clerk)
    _upload(client)
    _upload(login(clerk))  # a second upload replaces the first
    assert UploadPreview.objects.count() == 1
    call_command("publish_due")
    assert UploadPreview.objects.count() == 1  # not expired yet
    UploadPreview.objects.update(expires_at=timezone.now())
    call_command("publish_due")
    assert not UploadPreview.objects.exists()


def test_the_stored_upload_is_bound_to_its_user_and_organisation(township, other_township, clerk, admin):
    token = uploads.upload_preview_store(user=clerk, organisation=township, headers=["a"], rows=[["1"]])
    assert uploads.upload_preview_load(token=token, user=clerk, organisation=township) == (["a"], [["1"]])
    assert uploads.upload_preview_load(token=token, user=admin, organisation=township) is None
    assert uploads.upload_preview_load(token=token, user=clerk, organisation=other_township) is None
    assert uploads.upload_preview_load(token={"headers": ["a"]}, user=clerk, organisation=township) is None
