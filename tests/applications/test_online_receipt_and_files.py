"""Issue 12, the apply–track loop: an online application is received on the day the organ confirms it (条例 Art.
31(3)); the receipts shown and e-mailed; released files attached to the reply and downloaded from /track/ only by
the tracked case; files with an online correction; the applicant's change of contact details after a correction."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from gongkai.applications import queries, services
from gongkai.applications.clock import ClockError, ClockState, EventKind, compute_clock, next_events
from gongkai.applications.models import Application, ApplicationFile, FilePurpose
from gongkai.audit.models import AuditEvent
from gongkai.workdays.calendar import WorkCalendar

D = dt.date
TRACK = reverse("applications_portal:track")
pytestmark = pytest.mark.today("2025-03-10")


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 3), "white").save(out, format="PNG")
    return out.getvalue()


PDF = pdf_bytes()
PNG = png_bytes()


def submit(org, data, *, today=D(2025, 3, 7), **applicant):
    return services.application_submit(
        organisation=org, applicant=data.person(**applicant), request=data.wanted(), today=today
    )


def tracked(client, application, code):
    client.post(TRACK, {"case_number": application.case_number, "code": code})
    return client


# ---- the clock (pure) -------------------------------------------------------------------------------------------

ONLINE = ("received", D(2025, 3, 7), {"channel": "online", "awaiting_confirmation": True})


def test_an_online_application_awaits_confirmation_and_no_clock_runs_before_it():
    status = compute_clock([ONLINE], WorkCalendar(), today=D(2025, 3, 20))
    assert status.state is ClockState.AWAITING_CONFIRMATION and status.state_label == "待确认收到"
    assert status.due_on is None and status.submitted_on == D(2025, 3, 7) and status.awaiting_confirmation
    assert "确认收到" in status.next_step
    assert next_events([ONLINE], WorkCalendar(), D(2025, 3, 20)) == (EventKind.RECEIPT_CONFIRMED,)
    with pytest.raises(ClockError, match="尚未确认收到"):
        compute_clock(
            [ONLINE, ("correction_requested", D(2025, 3, 10))], WorkCalendar(), today=D(2025, 3, 10)
        )


def test_the_twenty_working_days_count_from_the_confirmation_not_the_submission():
    calendar = WorkCalendar()
    confirmed = compute_clock([ONLINE, ("receipt_confirmed", D(2025, 3, 10))], calendar, today=D(2025, 3, 10))
    assert confirmed.received_on == D(2025, 3, 10) and confirmed.submitted_on == D(2025, 3, 7)
    assert confirmed.due_on == calendar.add_workdays(D(2025, 3, 10), 20) == D(2025, 4, 8)
    assert confirmed.correction_notice_due == calendar.add_workdays(D(2025, 3, 10), 7)
    assert confirmed.state is ClockState.NORMAL


def test_a_confirmation_before_the_submission_or_of_an_ordinary_receipt_is_refused():
    with pytest.raises(ClockError, match="尚未登记收到申请"):  # the service says "不能早于提交之日"
        compute_clock([ONLINE, ("receipt_confirmed", D(2025, 3, 6))], WorkCalendar(), today=D(2025, 3, 10))
    with pytest.raises(ClockError, match="才需要确认收到"):
        compute_clock(
            [("received", D(2025, 3, 7)), ("receipt_confirmed", D(2025, 3, 8))],
            WorkCalendar(),
            today=D(2025, 3, 10),
        )


# ---- 确认收到 --------------------------------------------------------------------------------------------------


def test_an_online_submission_is_not_received_until_confirmed_and_table_b_skips_it(township, data):
    application, _ = submit(township, data)
    assert application.awaiting_confirmation and application.received_on == D(2025, 3, 7)
    assert queries.table_b(township, 2025)[("received", "total")] == 0
    assert queries.clock_of(application, today=D(2025, 3, 10)).state is ClockState.AWAITING_CONFIRMATION


def test_the_submission_receipt_is_emailed_with_the_dates_it_can_state(
    township, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application, code = submit(township, data)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mawenli@example.com"]
    assert application.case_number in message.body and "提交日期：2025年3月7日" in message.body
    assert "收到申请之日：待确认" in message.body and "第三十一条第（三）项" in message.body
    assert code not in message.body  # the tracking code is shown once, never mailed


def test_staff_confirm_receipt_the_clock_starts_then_and_the_applicant_is_mailed(
    township, data, clerk, django_capture_on_commit_callbacks
):
    application, _ = submit(township, data)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.application_confirm_receipt(
            application=application, actor=clerk, date=D(2025, 3, 10), today=D(2025, 3, 10)
        )
    assert not confirmed.awaiting_confirmation and confirmed.received_on == D(2025, 3, 10)
    event = confirmed.events.get(kind=EventKind.RECEIPT_CONFIRMED)
    assert event.date == D(2025, 3, 10) and event.actor == clerk
    assert AuditEvent.objects.filter(action="applications.receipt_confirmed", actor=clerk).count() == 1
    assert queries.clock_of(confirmed, today=D(2025, 3, 10)).due_on == D(2025, 4, 8)
    assert queries.table_b(township, 2025)[("received", "total")] == 1
    body = mail.outbox[-1].body
    assert "已确认收到" in mail.outbox[-1].subject
    assert "提交日期：2025年3月7日" in body and "收到申请之日：2025年3月10日" in body
    assert "答复期限：2025年4月8日前" in body


def test_a_confirmation_year_decides_the_annual_report_row(township, data, clerk):
    application, _ = submit(township, data, today=D(2024, 12, 31))
    services.application_confirm_receipt(
        application=application, actor=clerk, date=D(2025, 1, 2), today=D(2025, 1, 2)
    )
    assert queries.table_b(township, 2024)[("received", "total")] == 0
    assert queries.table_b(township, 2024)[("carried_out", "total")] == 0
    assert queries.table_b(township, 2025)[("received", "total")] == 1


@pytest.mark.parametrize(
    ("day", "message"), [(D(2025, 3, 6), "不能早于提交之日"), (D(2025, 3, 11), "不能晚于今天")]
)
def test_a_confirmation_date_outside_submission_to_today_is_refused(township, data, clerk, day, message):
    application, _ = submit(township, data)
    with pytest.raises(services.ApplicationError, match=message):
        services.application_confirm_receipt(
            application=application, actor=clerk, date=day, today=D(2025, 3, 10)
        )
    assert Application.objects.get(pk=application.pk).awaiting_confirmation


def test_a_registered_application_needs_no_confirmation_and_another_township_cannot_confirm(
    township, data, register, other_township_clerk
):
    registered, _ = register(township, D(2025, 3, 3), today=D(2025, 3, 10))
    with pytest.raises(services.ApplicationError, match="不是待确认"):
        services.application_confirm_receipt(application=registered, actor=None, date=D(2025, 3, 10))
    online, _ = submit(township, data)
    with pytest.raises(Exception, match="权限"):
        services.application_confirm_receipt(
            application=online, actor=other_township_clerk, date=D(2025, 3, 10), today=D(2025, 3, 10)
        )


def test_the_office_lists_confirms_and_the_todo_shows_the_waiting_application(login, clerk, township, data):
    application, _ = submit(township, data)
    client = login(clerk)
    queue = client.get(reverse("applications_office:queue") + "?state=awaiting_confirmation").content.decode()
    assert application.case_number in queue and "待确认收到" in queue
    assert application.case_number in client.get(reverse("supervision_office:todo")).content.decode()
    page = client.get(reverse("applications_office:case", args=[application.pk])).content.decode()
    assert "<summary>确认收到</summary>" in page and "网上提交日期" in page
    response = client.post(
        reverse("applications_office:action", args=[application.pk, "receipt_confirmed"]),
        {"receipt_confirmed-date": "2025-03-10"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert not application.awaiting_confirmation and application.received_on == D(2025, 3, 10)
    assert application.case_number not in client.get(reverse("supervision_office:todo")).content.decode()


def test_track_says_plainly_that_the_application_awaits_confirmation_then_shows_the_dates(
    client, township, data, clerk
):
    application, code = submit(township, data)
    page = tracked(client, application, code).get(TRACK).content.decode()
    assert "等待渠口乡人民政府确认收到" in page and "提交日期" in page and "答复期限</th>" not in page
    services.application_confirm_receipt(application=application, actor=clerk, date=D(2025, 3, 10))
    page = client.get(TRACK).content.decode()
    assert "2025年3月10日" in page and "2025年4月8日" in page and "办理中" in page


def test_the_page_after_submitting_states_the_submission_and_that_receipt_awaits_confirmation(
    client, township, apply_form, data
):
    body = client.post(
        reverse("applications_portal:apply", args=["qukou"]), apply_form(data)
    ).content.decode()
    assert "提交日期：2025年3月10日" in body and "收到申请之日：待确认" in body
    assert "收到申请之日为今天" not in body


# ---- released files --------------------------------------------------------------------------------------------


@pytest.fixture
def decided_with_file(township, register, login, clerk):
    application, code = register(township, D(2025, 3, 3), today=D(2025, 3, 10))
    response = login(clerk).post(
        reverse("applications_office:action", args=[application.pk, "decided"]),
        {
            "decided-date": "2025-03-10",
            "decided-decision": "granted",
            "decided-reply_text": "予以公开，见附件。",
            "decided-files": [SimpleUploadedFile("低保资金发放明细.pdf", PDF, "application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return application, code


def test_staff_attach_the_released_file_with_the_reply_and_the_applicant_downloads_it(
    client, decided_with_file
):
    application, code = decided_with_file
    attachment = ApplicationFile.objects.get(application=application)
    assert attachment.purpose == FilePurpose.RELEASED and attachment.name == "低保资金发放明细.pdf"
    assert attachment.event.kind == EventKind.DECIDED
    page = tracked(client, application, code).get(TRACK).content.decode()
    link = reverse("applications_portal:track_file", args=[attachment.pk])
    assert link in page and "低保资金发放明细.pdf" in page
    response = client.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="applications.files_attach").count() == 1


def test_another_cases_credentials_or_none_get_404_for_a_released_file(
    client, decided_with_file, township, register
):
    application, _ = decided_with_file
    attachment = ApplicationFile.objects.get(application=application)
    link = reverse("applications_portal:track_file", args=[attachment.pk])
    assert client.get(link).status_code == 404  # nothing tracked
    other, other_code = register(township, D(2025, 3, 4), today=D(2025, 3, 10))
    assert tracked(client, other, other_code).get(link).status_code == 404
    tracked(client, other, "WRONGCODE123")
    assert client.get(link).status_code == 404


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_recorded(
    login, clerk, township, register
):
    application, _ = register(township, D(2025, 3, 3), today=D(2025, 3, 10))
    response = login(clerk).post(
        reverse("applications_office:action", args=[application.pk, "decided"]),
        {
            "decided-date": "2025-03-10",
            "decided-decision": "granted",
            "decided-reply_text": "予以公开",
            "decided-files": [SimpleUploadedFile("明细.pdf", b"%PDF-1.4 <html>not a pdf</html>")],
        },
    )
    assert response.status_code == 400
    assert "只接受PDF、Word、Excel、JPG、PNG文件" in response.content.decode()
    application.refresh_from_db()
    assert not application.decision and not ApplicationFile.objects.exists()


def test_more_released_files_may_be_attached_after_the_reply_by_handlers_only(
    login, decided_with_file, clerk, county_viewer
):
    application, _ = decided_with_file
    url = reverse("applications_office:attach_files", args=[application.pk])
    upload = {"files": [SimpleUploadedFile("照片.png", PNG)]}
    assert login(county_viewer).post(url, upload).status_code == 403
    assert login(clerk).post(url, {"files": [SimpleUploadedFile("照片.png", PNG)]}).status_code == 302
    assert application.files.filter(purpose=FilePurpose.RELEASED).count() == 2
    page = login(clerk).get(reverse("applications_office:case", args=[application.pk])).content.decode()
    assert "照片.png" in page and "低保资金发放明细.pdf" in page


# ---- files with an online correction; contact details -----------------------------------------------------------


@pytest.fixture
def awaiting_correction(register, township):
    application, code = register(township, D(2025, 3, 3), today=D(2025, 3, 10))
    services.application_request_correction(
        application=application,
        actor=None,
        date=D(2025, 3, 5),
        deadline=D(2025, 3, 20),
        items="请附上村委会出具的证明",
        today=D(2025, 3, 10),
    )
    return application, code


def test_the_applicant_answers_a_correction_with_a_file_and_staff_see_it(
    client, awaiting_correction, login, clerk, village_clerk
):
    application, code = awaiting_correction
    response = tracked(client, application, code).post(
        reverse("applications_portal:track_correction"),
        {"text": "证明见附件", "files": [SimpleUploadedFile("证明.png", PNG, "image/png")]},
    )
    assert response.status_code == 302
    attachment = ApplicationFile.objects.get(application=application)
    assert (
        attachment.purpose == FilePurpose.CORRECTION
        and attachment.event.kind == EventKind.CORRECTION_RECEIVED
    )
    assert attachment.uploaded_by is None
    # not offered to the applicant as a released file
    assert client.get(reverse("applications_portal:track_file", args=[attachment.pk])).status_code == 404
    staff = login(clerk)
    page = staff.get(reverse("applications_office:case", args=[application.pk])).content.decode()
    assert "申请人网上提交的补正材料" in page and "证明.png" in page
    download = staff.get(reverse("applications_office:file", args=[application.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="applications.personal_data_view").exists()


def test_a_correction_file_of_the_wrong_kind_is_refused_in_plain_words(client, awaiting_correction):
    application, code = awaiting_correction
    response = tracked(client, application, code).post(
        reverse("applications_portal:track_correction"),
        {"text": "见附件", "files": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a file")]},
    )
    assert response.status_code == 200 and "补正材料只接受PDF、JPG、PNG文件" in response.content.decode()
    assert not application.events.filter(kind=EventKind.CORRECTION_RECEIVED).exists()


def test_the_applicant_updates_contact_details_after_a_correction(client, awaiting_correction):
    application, code = awaiting_correction
    page = tracked(client, application, code).get(TRACK).content.decode()
    assert "更新联系方式" in page
    url = reverse("applications_portal:track_contact")
    refused = client.post(url, {"phone": "12345", "email": "", "address": ""})
    assert refused.status_code == 200 and "联系电话不正确" in refused.content.decode()
    assert (
        client.post(url, {"phone": "13895011111", "email": "ma@example.org", "address": ""}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.phone == "13895011111" and application.email == "ma@example.org"
    assert application.address.startswith("宁夏")  # left empty: unchanged
    event = application.events.get(kind=EventKind.CONTACT_UPDATED)
    assert event.data == {"fields": ["email", "phone"]}
    assert "13895011111" not in str(
        AuditEvent.objects.filter(action="applications.contact_updated").get().after
    )


def test_contact_details_cannot_be_changed_without_a_correction(client, township, register):
    application, code = register(township, D(2025, 3, 3), today=D(2025, 3, 10))
    assert "更新联系方式" not in tracked(client, application, code).get(TRACK).content.decode()
    response = client.post(reverse("applications_portal:track_contact"), {"phone": "13895011111"})
    assert response.status_code == 200 and "告知补正后" in response.content.decode()
    application.refresh_from_db()
    assert application.phone == "13995012345"
