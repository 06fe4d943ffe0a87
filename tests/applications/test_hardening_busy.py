"""Issue 10, Low: never store an application whose applicant was shown an error. The submission is one
transaction; a lock timeout or a failing disk shows a Chinese 503 "系统繁忙，请稍后再试", stores nothing, and
the same form can be sent again once the fault is gone."""

import io
import sqlite3
import time

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from gk_servers import Browser, Database, applicant_fields, case_number_of, start_servers, stop_servers

from gongkai.applications.models import Application, ApplicationEvent
from gongkai.audit.models import AuditEvent

# Both modules use (and flush) Redis database 1: one xdist worker runs them, one after the other.
pytestmark = pytest.mark.xdist_group("redis_db1")

APPLY = reverse("applications_portal:apply", args=["qukou"])
BUSY = "系统繁忙，请稍后再试"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


def test_a_disk_that_cannot_take_the_proof_gives_a_503_and_stores_nothing(
    client, township, apply_form, data, settings, tmp_path
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("the media folder cannot be made under a file")
    settings.MEDIA_ROOT = blocker / "media"
    fields = apply_form(data)
    response = client.post(APPLY, {**fields, "proof": SimpleUploadedFile("id.png", _png())})
    assert response.status_code == 503
    assert BUSY in response.content.decode() and "没有</strong>保存" in response.content.decode()
    assert response["Retry-After"]
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="applications.submit").exists()
    # the disk is back: the same form (same token) goes through once
    settings.MEDIA_ROOT = tmp_path / "media"
    retry = client.post(APPLY, {**fields, "proof": SimpleUploadedFile("id.png", _png())})
    assert retry.status_code == 200 and "申请已提交" in retry.content.decode()
    assert Application.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cache", ["database", "redis"])
def test_a_locked_sqlite_database_gives_a_503_and_stores_nothing(township, data, tmp_path, cache, request):
    if connection.vendor != "sqlite":
        pytest.skip("the lock timeout of the embedded SQLite database")
    env = {"GONGKAI_SQLITE_BUSY_TIMEOUT": 1}
    if cache == "redis":  # the token is claimed in Redis; the lock hits the application's own transaction
        client = redis.Redis.from_url("redis://127.0.0.1:6379/1")
        client.flushdb()
        request.addfinalizer(client.flushdb)
        env["GONGKAI_REDIS_URL"] = "redis://127.0.0.1:6379/1"
    database = Database(tmp_path)
    (server,) = start_servers(database, tmp_path, count=1, **env)
    try:
        browser = Browser(server.base)
        hidden = browser.open_form()
        time.sleep(1.1)
        fields = applicant_fields(data.PERSON_ID)
        holder = sqlite3.connect(database.path, timeout=1, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another connection holds the write lock
        try:
            reply = browser.submit(fields, hidden)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert reply.status == 503, reply.body[-2000:]
        assert BUSY in reply.body and not case_number_of(reply)
        assert database.rows("SELECT COUNT(*) FROM applications_application") == [(0,)]
        assert database.rows("SELECT COUNT(*) FROM applications_applicationevent") == [(0,)]
        assert database.rows("SELECT last FROM applications_casecounter") in ([], [(0,)])
        # the lock is gone: the same form is accepted, once
        again = browser.submit(fields, hidden)
        assert case_number_of(again), again.body[-2000:]
        assert database.rows("SELECT case_number FROM applications_application") == [(case_number_of(again),)]
    finally:
        stop_servers([server])


def test_a_proof_written_before_the_transaction_failed_is_deleted(township, data, settings, tmp_path):
    from gongkai.applications import services
    from gongkai.applications.models import CaseCounter

    settings.MEDIA_ROOT = tmp_path / "media"
    first, _ = services.application_submit(
        organisation=township, applicant=data.person(), request=data.wanted()
    )
    # the counter fell behind the rows (a restored backup, say): the next number is taken, the save fails
    CaseCounter.objects.filter(organisation=township).update(last=0)
    with pytest.raises(services.ApplicationError, match="申请编号冲突"):
        services.application_submit(
            organisation=township,
            applicant=data.person(id_number=data.PERSON_ID_2),
            request=data.wanted(),
            proof=SimpleUploadedFile("id.png", _png()),
        )
    assert Application.objects.count() == 1
    proofs = tmp_path / "media" / "applications" / "proof"
    assert not proofs.exists() or not any(p.is_file() for p in proofs.rglob("*"))
