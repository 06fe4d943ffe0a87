"""Issue 10, Medium 8: letters carry only the personal data the reader's role may see, and every download of a
letter or a proof is audited."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from gongkai.applications import services
from gongkai.audit.models import AuditEvent

D = dt.date


@pytest.fixture
def decided(township, register):
    application, code = register(township, D(2026, 10, 12))
    services.application_decide(
        application=application, actor=None, date=D(2026, 10, 20), decision="granted", reply_text="现予公开。"
    )
    return application, code


def _docx_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def _letter(client, application, fmt="docx"):
    return client.get(reverse("applications_office:letter", args=[application.pk, "decision", fmt]))


def test_a_readonly_role_gets_the_letter_with_the_name_masked(login, county_viewer, decided):
    application, _ = decided
    text = _docx_text(_letter(login(county_viewer), application))
    assert "马文礼" not in text
    assert "马**" in text
    event = AuditEvent.objects.get(action="applications.letter_download")
    assert event.actor == county_viewer
    assert event.after == {
        "case_number": application.case_number,
        "kind": "decision",
        "format": "docx",
        "name": "masked",
    }


def test_a_handler_gets_the_name_in_clear_and_the_download_is_audited(login, clerk, decided):
    application, _ = decided
    assert "马文礼" in _docx_text(_letter(login(clerk), application))
    assert _letter(login(clerk), application, "pdf").status_code == 200
    rows = AuditEvent.objects.filter(action="applications.letter_download").order_by("id")
    assert [(r.after["format"], r.after["name"], r.actor_id) for r in rows] == [
        ("docx", "clear", clerk.pk),
        ("pdf", "clear", clerk.pk),
    ]


def test_the_applicant_downloading_through_tracking_is_audited(client, decided):
    application, code = decided
    client.post(reverse("applications_portal:track"), {"case_number": application.case_number, "code": code})
    response = client.get(reverse("applications_portal:track_letter", args=["docx"]))
    assert "马文礼" in _docx_text(response)
    event = AuditEvent.objects.get(action="applications.letter_download")
    assert event.actor is None and event.after["name"] == "clear"


def test_a_refused_or_unknown_letter_is_not_audited_as_a_download(login, county_viewer, township, register):
    application, _ = register(township, D(2026, 11, 24))
    assert _letter(login(county_viewer), application).status_code == 404  # not decided yet
    assert _letter(login(county_viewer), application, "exe").status_code == 404
    assert not AuditEvent.objects.filter(action="applications.letter_download").exists()


def test_every_proof_download_is_audited(login, clerk, township, data):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    application, _ = services.application_register(
        organisation=township,
        actor=clerk,
        applicant=data.person(),
        request=data.wanted(),
        channel="in_person",
        received_on=D(2026, 11, 24),
        proof=SimpleUploadedFile("id.png", out.getvalue()),
    )
    office = login(clerk)
    for _ in range(2):
        response = office.get(reverse("applications_office:proof", args=[application.pk]))
        assert response.status_code == 200
        b"".join(response.streaming_content)
    rows = AuditEvent.objects.filter(action="applications.personal_data_view", actor=clerk)
    assert [r.after["purpose"] for r in rows] == ["下载身份证明", "下载身份证明"]
