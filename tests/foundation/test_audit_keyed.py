"""The keyed audit chain and its signed checkpoints: what someone with write access to the database, but not the
audit key, can no longer do unnoticed (issue 10, finding 3)."""

import datetime
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from gongkai.audit.checkpoints import read_checkpoints
from gongkai.audit.keys import audit_keys, key_id_of
from gongkai.audit.models import AuditAnchor, AuditEvent
from gongkai.audit.services import (
    GENESIS_HASH,
    CheckpointRefused,
    audit_checkpoint,
    audit_purge,
    audit_record,
    audit_verify,
)

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL trigger")
NEW_KEY = "n" * 40


@pytest.fixture
def chain(township):
    return [
        audit_record(actor=None, action=f"test.{n}", organisation=township, after={"n": n})
        for n in range(1, 6)
    ]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def allow_raw_changes():
    """Switch off the database's append-only guards, as someone with direct database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")


def messages(problems):
    return [p.message for p in problems]


def run_command(capsys, *args):
    try:
        call_command("audit", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# ---- the key ----------------------------------------------------------------------------------------------------------


def test_each_row_is_an_hmac_of_the_previous_hash_and_the_row_under_the_configured_key(chain):
    key = os.environ["GONGKAI_AUDIT_KEYS"]
    for event in AuditEvent.objects.order_by("id"):
        assert event.key_id == key_id_of(key)
        message = (event.prev_hash + event.content_for_hash()).encode()
        assert event.row_hash == hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
        # The unkeyed (version-1) hash of the same row is something else: without the key it cannot be made.
        assert event.row_hash != hashlib.sha256(message).hexdigest()


def test_the_key_id_does_not_reveal_the_key(db):
    key = os.environ["GONGKAI_AUDIT_KEYS"]
    assert len(key_id_of(key)) == 16 and key_id_of(key) not in key


def test_a_key_shorter_than_32_characters_is_refused(monkeypatch, db):
    monkeypatch.setenv("GONGKAI_AUDIT_KEYS", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        audit_record(actor=None, action="test.x")


def test_in_production_no_row_is_written_without_a_key(monkeypatch, settings, db):
    monkeypatch.delenv("GONGKAI_AUDIT_KEYS")
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_AUDIT_KEYS must be set"):
        audit_record(actor=None, action="test.x")
    assert not AuditEvent.objects.exists()


def test_outside_production_a_key_file_is_generated_in_the_data_directory(
    monkeypatch, settings, tmp_path, db
):
    monkeypatch.delenv("GONGKAI_AUDIT_KEYS")
    settings.DATA_DIR = tmp_path
    event = audit_record(actor=None, action="test.dev")
    key_file = tmp_path / "audit_keys"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert event.key_id == key_id_of(key_file.read_text().strip())
    assert audit_verify() == (1, [])


def test_a_new_key_signs_new_rows_and_the_old_key_still_verifies_the_old_ones(monkeypatch, chain):
    old = os.environ["GONGKAI_AUDIT_KEYS"]
    monkeypatch.setenv("GONGKAI_AUDIT_KEYS", f"{NEW_KEY},{old}")
    newer = audit_record(actor=None, action="test.after_rotation")
    assert newer.key_id == key_id_of(NEW_KEY) != chain[0].key_id
    assert audit_verify() == (6, [])
    # Dropping the old key too early leaves its rows unverifiable, and says so.
    monkeypatch.setenv("GONGKAI_AUDIT_KEYS", NEW_KEY)
    problems = audit_verify()[1]
    assert [p.event_id for p in problems] == [e.pk for e in chain]
    assert all("未配置" in m for m in messages(problems))


# ---- version-1 rows written before the chain was keyed ------------------------------------------------------------------


def legacy_rows(count):
    """Rows as the unkeyed version wrote them (key_id NULL, plain SHA-256), like those present at upgrade."""
    prev = GENESIS_HASH
    rows = []
    for n in range(count):
        event = AuditEvent(
            at=datetime.datetime(2026, 1, 1, 8, n, tzinfo=datetime.UTC), action=f"legacy.{n}", prev_hash=prev
        )
        event.row_hash = event.compute_hash()
        event.save()
        rows.append(event)
        prev = event.row_hash
    return rows


def test_the_keyed_chain_continues_from_the_version_1_rows(db):
    old = legacy_rows(3)
    keyed = audit_record(actor=None, action="test.keyed")
    assert old[0].key_id is None and keyed.prev_hash == old[-1].row_hash and keyed.key_id
    assert audit_verify() == (4, [])


def test_the_first_keyed_row_fixes_the_version_1_rows_before_it(db):
    old = legacy_rows(3)
    audit_record(actor=None, action="test.keyed")
    allow_raw_changes()
    # Rewriting a version-1 row and its hash, as anyone can without a key, breaks the keyed row's link.
    forged = AuditEvent.objects.get(pk=old[2].pk)
    forged.action = "legacy.forged"
    raw(
        "UPDATE audit_auditevent SET action = %s, row_hash = %s WHERE id = %s",
        ["legacy.forged", forged.compute_hash(), old[2].pk],
    )
    assert "上一条记录的哈希不符" in messages(audit_verify()[1])[0]


def test_an_unkeyed_row_after_a_keyed_one_is_reported(chain):
    forged = AuditEvent(at=chain[-1].at, action="test.forged", prev_hash=chain[-1].row_hash)
    forged.row_hash = forged.compute_hash()
    forged.save()
    problems = audit_verify()[1]
    assert [(p.event_id, p.message) for p in problems] == [
        (forged.pk, "未签名（版本1）的记录出现在签名记录之后：日志被无密钥地重写")
    ]


# ---- tampering the chain alone could not find -----------------------------------------------------------------------------


def test_a_full_recomputation_without_the_key_is_found_on_every_row(chain):
    allow_raw_changes()
    guessed_key = b"x" * 32
    prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = prev
        event.action = "test.rewritten"
        new_hash = hmac.new(
            guessed_key, (prev + event.content_for_hash()).encode(), hashlib.sha256
        ).hexdigest()
        raw(
            "UPDATE audit_auditevent SET action = %s, prev_hash = %s, row_hash = %s WHERE id = %s",
            ["test.rewritten", prev, new_hash, event.pk],
        )
        prev = new_hash
    problems = audit_verify()[1]
    assert [p.event_id for p in problems] == [e.pk for e in chain]
    assert set(messages(problems)) == {"记录内容与其哈希不符：该记录被修改"}


def test_a_recomputation_as_unkeyed_rows_is_found_by_the_checkpoint(chain):
    audit_checkpoint()
    allow_raw_changes()
    prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash, event.key_id = prev, None
        new_hash = event.compute_hash()  # plain SHA-256: a valid version-1 chain
        raw(
            "UPDATE audit_auditevent SET prev_hash = %s, row_hash = %s, key_id = NULL WHERE id = %s",
            [prev, new_hash, event.pk],
        )
        prev = new_hash
    found = messages(audit_verify()[1])
    assert any("之后出现未签名（版本1）的记录：日志被没有密钥的人重新计算" in m for m in found)
    assert any("日志被改写或重新计算" in m for m in found)


def test_a_deleted_tail_is_found_by_the_checkpoint(chain, capsys):
    audit_checkpoint()
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent WHERE id >= %s", [chain[3].pk])
    checked, problems = audit_verify()
    assert checked == 3
    assert [(p.event_id, p.message) for p in problems] == [
        (
            None,
            f"检查点（{read_checkpoints().checkpoints[0].at}，共 5 条，最后 #{chain[4].pk}）的最后一条已不存在，"
            f"现在最后一条是 #{chain[2].pk}：日志尾部被删除",
        )
    ]
    code, out, err = run_command(capsys, "verify")
    assert code == 1 and "日志尾部被删除" in out and "校验失败" in err


def test_a_deleted_tail_followed_by_new_rows_is_found(chain):
    audit_checkpoint()
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[4].pk])
    audit_record(actor=None, action="test.after_the_deletion")  # the chain itself is whole again
    problems = audit_verify()[1]
    assert [(p.event_id, "该记录被删除" in p.message) for p in problems] == [(chain[4].pk, True)]


def test_a_deleted_head_is_found_without_any_checkpoint(chain):
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent WHERE id <= %s", [chain[1].pk])
    problems = audit_verify()[1]
    assert (chain[2].pk, "第一条记录之前的记录被删除，且没有清理记录证明：日志头部被删除") in [
        (p.event_id, p.message) for p in problems
    ]


def test_a_deleted_head_behind_a_forged_purge_anchor_is_found(chain):
    """The anchor table is in the database too: only a signed `audit.purge` event can vouch for it."""
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent WHERE id <= %s", [chain[1].pk])
    AuditAnchor.objects.create(last_purged_id=chain[1].pk, last_purged_hash=chain[1].row_hash)
    problems = audit_verify()[1]
    assert [(p.event_id, p.message) for p in problems] == [
        (chain[2].pk, "第一条记录之前的记录被删除，且没有清理记录证明：日志头部被删除")
    ]


def test_an_emptied_table_is_found_by_the_checkpoint(chain, capsys):
    audit_checkpoint()
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent")
    checked, problems = audit_verify()
    assert checked == 0
    assert (
        len(problems) == 1 and "审计日志为空" in problems[0].message and "整表被清空" in problems[0].message
    )
    assert run_command(capsys, "verify")[0] == 1


def test_rows_deleted_from_the_middle_and_relinked_without_the_key_are_found(chain):
    audit_checkpoint()
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[2].pk])
    raw("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", [chain[1].row_hash, chain[3].pk])
    found = messages(audit_verify()[1])
    assert "记录内容与其哈希不符：该记录被修改" in found
    assert any("现在同一范围内有 4 条：有记录被删除" in m for m in found)


def test_a_head_deleted_behind_a_purge_from_before_the_upgrade_is_found_by_the_checkpoint(db):
    """A version-1 purge event vouches for the anchor's id only; the checkpoint pins the head."""
    old = legacy_rows(3)
    anchor = AuditAnchor.objects.create(last_purged_id=old[0].pk, last_purged_hash=old[0].row_hash)
    AuditEvent.objects.purge_up_to(
        old[0].pk
    )  # as audit_purge does: anchor first (PostgreSQL's trigger reads it)
    purge = AuditEvent(
        at=old[2].at,
        action="audit.purge",
        after={"up_to_id": old[0].pk, "cutoff": "x"},
        prev_hash=old[2].row_hash,
    )
    purge.row_hash = purge.compute_hash()
    purge.save()
    audit_record(actor=None, action="test.keyed")
    assert audit_verify() == (4, [])
    audit_checkpoint()
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent WHERE id <= %s", [old[2].pk])
    anchor.last_purged_hash = old[2].row_hash
    anchor.save()
    problems = audit_verify()[1]
    assert [p.event_id for p in problems] == [purge.pk]
    assert f"时第一条是 #{old[1].pk}，之后没有清理记录：日志头部被删除" in problems[0].message


# ---- purge under the retention rule stays valid ---------------------------------------------------------------------------


def test_a_purge_after_a_checkpoint_still_verifies(settings, chain, capsys):
    audit_checkpoint()
    now = AuditEvent.objects.get(pk=chain[2].pk).at + datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    assert audit_purge(now=now) == 2
    assert audit_verify() == (4, [])
    audit_checkpoint()
    everything = chain[4].at + datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS, seconds=1)
    audit_purge(now=everything)
    assert audit_verify()[1] == []
    code, out, _ = run_command(capsys, "verify")
    assert code == 0 and "与 2 个检查点一致" in out


# ---- checkpoints ------------------------------------------------------------------------------------------------------------


def test_a_checkpoint_is_a_signed_line_outside_the_database(settings, chain, capsys):
    code, out, _ = run_command(capsys, "checkpoint")
    assert code == 0 and "已写入检查点：共 5 条" in out
    line = json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text())
    assert (line["count"], line["first_id"], line["last_id"], line["last_hash"]) == (
        5,
        chain[0].pk,
        chain[4].pk,
        chain[4].row_hash,
    )
    assert line["first_prev_hash"] == GENESIS_HASH and line["legacy_until"] == 0
    assert line["key_id"] == audit_keys()[0].key_id and len(line["sig"]) == 64


def test_an_edited_checkpoint_line_is_reported(settings, chain):
    audit_checkpoint()
    data = json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text())
    data["count"] = 3  # to hide two rows about to be deleted
    settings.AUDIT_CHECKPOINT_FILE.write_text(json.dumps(data) + "\n")
    assert messages(audit_verify()[1]) == ["检查点文件第 1 行签名无效：检查点被篡改或伪造"]


def test_a_checkpoint_signed_with_a_retired_key_is_skipped_with_a_warning(
    monkeypatch, settings, chain, capsys
):
    old = os.environ["GONGKAI_AUDIT_KEYS"]
    monkeypatch.setenv("GONGKAI_AUDIT_KEYS", f"{NEW_KEY},{old}")
    audit_checkpoint()
    monkeypatch.setenv("GONGKAI_AUDIT_KEYS", old)
    assert audit_verify()[1] == []
    code, out, err = run_command(capsys, "verify")
    assert code == 0 and f"检查点文件第 1 行的签名密钥 {key_id_of(NEW_KEY)} 未配置，已跳过" in err
    assert "没有检查点" in err  # the skipped line counts for nothing


def test_a_checkpoint_forged_under_a_made_up_key_counts_for_nothing(settings, chain):
    audit_checkpoint()
    allow_raw_changes()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[4].pk])
    forged = read_checkpoints().checkpoints[0]
    forged.count, forged.last_id, forged.last_hash = 4, chain[3].pk, chain[3].row_hash
    forged.key_id, forged.sig = "0" * 16, "f" * 64
    with open(settings.AUDIT_CHECKPOINT_FILE, "a") as handle:
        handle.write(forged.to_line() + "\n")
    assert "日志尾部被删除" in messages(audit_verify()[1])[0]


def test_no_checkpoint_is_written_for_a_tampered_log(settings, chain, capsys):
    allow_raw_changes()
    raw("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [chain[1].pk])
    with pytest.raises(CheckpointRefused):
        audit_checkpoint()
    assert not settings.AUDIT_CHECKPOINT_FILE.exists()
    code, out, err = run_command(capsys, "checkpoint")
    assert code == 1 and "不写检查点" in err and f"记录 #{chain[1].pk}" in out


def test_verify_warns_when_there_is_no_checkpoint(chain, capsys):
    code, out, err = run_command(capsys, "verify")
    assert code == 0 and "校验通过：共 5 条记录" in out
    assert "没有检查点" in err


def test_a_checkpoint_goes_to_syslog_too(chain):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(10)
        port = server.getsockname()[1]
        checkpoint = audit_checkpoint(syslog_address=f"127.0.0.1:{port}")
        message = server.recv(65536).decode()
    assert message == f"<38>gongkai-audit-checkpoint: {checkpoint.to_line()}"


# ---- PostgreSQL: TRUNCATE -----------------------------------------------------------------------------------------------------


@postgresql_only
def test_postgresql_refuses_truncate_of_the_audit_log(chain):
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's pending foreign-key checks would refuse it first
    with pytest.raises(Exception, match="TRUNCATE refused"), transaction.atomic():
        raw("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 5


@postgresql_only
def test_a_truncate_past_a_disabled_trigger_is_found_by_the_checkpoint(chain):
    audit_checkpoint()
    allow_raw_changes()
    raw("TRUNCATE audit_auditevent")
    problems = audit_verify()[1]
    assert len(problems) == 1 and "整表被清空（TRUNCATE 或删除）" in problems[0].message


@pytest.mark.django_db(transaction=True)
def test_the_test_database_is_still_flushed_after_a_transactional_test(township):
    """The flush at teardown truncates every table, the audit log too (tests/conftest.py lets it through)."""
    audit_record(actor=None, action="test.committed", organisation=township)
    assert AuditEvent.objects.count() == 1


# ---- gongkai check --deploy ---------------------------------------------------------------------------------------------------


def check_deploy(tmp_path, **extra):
    env = {
        **os.environ,
        "GONGKAI_PRODUCTION": "1",
        "GONGKAI_SECRET_KEY": "s" * 60,
        "GONGKAI_TRACKING_KEYS": "t" * 40,  # the other production keys are set: only the audit's is tested
        "GONGKAI_ALLOWED_HOSTS": "gongkai.example.gov.cn",
        "GONGKAI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/check.sqlite3",
        **extra,
    }
    env.pop("GONGKAI_AUDIT_KEYS")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright by tests/browser; an error in deployment
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_an_error_in_production_without_audit_keys(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    assert "gongkai.audit.E001" in result.stderr and "GONGKAI_AUDIT_KEYS is not set" in result.stderr


def test_check_deploy_passes_the_audit_check_with_a_key(tmp_path):
    result = check_deploy(tmp_path, GONGKAI_AUDIT_KEYS="k" * 40)
    assert "gongkai.audit" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stderr


def test_check_deploy_refuses_a_short_audit_key(tmp_path):
    result = check_deploy(tmp_path, GONGKAI_AUDIT_KEYS="short")
    assert result.returncode != 0 and "gongkai.audit.E002" in result.stderr
