"""What `gongkai restore` refuses, and says why, before it writes anything: a changed archive, a wrong key, an
instance whose keys cannot read the data, an instance that is not empty."""

import json
import os

import pytest

from backup.instance import Instance, rewrite_tar
from gongkai.backup import crypto

SEED = """
import datetime as dt
from django.db import transaction
from gongkai.catalog.models import Disclosure
from gongkai.audit.services import audit_record
from gongkai.orgs.models import OrgKind
from gongkai.orgs.services import org_insert
with transaction.atomic():
    county = org_insert(parent=None, kind=OrgKind.COUNTY, name="平罗县人民政府", short_name="平罗县", code="pingluo")
    audit_record(actor=None, action="orgs.create", obj=county)
# A published item written behind the search index's back (as an old import could): not in the index.
Disclosure.objects.create(organisation=county, title="导入的低保通知", written_on=dt.date(2024, 1, 1),
                          published_on=dt.date(2024, 1, 2), status="published", index_no="pingluo/2024-00001")
print("ok")
"""
FIND = """
import json
from gongkai.catalog.queries import public_disclosures
from gongkai.search.queries import search
print(json.dumps([h.disclosure.title for h in search(scope=public_disclosures(), q="低保").hits]))
"""
DB = "database/gongkai.sqlite3"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    root = tmp_path_factory.mktemp("source")
    key = crypto.generate_key()
    instance = Instance(root, engine="sqlite", name="src")
    instance.run("migrate", "-v0")
    instance.shell(SEED)
    (instance.media / "proofs").mkdir(parents=True)
    (instance.media / "proofs" / "proof.pdf").write_bytes(b"%PDF-1.7 proof")
    instance.plain = root / "plain.gkbak"
    instance.run("backup", "--output", str(instance.plain))
    instance.encrypted = root / "encrypted.gkbak"
    instance.backup_key = key
    instance.run("backup", "--output", str(instance.encrypted), GONGKAI_BACKUP_KEY=key)
    return instance


@pytest.fixture
def target(tmp_path):
    return Instance(tmp_path / "target", engine="sqlite", name="dst")


def refused(result, message):
    assert result.returncode != 0
    assert "拒绝恢复" in result.stderr and message in result.stderr, result.stderr
    return True


def test_an_unencrypted_backup_restores_and_warns_that_it_is_not_encrypted(source, target, tmp_path):
    assert source.json(FIND) == []
    result = target.run("restore", str(source.plain))
    assert "恢复完成并已校验" in result.stdout and "1 个媒体文件" in result.stdout
    # The search probe did not find the item, so the index was rebuilt through search.services.
    assert "搜索抽查 1 条（已重建索引）" in result.stdout
    assert target.json(FIND) == ["导入的低保通知"]
    assert "警告" not in result.stderr  # same code, same migrations
    assert (target.media / "proofs" / "proof.pdf").read_bytes() == b"%PDF-1.7 proof"
    again = source.run("backup", "--output", str(tmp_path / "again.gkbak"))
    assert "备份未加密" in again.stderr


def test_a_backup_never_overwrites_an_existing_file_and_only_its_owner_can_read_it(source, tmp_path):
    assert source.plain.stat().st_mode & 0o777 == 0o600
    result = source.run("backup", "--output", str(source.plain), check=False)
    assert result.returncode != 0 and "已存在" in result.stderr
    left_over = tmp_path / "x.gkbak.partial"
    left_over.write_text("interrupted")
    result = source.run("backup", "--output", str(tmp_path / "x.gkbak"), check=False)
    assert result.returncode != 0 and "上次备份中断后留下" in result.stderr
    assert left_over.read_text() == "interrupted"


def test_a_changed_database_file_is_refused(source, target, tmp_path):
    tampered = tmp_path / "tampered.gkbak"

    def flip(name, data):
        if name == DB:
            data = bytearray(data)
            data[5000] ^= 1
        return bytes(data)

    rewrite_tar(source.plain, tampered, flip)
    result = target.run("restore", str(tampered), check=False)
    assert refused(result, f"文件 {DB} 的 SHA-256 与清单不符：备份被篡改或损坏")
    assert not target.sqlite_file.exists()


def test_a_manifest_rewritten_to_match_a_changed_file_is_refused(source, target, tmp_path):
    import hashlib

    tampered = tmp_path / "tampered.gkbak"
    changed = {}

    def flip(name, data):
        if name == DB:
            data = bytearray(data)
            data[5000] ^= 1
            changed["sha256"] = hashlib.sha256(data).hexdigest()
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"][DB]["sha256"] = changed["sha256"]
            data = json.dumps(manifest).encode()
        return bytes(data)

    rewrite_tar(source.plain, tampered, flip)
    assert refused(target.run("restore", str(tampered), check=False), "清单签名无效：备份清单被篡改")
    assert not target.sqlite_file.exists()


def test_an_encrypted_backup_needs_its_key(source, target):
    assert crypto.is_encrypted(source.encrypted) and not crypto.is_encrypted(source.plain)
    assert refused(target.run("restore", str(source.encrypted), check=False), "该备份已加密：请设置")
    wrong = crypto.generate_key()
    result = target.run("restore", str(source.encrypted), check=False, GONGKAI_BACKUP_KEY=wrong)
    assert refused(result, f"密钥不符：该备份用编号为 {crypto.key_id(crypto.parse_key(source.backup_key))}")
    assert not target.sqlite_file.exists()


def test_a_changed_byte_of_an_encrypted_backup_is_refused(source, target, tmp_path):
    tampered = tmp_path / "tampered.gkbak"
    blob = bytearray(source.encrypted.read_bytes())
    blob[len(blob) // 2] ^= 1
    tampered.write_bytes(bytes(blob))
    result = target.run("restore", str(tampered), check=False, GONGKAI_BACKUP_KEY=source.backup_key)
    assert refused(result, "备份文件已损坏或被篡改")
    assert not target.sqlite_file.exists()


def test_an_encrypted_backup_restores_with_its_key(source, target):
    result = target.run("restore", str(source.encrypted), GONGKAI_BACKUP_KEY=source.backup_key)
    assert "恢复完成并已校验" in result.stdout


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("GONGKAI_FIELD_KEYS", "本实例的 GONGKAI_FIELD_KEYS 中缺少备份实例的密钥"),
        ("GONGKAI_AUDIT_KEYS", "本实例的 GONGKAI_AUDIT_KEYS 中缺少备份实例的密钥"),
        ("GONGKAI_SECRET_KEY", "本实例的 GONGKAI_SECRET_KEY 中缺少备份实例的密钥"),
    ],
)
def test_an_instance_without_the_backups_keys_is_refused(source, target, variable, message):
    if variable == "GONGKAI_FIELD_KEYS":
        other = crypto.generate_key()  # a Fernet key has the same form
    else:
        other = "another-key-of-at-least-32-characters-" + os.urandom(8).hex()
    result = target.run("restore", str(source.plain), check=False, **{variable: other})
    assert refused(result, message)
    assert not target.sqlite_file.exists()


def test_an_added_key_is_fine_as_long_as_the_old_ones_are_still_there(source, target):
    newer = crypto.generate_key()
    keys = f"{newer},{os.environ['GONGKAI_FIELD_KEYS']}"
    assert "恢复完成并已校验" in target.run("restore", str(source.plain), GONGKAI_FIELD_KEYS=keys).stdout


def test_an_instance_with_data_is_refused(source):
    result = source.run("restore", str(source.plain), check=False)
    assert refused(result, "目标实例不是空的（表 ")
    assert "audit_auditevent" in result.stderr and "orgs_organisation" in result.stderr


def test_a_migrated_but_empty_instance_is_accepted_and_a_media_folder_with_files_is_not(source, target):
    target.run("migrate", "-v0")
    (target.media / "left-over.txt").parent.mkdir(parents=True)
    (target.media / "left-over.txt").write_text("x")
    assert refused(target.run("restore", str(source.plain), check=False), "媒体目录")
    (target.media / "left-over.txt").unlink()
    assert "恢复完成并已校验" in target.run("restore", str(source.plain)).stdout


def test_a_backup_of_an_instance_without_a_database_fails_and_leaves_no_file(tmp_path):
    empty = Instance(tmp_path / "empty", engine="sqlite", name="empty")
    output = tmp_path / "nothing.gkbak"
    result = empty.run("backup", "--output", str(output), check=False)
    assert result.returncode != 0 and "找不到数据库文件" in result.stderr
    assert not output.exists() and not output.with_name("nothing.gkbak.partial").exists()


def test_every_difference_between_the_restored_tables_and_the_manifest_is_named():
    from gongkai.backup.services import _compare_tables

    expected = {
        "a": {"rows": 2, "sha256": "1"},
        "b": {"rows": 1, "sha256": "2"},
        "c": {"rows": 1, "sha256": "3"},
    }
    actual = {
        "a": {"rows": 1, "sha256": "1"},
        "b": {"rows": 1, "sha256": "x"},
        "d": {"rows": 0, "sha256": "0"},
    }
    assert _compare_tables(expected, actual) == [
        "表 a 应有 2 行，恢复后 1 行",
        "表 b 的内容摘要与清单不符",
        "恢复后缺少表 c",
        "恢复后多出表 d",
    ]
    assert _compare_tables(expected, expected) == []


def test_a_backup_from_a_newer_version_is_restored_with_a_warning(source, target, tmp_path):
    """A migration the running code does not have: the data are restored, and the operator told to upgrade first."""
    newer = Instance(tmp_path / "newer", engine="sqlite", name="newer")
    newer.run("restore", str(source.plain))
    newer.shell(
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute(\"INSERT INTO django_migrations (app, name, applied) VALUES ('audit', '9999_future', '2027-01-01')\")"
    )
    archive = tmp_path / "newer.gkbak"
    newer.run("backup", "--output", str(archive))
    result = target.run("restore", str(archive))
    assert "备份来自更新的版本（本程序没有迁移 audit.9999_future）：请先升级程序再启用本实例" in result.stderr
