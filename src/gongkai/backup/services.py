"""Backup and restore of a whole Gongkai instance: database, media and the fingerprints of its keys.

`backup_create` writes ONE tar archive (AES-256-GCM encrypted as a stream when GONGKAI_BACKUP_KEY is set):

    database/gongkai.sqlite3 or database/gongkai.pgdump   a consistent snapshot (database.py)
    media/...                                             every uploaded file
    manifest.json                                         last: row count and content digest of every table of
                                                          the snapshot, size and SHA-256 of every file, the key
                                                          fingerprints, a signed audit checkpoint of the
                                                          snapshot; signed (HMAC) with the audit key

`backup_restore` puts an archive into an EMPTY instance (it refuses one with data) and proves the result: every
table's count and digest, every file's hash, the audit chain against the snapshot's checkpoint, and search. It
refuses, before writing anything, an archive that was changed, a wrong backup key, and an instance whose keys
cannot read the data.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from gongkai.audit.checkpoints import Checkpoint, append_checkpoint
from gongkai.audit.keys import key_by_id, signing_key
from gongkai.backup import crypto, database
from gongkai.backup.keys import instance_fingerprints, missing_keys
from gongkai.catalog.indexing import reindex_all
from gongkai.catalog.queries import public_disclosures
from gongkai.search.queries import search

FORMAT = "gongkai-backup/1"
MANIFEST = "manifest.json"
DATABASE_NAMES = {"sqlite": "database/gongkai.sqlite3", "postgresql": "database/gongkai.pgdump"}
SEARCH_PROBES = 10


class BackupRefused(Exception):
    """The backup or restore was refused before anything was changed. The message says why and what to do."""


class RestoreVerificationFailed(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("恢复后的校验未通过：" + "；".join(problems))
        self.problems = problems


# ---- shared ----------------------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _canonical(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return b"gongkai-backup-manifest:" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _audit_checkpoint_of(conn) -> Checkpoint:
    """A signed checkpoint of the audit table as the snapshot connection `conn` sees it (sqlite3 or psycopg)."""

    def one(sql):
        return conn.execute(sql).fetchone()

    anchor = one("SELECT last_purged_hash FROM audit_auditanchor ORDER BY id LIMIT 1")
    start = anchor[0] if anchor and anchor[0] else "0" * 64
    first = one("SELECT id, prev_hash FROM audit_auditevent ORDER BY id LIMIT 1")
    last = one("SELECT id, row_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
    return Checkpoint(
        at=timezone.now().isoformat(),
        count=one("SELECT count(*) FROM audit_auditevent")[0],
        first_id=first[0] if first else 0,
        first_prev_hash=first[1] if first else start,
        last_id=last[0] if last else 0,
        last_hash=last[1] if last else start,
        legacy_until=one("SELECT max(id) FROM audit_auditevent WHERE key_id IS NULL")[0] or 0,
    ).sign()


# ---- backup ----------------------------------------------------------------------------------------------------------


class _HashingReader:
    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _snapshot_database(tmp: Path) -> tuple[str, Path, dict, Checkpoint]:
    kind = database.engine()
    target = tmp / "db"
    if kind == "sqlite":
        database.sqlite_snapshot(database.sqlite_path(), target)
        tables = database.sqlite_table_stats(target)
        conn = sqlite3.connect(target)
        try:
            checkpoint = _audit_checkpoint_of(conn)
        finally:
            conn.close()
    else:
        params = database.pg_params()
        with database.pg_snapshot_transaction(params) as (conn, snapshot_id):
            database.pg_dump(params, snapshot_id, target)
            tables = database.pg_table_stats(conn)
            checkpoint = _audit_checkpoint_of(conn)
    return kind, target, tables, checkpoint


def backup_create(*, output: Path, work_dir: Path | None = None) -> dict:
    """Write a backup archive of this instance to `output` (refused if it exists). Returns the manifest.

    The archive is written to `output.partial` and renamed when complete; on any error the partial file is removed.
    """
    output = Path(output)
    if output.exists():
        raise BackupRefused(f"{output} 已存在：请换一个文件名，不会覆盖已有备份")
    partial = output.with_name(output.name + ".partial")
    if partial.exists():
        raise BackupRefused(f"{partial} 已存在：另一个备份正在写入，或上次备份中断后留下；确认后删除它再重试")
    try:
        manifest = _write_archive(partial, work_dir)
        partial.rename(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _write_archive(partial: Path, work_dir: Path | None) -> dict:
    key = crypto.configured_key()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="gongkai-backup-") as tmp_name:
        kind, db_file, tables, checkpoint = _snapshot_database(Path(tmp_name))
        files: dict[str, dict] = {}
        # Readable by the owner only from the first byte: the archive holds every record of the instance.
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            sink = crypto.EncryptingWriter(handle, key) if key else handle
            with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                members = [(DATABASE_NAMES[kind], db_file)]
                members += [
                    (f"media/{p.relative_to(media_root).as_posix()}", p) for p in _media_files(media_root)
                ]
                for name, path in members:
                    info = tar.gettarinfo(str(path), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with open(path, "rb") as source:
                        reader = _HashingReader(source)
                        tar.addfile(info, reader)
                    files[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "gongkai_version": metadata.version("gongkai"),
                    "engine": kind,
                    "database": DATABASE_NAMES[kind],
                    "tables": tables,
                    "files": files,
                    "keys": instance_fingerprints(),
                    "audit_checkpoint": json.loads(checkpoint.to_line()),
                    "encrypted": bool(key),
                }
                audit_key = signing_key()
                manifest["signature"] = {
                    "key_id": audit_key.key_id,
                    "hmac": hmac.new(audit_key.secret, _canonical(manifest), hashlib.sha256).hexdigest(),
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            if key:
                sink.close()
            handle.flush()
            os.fsync(handle.fileno())
    return manifest


# ---- restore ---------------------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    audit_rows: int = 0
    search_probes: int = 0
    reindexed: bool = False
    warnings: list[str] = field(default_factory=list)


def _extract(archive: Path, target: Path) -> None:
    key = crypto.configured_key()
    with open(archive, "rb") as handle:
        try:
            if handle.read(len(crypto.MAGIC)) == crypto.MAGIC:
                if key is None:
                    raise BackupRefused("该备份已加密：请设置与备份时相同的 GONGKAI_BACKUP_KEY 后再恢复")
                handle.seek(0)
                source = crypto.DecryptingReader(handle, key)
            else:
                handle.seek(0)
                source = handle
            with tarfile.open(fileobj=source, mode="r|") as tar:
                for member in tar:
                    name = member.name
                    if not (member.isfile() or member.isdir()) or not (
                        name == MANIFEST or name.startswith(("database/", "media/"))
                    ):
                        raise BackupRefused(f"备份中有不应存在的条目：{name}")
                    tar.extract(member, target, filter="data")
        except tarfile.TarError as exc:
            raise BackupRefused(f"备份文件已损坏，无法读取：{exc}") from exc
        except crypto.BackupKeyError as exc:
            raise BackupRefused(str(exc)) from exc


def _read_manifest(tmp: Path) -> dict:
    path = tmp / MANIFEST
    if not path.exists():
        raise BackupRefused("备份中没有 manifest.json：文件不完整或不是 Gongkai 备份")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"不认识的备份格式：{manifest.get('format')!r}")
    return manifest


def _check_signature(manifest: dict) -> None:
    signature = manifest.get("signature") or {}
    key = key_by_id(signature.get("key_id", ""))
    if key is None:
        raise BackupRefused(f"清单签名所用的审计密钥 {signature.get('key_id')} 未配置：无法确认备份未被篡改")
    expected = hmac.new(key.secret, _canonical(manifest), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.get("hmac", "")):
        raise BackupRefused("清单签名无效：备份清单被篡改")


def _check_files(manifest: dict, tmp: Path) -> None:
    present = {p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file()} - {MANIFEST}
    listed = set(manifest["files"])
    for name in sorted(listed - present):
        raise BackupRefused(f"备份中缺少清单所列的文件 {name}：备份不完整")
    for name in sorted(present - listed):
        raise BackupRefused(f"备份中有清单未列出的文件 {name}：备份被篡改")
    for name in sorted(listed):
        expected = manifest["files"][name]
        path = tmp / name
        if path.stat().st_size != expected["size"] or _sha256_file(path) != expected["sha256"]:
            raise BackupRefused(f"文件 {name} 的 SHA-256 与清单不符：备份被篡改或损坏")


def nonempty_tables() -> list[str]:
    """The tables of this instance that hold data (those filled by `migrate` itself do not count)."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    connection = connections["default"]
    existing = set(connection.introspection.table_names())
    filled_by_migrate = {ContentType._meta.db_table, Permission._meta.db_table}
    found = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if (
            not model._meta.managed
            or model._meta.proxy
            or table in filled_by_migrate
            or table not in existing
        ):
            continue
        if table not in found and model._base_manager.using("default").exists():
            found.append(table)
    return sorted(found)


def _check_empty(media_root: Path) -> None:
    tables = nonempty_tables()
    if tables:
        shown = "、".join(tables[:8]) + ("等" if len(tables) > 8 else "")
        raise BackupRefused(
            f"目标实例不是空的（表 {shown} 中已有数据）：只能恢复到空实例。请新建一个空数据库（可以已执行 migrate）"
            "并清空媒体目录后再恢复，不要覆盖正在使用的实例"
        )
    if _media_files(media_root):
        raise BackupRefused(f"媒体目录 {media_root} 中已有文件：只能恢复到空实例")


def _restore_database(manifest: dict, tmp: Path) -> dict:
    kind = manifest["engine"]
    dump = tmp / manifest["database"]
    connections.close_all()
    if kind == "sqlite":
        target = database.sqlite_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        database.sqlite_copy_into(dump, target)
        return database.sqlite_table_stats(target)
    params = database.pg_params()
    has_tables = bool(connections["default"].introspection.table_names())
    connections.close_all()
    database.pg_restore(params, dump, clean=has_tables)
    return database.pg_current_stats(params)


def _compare_tables(expected: dict, actual: dict) -> list[str]:
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(f"恢复后多出表 {table}")
        elif got is None:
            problems.append(f"恢复后缺少表 {table}")
        elif want["rows"] != got["rows"]:
            problems.append(f"表 {table} 应有 {want['rows']} 行，恢复后 {got['rows']} 行")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"表 {table} 的内容摘要与清单不符")
    return problems


def _restore_media(manifest: dict, tmp: Path, media_root: Path) -> list[str]:
    problems = []
    for name, expected in sorted(manifest["files"].items()):
        if not name.startswith("media/"):
            continue
        target = media_root / name[len("media/") :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(tmp / name, target)
        if _sha256_file(target) != expected["sha256"]:
            problems.append(f"媒体文件 {name} 恢复后的 SHA-256 与清单不符")
    return problems


def search_probe_failures(limit: int = SEARCH_PROBES) -> tuple[int, list[int]]:
    """Search for the titles of up to `limit` public items spread over the catalog; the ids not found."""
    ids = list(public_disclosures().order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0, []
    step = max(1, len(ids) // limit)
    sample = ids[::step][:limit]
    titles = dict(public_disclosures().filter(pk__in=sample).values_list("pk", "title"))
    missing = []
    for pk in sample:
        results = search(scope=public_disclosures(), q=titles[pk], per_page=1000)
        found = {hit.disclosure.pk for hit in results.hits}
        if results.exact is not None:
            found.add(results.exact.pk)
        if pk not in found:
            missing.append(pk)
    return len(sample), missing


def migration_warnings() -> list[str]:
    """What the restored schema says about the code: migrations still to run, or migrations the code lacks."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connections["default"], ignore_no_migrations=True)
    applied, on_disk = set(loader.applied_migrations), set(loader.disk_migrations)
    warnings = []
    if unknown := sorted(applied - on_disk):
        shown = "、".join(f"{app}.{name}" for app, name in unknown[:5])
        warnings.append(f"备份来自更新的版本（本程序没有迁移 {shown}）：请先升级程序再启用本实例")
    if pending := sorted(on_disk - applied):
        warnings.append(f"备份来自较旧的版本，还有 {len(pending)} 个迁移未执行：请运行 gongkai migrate")
    return warnings


def backup_restore(*, archive: Path, work_dir: Path | None = None) -> RestoreReport:
    """Restore `archive` into this (empty) instance and verify it. Raises BackupRefused before any change, or
    RestoreVerificationFailed when the restored instance does not match the manifest."""
    from gongkai.audit.services import audit_verify_full

    archive = Path(archive)
    if not archive.is_file():
        raise BackupRefused(f"找不到备份文件 {archive}")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="gongkai-restore-") as tmp_name:
        tmp = Path(tmp_name)
        _extract(archive, tmp)
        manifest = _read_manifest(tmp)
        missing = missing_keys(manifest.get("keys", {}), instance_fingerprints())
        if missing:
            raise BackupRefused("；".join(missing))
        _check_signature(manifest)
        _check_files(manifest, tmp)
        if manifest["engine"] != database.engine():
            raise BackupRefused(
                f"这是 {manifest['engine']} 的备份，本实例使用 {database.engine()}：请恢复到同一种数据库"
            )
        _check_empty(media_root)

        report = RestoreReport(manifest=manifest)
        actual = _restore_database(manifest, tmp)
        problems = _compare_tables(manifest["tables"], actual)
        problems += _restore_media(manifest, tmp, media_root)
    report.tables = len(actual)
    report.rows = sum(t["rows"] for t in actual.values())
    report.files = sum(1 for name in manifest["files"] if name.startswith("media/"))

    checkpoint = Checkpoint(**manifest["audit_checkpoint"])
    signature = checkpoint.signature_problem()
    if signature:
        problems.append(f"备份中的审计检查点{signature}")
    result = audit_verify_full(checkpoints=[checkpoint])
    report.audit_rows = result.checked
    problems += [
        f"审计日志{'记录 #' + str(p.event_id) + '：' if p.event_id else '：'}{p.message}"
        for p in result.problems
    ]

    report.search_probes, not_found = search_probe_failures()
    if not_found:
        reindex_all()
        report.reindexed = True
        _probes, not_found = search_probe_failures()
        if not_found:
            problems.append(f"重建索引后仍搜索不到信息 {not_found}")
    if problems:
        raise RestoreVerificationFailed(problems)
    report.warnings += migration_warnings()
    append_checkpoint(checkpoint)  # the restored instance's checkpoint history starts at the backup's state
    return report
