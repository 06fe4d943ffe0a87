import datetime as dt

from django.core import mail
from django.core.management import call_command

from gongkai.applications import crypto, services
from gongkai.applications.models import Application

D = dt.date


def test_the_digest_emails_each_assignee_their_due_soon_and_overdue_cases(
    township, register, clerk, reviewer, settings, data
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clerk.email = "clerk@qukou.example"
    clerk.save()
    reviewer.email = "reviewer@qukou.example"
    reviewer.save()
    overdue, _ = register(township, D(2026, 10, 8))
    soon, _ = register(township, D(2026, 10, 30), request=data.wanted(info_title="另一项"))
    calm, _ = register(township, D(2026, 11, 25), request=data.wanted(info_title="第三项"))
    for application in (overdue, soon):
        services.application_assign(application=application, actor=None, assignee=clerk)
    services.application_assign(application=calm, actor=None, assignee=reviewer)
    call_command("applications", "digest", "--today", "2026-11-25")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["clerk@qukou.example"]
    assert "1件已超期，1件即将到期" in message.subject
    assert overdue.case_number in message.body and soon.case_number in message.body
    assert calm.case_number not in message.body
    assert data.PERSON_ID not in message.body and "马文礼" not in message.body


def test_the_purge_command_anonymises_expired_cases(township, register):
    application, _ = register(township, D(2014, 3, 3), today=D(2014, 3, 3))
    services.application_decide(
        application=application,
        actor=None,
        date=D(2014, 3, 5),
        decision="granted",
        reply_text="公开",
        today=D(2014, 3, 5),
    )
    services.application_archive(application=application, actor=None, date=D(2014, 3, 6), today=D(2014, 3, 6))
    call_command("applications", "purge", "--today", "2026-11-29")
    assert Application.objects.get(pk=application.pk).id_number == ""


def test_the_rotate_keys_command_reencrypts_every_row(township, register, monkeypatch, data):
    from cryptography.fernet import Fernet

    application, _ = register(township, D(2025, 3, 3))
    old = crypto.configured_keys()[0]
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", f"{Fernet.generate_key().decode()},{old}")
    call_command("applications", "rotate_keys")
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", crypto.configured_keys()[0])
    assert Application.objects.get(pk=application.pk).id_number == data.PERSON_ID


def test_without_the_environment_variable_a_key_file_is_created_in_the_data_directory(
    settings, tmp_path, monkeypatch
):
    monkeypatch.delenv("GONGKAI_FIELD_KEYS")
    settings.DATA_DIR = tmp_path
    token = crypto.encrypt("640221198507150015")
    assert (tmp_path / "field_keys").exists()
    assert crypto.decrypt(token) == "640221198507150015"


def test_the_digest_sends_unassigned_cases_to_the_handlers_of_the_organisation(
    township, register, clerk, county_viewer, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clerk.email = "clerk@qukou.example"
    clerk.save()
    county_viewer.email = "viewer@pingluo.example"
    county_viewer.save()
    overdue, _ = register(township, D(2026, 10, 8))
    call_command("applications", "digest", "--today", "2026-11-25")
    assert [m.to for m in mail.outbox] == [["clerk@qukou.example"]]
    assert overdue.case_number in mail.outbox[0].body
