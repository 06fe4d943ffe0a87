import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, LetterTemplate
from gongkai.audit.models import AuditEvent

D = dt.date


def morning_in_shanghai(day: dt.date) -> dt.datetime:
    """10:00 in Beijing time on `day`: what `timezone.localdate()` reads as `day`."""
    return dt.datetime.combine(day, dt.time(10), ZoneInfo("Asia/Shanghai"))


def _png() -> bytes:
    """A real 2×2 PNG: proofs are checked by parsing them (applications/uploads.py)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def case(township, register):
    application, _ = register(township, D(2026, 11, 24))
    return application


def url(name, *args):
    return reverse(f"applications_office:{name}", args=args)


def login_url(path):
    return f"{reverse('accounts:login')}?next={path}"


# ---- queue ----------------------------------------------------------------------------------------------------


def test_the_queue_lists_open_cases_with_their_clock_and_masked_names(login, clerk, case):
    response = login(clerk).get(url("queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert case.case_number in body
    assert "马**" in body and "马文礼" not in body
    assert "2026-12-22" in body  # 20 working days after 24 November 2026


def test_the_queue_filters_by_state_and_assignee(login, clerk, case, time_machine):
    time_machine.move_to(morning_in_shanghai(D(2026, 11, 25)), tick=False)
    client = login(clerk)
    assert case.case_number in client.get(url("queue"), {"state": "normal"}).content.decode()
    assert case.case_number not in client.get(url("queue"), {"state": "overdue"}).content.decode()
    assert case.case_number not in client.get(url("queue"), {"assignee": "me"}).content.decode()
    assert case.case_number in client.get(url("queue"), {"assignee": "none"}).content.decode()


def test_the_queue_sends_anonymous_visitors_to_login(client, case):
    response = client.get(url("queue"))
    assert response.status_code == 302 and response["Location"] == login_url(url("queue"))


def test_staff_of_another_township_do_not_see_the_case_in_their_queue(login, other_township_staff, case):
    assert case.case_number not in login(other_township_staff).get(url("queue")).content.decode()


def test_the_queue_refuses_post(login, clerk, case):
    assert login(clerk).post(url("queue")).status_code == 405


# ---- register -------------------------------------------------------------------------------------------------


def register_data(data, **overrides):
    values = {
        "applicant_type": "organisation",
        "applicant_column": "legal_service",
        "name": "宁夏塞上律师事务所",
        "id_number": "31640000MD1234567K",
        "phone": "0951-5012345",
        "address": "",
        "email": "",
        "info_title": "渠口乡2024年土地征收补偿方案",
        "info_doc_no": "渠政发〔2024〕12号",
        "info_description": "",
        "provision_form": "paper",
        "delivery": "post",
        "channel": "letter",
        "received_on": "2026-11-23",
    }
    values.update(overrides)
    return values


def test_a_clerk_registers_a_letter_with_its_confirmation_date(login, clerk, township, data):
    response = login(clerk).post(url("register"), register_data(data, proof=SimpleUploadedFile("a.png", PNG)))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == url("case", application.pk)
    assert application.channel == "letter" and application.received_on == D(2026, 11, 23)
    assert application.applicant_column == "legal_service"
    assert application.proof_type == "png"


def test_registering_with_a_future_receipt_date_is_refused_in_chinese(login, clerk, township, data):
    response = login(clerk).post(url("register"), register_data(data, received_on="2099-01-01"))
    assert response.status_code == 200
    assert "收到申请之日不能晚于今天" in response.content.decode()


def test_registering_needs_a_login_and_a_handling_role(client, login, county_viewer, township, data):
    assert client.get(url("register")).status_code == 302
    assert login(county_viewer).post(url("register"), register_data(data)).status_code == 403
    assert not Application.objects.exists()


def test_the_register_page_refuses_other_methods(login, clerk, township):
    assert login(clerk).put(url("register")).status_code == 405


# ---- case page ------------------------------------------------------------------------------------------------


def summaries(body: str) -> list[str]:
    """The labels of the event forms a case page offers, in order."""
    return re.findall(r"<summary>(.*?)</summary>", body)


def test_the_case_page_shows_the_due_date_next_step_and_allowed_events(login, clerk, case, time_machine):
    time_machine.move_to(morning_in_shanghai(D(2026, 11, 25)), tick=False)
    body = login(clerk).get(url("case", case.pk)).content.decode()
    assert "2026-12-22" in body
    assert "审核申请内容" in body  # next step within the correction window
    assert summaries(body) == [
        "告知补正",
        "征求第三方意见",
        "征求其他机关意见",
        "发出收费通知",
        "作出答复",
    ]  # no 批准延期答复: only the head of the office
    assert 'name="decided-date" value="2026-11-25"' in body  # the forms are dated the page's today


def test_after_the_correction_window_the_case_page_no_longer_offers_a_correction(
    login, clerk, case, time_machine
):
    time_machine.move_to(morning_in_shanghai(D(2026, 12, 4)), tick=False)
    body = login(clerk).get(url("case", case.pk)).content.decode()
    assert "审核申请内容" not in body and "最迟于2026年12月22日作出答复" in body
    assert "告知补正" not in summaries(body) and "作出答复" in summaries(body)


def test_a_reviewer_sees_the_extension_form(login, reviewer, case, time_machine):
    time_machine.move_to(morning_in_shanghai(D(2026, 11, 27)), tick=False)  # within the 20 working days
    assert "批准延期答复" in summaries(login(reviewer).get(url("case", case.pk)).content.decode())


def test_the_case_page_offers_the_events_of_the_clock_at_each_stage(login, reviewer, case, time_machine):
    time_machine.move_to(morning_in_shanghai(D(2026, 11, 27)), tick=False)
    services.application_open_consultation(
        application=case, actor=None, party="third_party", date=D(2026, 11, 25), consulted="某公司"
    )
    client = login(reviewer)
    offered = summaries(client.get(url("case", case.pk)).content.decode())
    assert "第三方意见征求结束" in offered and "征求第三方意见" not in offered
    assert "其他机关意见征求结束" not in offered and "征求其他机关意见" in offered
    services.application_decide(
        application=case, actor=None, date=D(2026, 11, 26), decision="granted", reply_text="予以公开。"
    )
    assert summaries(client.get(url("case", case.pk)).content.decode()) == ["送达答复", "归档"]


def test_a_consultation_is_opened_and_closed_from_the_case_page(login, clerk, case, time_machine):
    time_machine.move_to(morning_in_shanghai(D(2026, 11, 26)), tick=False)
    client = login(clerk)
    opened = client.post(
        url("action", case.pk, "other_organ_consultation_opened"),
        {
            "other_organ_consultation_opened-date": "2026-11-25",
            "other_organ_consultation_opened-consulted": "平罗县自然资源局",
        },
    )
    assert opened.status_code == 302
    closed = client.post(
        url("action", case.pk, "other_organ_consultation_closed"),
        {
            "other_organ_consultation_closed-date": "2026-11-26",
            "other_organ_consultation_closed-opinion": "同意",
        },
    )
    assert closed.status_code == 302
    assert list(case.events.values_list("kind", flat=True)) == [
        "received",
        "other_organ_consultation_opened",
        "other_organ_consultation_closed",
    ]


def test_an_event_dated_after_the_pages_today_is_refused(login, clerk, case, time_machine):
    time_machine.move_to(morning_in_shanghai(D(2026, 11, 26)), tick=False)
    response = login(clerk).post(
        url("action", case.pk, "decided"),
        {"decided-date": "2026-11-27", "decided-decision": "granted", "decided-reply_text": "予以公开。"},
    )
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()


def test_the_case_page_masks_personal_data_for_a_readonly_user(login, county_viewer, case, data):
    body = login(county_viewer).get(url("case", case.pk)).content.decode()
    assert data.PERSON_ID not in body and "13995012345" not in body
    assert "64*************015" in body and "139****2345" in body
    assert "查看完整个人信息" not in body
    assert "<summary>作出答复</summary>" not in body


def test_the_case_of_another_township_is_not_found(login, other_township_staff, village_clerk, case):
    assert login(other_township_staff).get(url("case", case.pk)).status_code == 404
    assert login(village_clerk).get(url("case", case.pk)).status_code == 404


def test_the_case_page_needs_a_login_and_refuses_post(client, login, clerk, case):
    assert client.get(url("case", case.pk)).status_code == 302
    assert login(clerk).post(url("case", case.pk)).status_code == 405


# ---- events ---------------------------------------------------------------------------------------------------


def test_a_clerk_decides_from_the_case_page(login, clerk, case):
    response = login(clerk).post(
        url("action", case.pk, "decided"),
        {
            "decided-date": "2026-11-27",
            "decided-decision": "refuse_third_party",
            "decided-reply_text": "涉及商业秘密。",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.decision == "refuse_third_party" and case.decided_on == D(2026, 11, 27)


def test_an_impossible_event_is_refused_with_the_clock_message(login, clerk, township, register):
    old, _ = register(township, D(2026, 11, 2))
    response = login(clerk).post(
        url("action", old.pk, "correction_requested"),
        {
            "correction_requested-date": "2026-11-25",
            "correction_requested-deadline": "2026-12-10",
            "correction_requested-items": "写明年份",
        },
    )
    assert response.status_code == 400
    assert "7个工作日内告知" in response.content.decode()


def test_events_need_a_handling_role_in_the_organisation(
    client, login, county_viewer, other_township_staff, case
):
    payload = {"archived-date": "2026-11-27"}
    assert client.post(url("action", case.pk, "archived"), payload).status_code == 302
    assert login(county_viewer).post(url("action", case.pk, "archived"), payload).status_code == 403
    assert login(other_township_staff).post(url("action", case.pk, "archived"), payload).status_code == 404
    assert case.events.count() == 1


def test_events_refuse_get_and_unknown_actions(login, clerk, case):
    client = login(clerk)
    assert client.get(url("action", case.pk, "decided")).status_code == 405
    assert client.post(url("action", case.pk, "explode")).status_code == 404


def test_a_case_is_assigned_to_a_handler(login, clerk, reviewer, case):
    client = login(clerk)
    assert client.post(url("assign", case.pk), {"assignee": reviewer.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assignee == reviewer
    assert client.get(url("assign", case.pk)).status_code == 405


def test_assigning_is_refused_to_other_townships_and_anonymous(
    client, login, other_township_staff, clerk, case
):
    assert client.post(url("assign", case.pk), {"assignee": clerk.pk}).status_code == 302
    assert login(other_township_staff).post(url("assign", case.pk), {"assignee": clerk.pk}).status_code == 404
    case.refresh_from_db()
    assert case.assignee is None


# ---- personal data --------------------------------------------------------------------------------------------


def test_viewing_personal_data_in_clear_is_audited(login, clerk, case, data):
    response = login(clerk).get(url("personal_data", case.pk))
    assert response.status_code == 200
    assert data.PERSON_ID in response.content.decode()
    event = AuditEvent.objects.get(action="applications.personal_data_view")
    assert event.actor == clerk and data.PERSON_ID not in str(event.after)


def test_personal_data_is_refused_to_readonly_village_and_other_staff(
    client, login, county_viewer, village_clerk, other_township_staff, case
):
    assert client.get(url("personal_data", case.pk)).status_code == 302
    assert login(county_viewer).get(url("personal_data", case.pk)).status_code == 403
    assert login(village_clerk).get(url("personal_data", case.pk)).status_code == 404
    assert login(other_township_staff).get(url("personal_data", case.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action="applications.personal_data_view").exists()


def test_the_personal_data_page_refuses_post(login, clerk, case):
    assert login(clerk).post(url("personal_data", case.pk)).status_code == 405


def test_the_proof_download_is_audited_and_limited(login, clerk, county_viewer, township, data):
    application, _ = services.application_submit(
        organisation=township,
        applicant=data.person(),
        request=data.wanted(),
        proof=SimpleUploadedFile("id.png", PNG),
        today=D(2026, 11, 20),
    )
    response = login(clerk).get(url("proof", application.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="applications.personal_data_view").count() == 1
    assert login(county_viewer).get(url("proof", application.pk)).status_code == 403


# ---- letters --------------------------------------------------------------------------------------------------


def test_the_decision_letter_downloads_as_docx(login, clerk, case):
    services.application_decide(
        application=case, actor=None, date=D(2026, 11, 27), decision="granted", reply_text="予以公开。"
    )
    response = login(clerk).get(url("letter", case.pk, "decision", "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(clerk).get(url("letter", case.pk, "correction", "pdf")).status_code == 404


def test_letters_are_refused_to_anonymous_other_townships_and_post(
    client, login, clerk, other_township_staff, case
):
    assert client.get(url("letter", case.pk, "decision", "pdf")).status_code == 302
    assert login(other_township_staff).get(url("letter", case.pk, "decision", "pdf")).status_code == 404
    assert login(clerk).post(url("letter", case.pk, "decision", "pdf")).status_code == 405


def test_an_admin_edits_a_letter_template(login, admin, township):
    client = login(admin)
    assert "答复告知书" in client.get(url("letter_templates")).content.decode()
    response = client.post(
        url("letter_template_edit", "fee"), {"kind": "fee", "body": "{{ 申请人 }}：请缴费。"}
    )
    assert response.status_code == 302
    assert LetterTemplate.objects.get(organisation=township, kind="fee").body == "{{ 申请人 }}：请缴费。"


def test_letter_templates_are_edited_only_by_admins(client, login, clerk, township):
    assert client.get(url("letter_templates")).status_code == 302
    assert login(clerk).get(url("letter_template_edit", "fee")).status_code == 403
    assert login(clerk).post(url("letter_templates")).status_code == 405
    assert not LetterTemplate.objects.exists()


def test_an_overdue_case_offers_only_the_events_still_possible(login, reviewer, township, register):
    old, _ = register(township, D(2026, 9, 1))
    body = login(reviewer).get(url("case", old.pk)).content.decode()
    assert "已超期" in body
    assert summaries(body) == ["作出答复"]
    assert "收到申请</strong>：当面提交" in body
