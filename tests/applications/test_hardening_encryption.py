"""Issue 10, High 1: a public submission whose text looks like ciphertext must be stored encrypted like any
other, and one row that cannot be decrypted must not break any list, page, digest or key rotation."""

import datetime as dt
import logging
import re

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from gongkai.applications import crypto, services
from gongkai.applications.models import Application

D = dt.date
TRAP = "fernet:abc"


def _raw(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, address FROM applications_application WHERE id = %s", [pk])
        return cursor.fetchone()


def _submit(client, apply_form, data, **overrides):
    response = client.post(
        reverse("applications_portal:apply", args=["qukou"]), apply_form(data, **overrides)
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    application = Application.objects.order_by("-pk").first()
    assert application.case_number in response.content.decode()
    code = re.search(r'查询码</th><td class="code-box">([A-Z0-9]+)<', response.content.decode()).group(1)
    return application, code


def test_a_submission_that_looks_like_ciphertext_is_encrypted_and_every_page_still_works(
    client, township, clerk, login, apply_form, data, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    application, code = _submit(client, apply_form, data, address=TRAP)
    stored = _raw(application.pk)[2]
    assert stored != TRAP and stored.startswith(crypto.ENVELOPE)
    assert Application.objects.get(pk=application.pk).address == TRAP

    # /track/ for the applicant
    tracked = client.post(
        reverse("applications_portal:track"), {"case_number": application.case_number, "code": code}
    )
    assert tracked.status_code == 302
    assert client.get(reverse("applications_portal:track")).status_code == 200

    # the queue, the case page and the personal-data page for the clerk
    office = login(clerk)
    queue = office.get(reverse("applications_office:queue"))
    assert queue.status_code == 200 and application.case_number in queue.content.decode()
    assert office.get(reverse("applications_office:case", args=[application.pk])).status_code == 200
    clear = office.get(reverse("applications_office:personal_data", args=[application.pk]))
    assert clear.status_code == 200 and TRAP in clear.content.decode()

    # the digest (the case, confirmed on the day it was sent (Art. 31(3)), is overdue 40 days on)
    services.application_confirm_receipt(application=application, actor=clerk, date=application.received_on)
    clerk.email = "clerk@qukou.example"
    clerk.save()
    later = (application.received_on + dt.timedelta(days=60)).isoformat()
    call_command("applications", "digest", "--today", later)
    assert application.case_number in mail.outbox[0].body

    # key rotation, after which the value still reads back
    old = crypto.configured_keys()[0]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", f"{new},{old}")
    call_command("applications", "rotate_keys")
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", new)
    assert Application.objects.get(pk=application.pk).address == TRAP


@pytest.mark.parametrize("text", [TRAP, "gk1:abc", crypto.ENVELOPE])
def test_any_text_is_encrypted_whole_never_taken_for_ciphertext(township, register, data, text):
    application, _ = register(township, applicant=data.person(address=text))
    assert _raw(application.pk)[2] != text
    assert Application.objects.get(pk=application.pk).address == text


def test_a_ciphertext_made_elsewhere_cannot_be_planted_through_input(township, register, data):
    planted = crypto.encrypt("640221199003020027")  # a valid envelope, typed into the address field
    application, _ = register(township, applicant=data.person(address=str(planted)))
    assert Application.objects.get(pk=application.pk).address == str(planted)


def test_one_undecryptable_row_degrades_alone_and_is_logged(
    township, register, clerk, login, data, caplog, monkeypatch
):
    good, _ = register(township, D(2026, 11, 24))
    bad, _ = register(township, D(2026, 11, 25), applicant=data.person(id_number=data.PERSON_ID_2))
    with connection.cursor() as cursor:  # what today's main stored for the trap: the text as it came
        cursor.execute("UPDATE applications_application SET address = %s WHERE id = %s", [TRAP, bad.pk])
    with caplog.at_level(logging.ERROR, logger="gongkai.applications.crypto"):
        rows = list(Application.objects.order_by("pk"))
    assert rows[0].address == good.address and rows[1].address == crypto.UNDECRYPTABLE_TEXT
    assert rows[1].id_number == data.PERSON_ID_2  # the other columns of the row still read
    assert "Undecryptable" in caplog.text and TRAP not in caplog.text

    office = login(clerk)
    queue = office.get(reverse("applications_office:queue")).content.decode()
    assert good.case_number in queue and bad.case_number in queue
    page = office.get(reverse("applications_office:personal_data", args=[bad.pk]))
    assert page.status_code == 200 and crypto.UNDECRYPTABLE_TEXT in page.content.decode()

    # saving the row again keeps what is stored (it is not overwritten by the placeholder)
    rows[1].save()
    assert _raw(bad.pk)[2] == TRAP

    # rotation rewrites the good rows, reports the bad one and exits non-zero
    old = crypto.configured_keys()[0]
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", f"{Fernet.generate_key().decode()},{old}")
    with pytest.raises(CommandError):
        call_command("applications", "rotate_keys")
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", crypto.configured_keys()[0])
    assert Application.objects.get(pk=good.pk).address == good.address


def test_decrypt_never_returns_stored_text_as_plaintext():
    for stored in (TRAP, "plain text", "gk1:not-a-token"):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(stored)
    assert crypto.decrypt(crypto.encrypt("马文礼")) == "马文礼"


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_old_rows_to_the_envelope_and_back(township, register, data):
    from django.db.migrations.executor import MigrationExecutor

    application, _ = register(township)
    MigrationExecutor(connection).migrate([("applications", "0001_initial")])
    assert _raw(application.pk)[0].startswith("fernet:")  # the reverse step
    legacy_token = crypto.fernet().encrypt(data.PERSON_ID.encode()).decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE applications_application SET id_number = %s, phone = %s, address = %s WHERE id = %s",
            ["fernet:" + legacy_token, "13995012345", TRAP, application.pk],
        )  # an old ciphertext, a value from before encryption, and the trap typed by an applicant
    executor = MigrationExecutor(connection)
    executor.migrate([("applications", "0002_encrypted_field_envelope")])
    id_number, phone, address = _raw(application.pk)
    assert id_number == "gk1:" + legacy_token
    assert phone.startswith("gk1:") and address.startswith("gk1:")
    MigrationExecutor(connection).migrate(_latest())  # the model reads the current schema
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (data.PERSON_ID, "13995012345", TRAP)

    executor = MigrationExecutor(connection)
    executor.migrate([("applications", "0001_initial")])
    id_number, phone, address = _raw(application.pk)
    assert id_number == "fernet:" + legacy_token and phone.startswith("fernet:")
    executor = MigrationExecutor(connection)
    executor.migrate([("applications", "0002_encrypted_field_envelope")])
    MigrationExecutor(connection).migrate(_latest())
    assert Application.objects.get(pk=application.pk).phone == "13995012345"


def _latest():
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.graph.leaf_nodes("applications")
