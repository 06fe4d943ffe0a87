import datetime as dt
import time

import pytest
from django.urls import reverse
from gk_servers import applicant_fields

from gongkai.applications import formguard, services
from gongkai.applications.models import Application

D = dt.date


def form_data(data, **overrides):
    """The public form as a person sends it (the builder the server tests use), served a minute ago."""
    return {
        **applicant_fields(data.PERSON_ID),
        "form_token": formguard.issue_token(time.time() - 60),
        **overrides,
    }


def test_the_apply_form_shows_the_purpose_and_retention_notice_before_submission(client, township):
    response = client.get(reverse("applications_portal:apply", args=["qukou"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "个人信息处理说明" in body
    assert "保存10年" in body
    assert 'name="website"' in body  # the honeypot


def test_applying_shows_the_case_number_and_lookup_code_exactly_once(client, township, data):
    posted = form_data(data)
    response = client.post(reverse("applications_portal:apply", args=["qukou"]), posted)
    assert response.status_code == 200  # shown in the response itself, not through the session
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    application = Application.objects.get()
    assert application.case_number in body
    assert "查询码只显示这一次" in body
    assert data.PERSON_ID not in body
    # sending the same form again (reload, double click) stores nothing and shows no code
    again = client.post(reverse("applications_portal:apply", args=["qukou"]), posted)
    assert again.status_code == 200
    assert "已经提交过" in again.content.decode()
    assert application.case_number not in again.content.decode()
    assert Application.objects.count() == 1


def test_a_bad_id_number_is_reported_in_chinese_on_the_form(client, township, data):
    response = client.post(
        reverse("applications_portal:apply", args=["qukou"]), form_data(data, id_number="640221198507150016")
    )
    assert response.status_code == 200
    assert "公民身份号码校验位错误" in response.content.decode()
    assert not Application.objects.exists()


def test_the_honeypot_refuses_a_bot_submission(client, township, data):
    response = client.post(reverse("applications_portal:apply", args=["qukou"]), form_data(data, website="x"))
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_the_apply_form_of_an_unknown_organisation_is_not_found(client, db):
    assert client.get(reverse("applications_portal:apply", args=["nowhere"])).status_code == 404


def test_the_apply_form_refuses_other_methods(client, township):
    assert client.put(reverse("applications_portal:apply", args=["qukou"])).status_code == 405


@pytest.fixture
def decided(township, register):
    application, code = register(township, D(2026, 10, 12))
    services.application_decide(
        application=application,
        actor=None,
        date=D(2026, 10, 20),
        decision="granted",
        reply_text="现将补助名单提供给您。",
    )
    return application, code


def test_tracking_shows_the_timeline_and_the_reply_without_personal_data(client, decided, data):
    application, code = decided
    response = client.post(
        reverse("applications_portal:track"), {"case_number": application.case_number, "code": code}
    )
    assert response.status_code == 302
    assert code not in response["Location"] and application.case_number not in response["Location"]
    page = client.get(reverse("applications_portal:track")).content.decode()
    assert "作出答复" in page and "收到申请" in page
    assert "予以公开" in page
    assert "马*" in page and "马文礼" not in page
    assert data.PERSON_ID not in page and "13995012345" not in page
    letter = client.get(reverse("applications_portal:track_letter", args=["pdf"]))
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"


def test_tracking_with_a_wrong_code_reveals_nothing(client, decided):
    application, _ = decided
    response = client.post(
        reverse("applications_portal:track"), {"case_number": application.case_number, "code": "AAAAAAAAAAAA"}
    )
    assert response.status_code == 200
    assert "申请编号或查询码不正确" in response.content.decode()
    assert client.get(reverse("applications_portal:track_letter", args=["pdf"])).status_code == 404


def test_the_reply_letter_cannot_be_downloaded_before_a_decision(client, township, register):
    application, code = register(township, D(2026, 11, 2))
    client.post(reverse("applications_portal:track"), {"case_number": application.case_number, "code": code})
    assert client.get(reverse("applications_portal:track_letter", args=["pdf"])).status_code == 404


def test_the_track_page_refuses_other_methods(client, db):
    assert client.put(reverse("applications_portal:track")).status_code == 405
    assert client.post(reverse("applications_portal:track_letter", args=["pdf"])).status_code == 405


def test_the_deadline_calculator_names_the_holidays_crossed(client, db):
    response = client.get(reverse("applications_portal:deadline"), {"start": "2025-09-26", "days": "20"})
    body = response.content.decode()
    assert "2025年10月30日" in body
    assert "国庆节" in body
    assert "2025年9月28日" in body  # the 调休 Sunday is counted
    assert client.post(reverse("applications_portal:deadline")).status_code == 405


def test_the_deadline_calculator_reports_bad_input_on_the_form(client, db):
    response = client.get(reverse("applications_portal:deadline"), {"start": "2025-02-30", "days": "20"})
    assert response.status_code == 200
    assert "结果" not in response.content.decode().split("</form>")[1]


def test_the_applicants_personal_data_never_reaches_an_error_report(client, township, data):
    """Django's error reports (mail to ADMINS, the debug page) show the POST data of a failing request: the
    intake views mark the personal fields sensitive (GB/T 22239-2019 8.1.4.8, residual information)."""
    from django.views.debug import SafeExceptionReporterFilter

    response = client.post(reverse("applications_portal:apply", args=["qukou"]), form_data(data))
    reported = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    hidden = SafeExceptionReporterFilter.cleansed_substitute
    assert reported["name"] == reported["id_number"] == reported["phone"] == hidden
    assert reported["info_title"] != hidden  # what is asked for is not personal data
    tracked = client.post(reverse("applications_portal:track"), {"case_number": "QK-2026-0001", "code": "X"})
    assert SafeExceptionReporterFilter().get_post_parameters(tracked.wsgi_request)["code"] == hidden
