"""The audit log: hash-chained, append-only, verified by `gongkai audit verify`, purged only past retention."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from gongkai.audit.models import AuditAnchor, AuditEvent, AuditRowImmutable
from gongkai.audit.services import GENESIS_HASH, audit_purge, audit_record, audit_verify
from gongkai.core.env import env_int

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL trigger")


@pytest.fixture
def chain(township):
    return [
        audit_record(actor=None, action="test.first", organisation=township, after={"n": 1}),
        audit_record(
            actor=None, action="test.second", organisation=township, before={"n": 1}, after={"n": 2}
        ),
        audit_record(actor="演示数据", action="test.third", organisation=township, after={"n": 3}),
    ]


def run_verify(capsys):
    """Run `gongkai audit verify`; return (exit code, stdout, stderr)."""
    try:
        call_command("audit", "verify")
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def allow_raw_updates():
    """Switch off the database's append-only guard, as someone with direct database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave deferred foreign-key checks pending; ALTER TABLE needs them run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# ---- the chain ---------------------------------------------------------------------------------------------------------------


def test_audit_record_chains_each_row_to_the_one_before(chain):
    first, second, third = chain
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.row_hash
    assert third.prev_hash == second.row_hash
    assert len({first.row_hash, second.row_hash, third.row_hash}) == 3
    for event in chain:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.compute_hash() == stored.row_hash == event.row_hash


def test_audit_record_keeps_who_what_and_the_before_after(chain, township):
    second = AuditEvent.objects.get(action="test.second")
    assert second.before == {"n": 1} and second.after == {"n": 2}
    assert second.organisation == township and second.org_path == township.path
    assert second.actor is None
    assert AuditEvent.objects.get(action="test.third").actor_label == "演示数据"


def test_a_system_event_is_labelled_as_the_system(db):
    assert audit_record(actor=None, action="test.system").actor_label == "系统"


def test_an_actors_label_names_the_person(admin):
    event = audit_record(actor=admin, action="test.by_admin")
    assert event.actor == admin and event.actor_label == "乡管理员（admin）"


def test_verify_passes_on_an_intact_chain(chain, capsys):
    assert audit_verify() == (3, [])
    code, out, _ = run_verify(capsys)
    assert code == 0
    assert "校验通过：共 3 条记录" in out


def test_verify_passes_on_an_empty_log(db, capsys):
    assert audit_verify() == (0, [])
    assert run_verify(capsys)[0] == 0


def test_an_ipv6_address_in_any_spelling_keeps_the_chain_valid(db):
    audit_record(actor=None, action="test.ipv6", ip_address="2001:0DB8:0000::0001")
    assert audit_verify()[1] == []


def test_an_ipv4_address_keeps_the_chain_valid(db):
    audit_record(actor=None, action="test.ipv4", ip_address="10.0.0.1")
    audit_record(actor=None, action="test.ipv6", ip_address="::1")
    assert audit_verify() == (2, [])


# ---- append-only ------------------------------------------------------------------------------------------------------------------


def test_the_database_refuses_a_raw_update(chain):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditevent SET action='x' WHERE id = %s", [chain[1].pk])
    assert AuditEvent.objects.get(pk=chain[1].pk).action == "test.second"


def test_verify_reports_the_row_changed_behind_the_applications_back(chain, capsys):
    allow_raw_updates()
    raw("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"n": 99}', chain[1].pk])
    checked, problems = audit_verify()
    assert checked == 3
    assert [(p.event_id, p.message) for p in problems] == [
        (chain[1].pk, "记录内容与其哈希不符：该记录被修改")
    ]
    code, out, err = run_verify(capsys)
    assert code == 1
    assert f"记录 #{chain[1].pk}：记录内容与其哈希不符" in out
    assert "校验失败" in err


def test_verify_reports_a_row_whose_hash_was_recomputed_by_the_next_rows_link(chain):
    """Rewriting a row and its own hash still breaks the link held by the following row."""
    allow_raw_updates()
    forged = AuditEvent.objects.get(pk=chain[1].pk)
    forged.action = "test.forged"
    forged_hash = forged.compute_hash()
    raw(
        "UPDATE audit_auditevent SET action = %s, row_hash = %s WHERE id = %s",
        ["test.forged", forged_hash, chain[1].pk],
    )
    problems = audit_verify()[1]
    assert [p.event_id for p in problems] == [chain[2].pk]
    assert "上一条记录的哈希不符" in problems[0].message


def test_verify_reports_a_deleted_row(chain):
    if connection.vendor == "postgresql":
        allow_raw_updates()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[1].pk])
    problems = audit_verify()[1]
    assert [p.event_id for p in problems] == [chain[2].pk]


def test_saving_an_existing_row_is_refused(chain):
    event = AuditEvent.objects.get(pk=chain[0].pk)
    event.action = "x"
    with pytest.raises(AuditRowImmutable):
        event.save()
    assert AuditEvent.objects.get(pk=chain[0].pk).action == "test.first"


def test_deleting_a_row_is_refused(chain):
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.get(pk=chain[0].pk).delete()
    assert AuditEvent.objects.count() == 3


def test_queryset_update_and_delete_are_refused(chain):
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="x")
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditRowImmutable):
        AuditEvent.objects.bulk_create([AuditEvent(action="x", prev_hash="", row_hash="y")])
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "test.first",
        "test.second",
        "test.third",
    ]


@postgresql_only
def test_postgresql_refuses_a_raw_delete(chain):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[0].pk])
    assert AuditEvent.objects.count() == 3


# ---- retention ----------------------------------------------------------------------------------------------------------------------


def test_audit_purge_removes_only_rows_older_than_retention_and_the_chain_still_verifies(
    settings, chain, capsys
):
    first, second, third = (AuditEvent.objects.get(pk=e.pk) for e in chain)
    assert first.at < second.at
    # The cutoff falls exactly on the second row: the first is older than retention, the others are not.
    now = second.at + datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    assert audit_purge(now=now) == 1
    remaining = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert remaining == ["test.second", "test.third", "audit.purge"]
    anchor = AuditAnchor.objects.get()
    assert (anchor.last_purged_id, anchor.last_purged_hash) == (first.pk, first.row_hash)
    assert audit_verify() == (3, [])
    assert run_verify(capsys)[0] == 0


def test_audit_purge_removes_nothing_within_retention(settings, chain):
    assert audit_purge(now=chain[0].at + datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS - 1)) == 0
    assert AuditEvent.objects.count() == 3
    assert not AuditAnchor.objects.exists()


def test_the_chain_continues_after_a_purge_of_everything(settings, chain):
    audit_purge(now=chain[2].at + datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS, seconds=1))
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["audit.purge"]
    audit_record(actor=None, action="test.after_purge")
    assert audit_verify()[1] == []


def test_the_retention_setting_is_at_least_180_days(settings):
    assert settings.AUDIT_RETENTION_DAYS >= 180


def test_env_int_refuses_a_retention_below_the_minimum(monkeypatch):
    monkeypatch.setenv("GONGKAI_AUDIT_RETENTION_DAYS", "179")
    with pytest.raises(ImproperlyConfigured, match=r"GONGKAI_AUDIT_RETENTION_DAYS=179: must be at least 180"):
        env_int("GONGKAI_AUDIT_RETENTION_DAYS", 365, minimum=180)


def test_env_int_accepts_the_minimum_and_defaults_when_unset(monkeypatch):
    monkeypatch.setenv("GONGKAI_AUDIT_RETENTION_DAYS", "180")
    assert env_int("GONGKAI_AUDIT_RETENTION_DAYS", 365, minimum=180) == 180
    monkeypatch.delenv("GONGKAI_AUDIT_RETENTION_DAYS")
    assert env_int("GONGKAI_AUDIT_RETENTION_DAYS", 365, minimum=180) == 365


def test_env_int_refuses_a_non_number(monkeypatch):
    monkeypatch.setenv("GONGKAI_AUDIT_RETENTION_DAYS", "half a year")
    with pytest.raises(ImproperlyConfigured, match="expected a whole number"):
        env_int("GONGKAI_AUDIT_RETENTION_DAYS", 365, minimum=180)
