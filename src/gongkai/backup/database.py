"""Consistent snapshots of the database, and per-table row counts and content digests of a snapshot.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the live file in one step, inside one read
transaction, while writers go on in the WAL. PostgreSQL: a REPEATABLE READ transaction exports its snapshot and
`pg_dump --snapshot` dumps exactly that state, while the same transaction counts and digests the tables; a
transaction that commits meanwhile is either wholly in the backup or wholly out of it.

A table's digest does not depend on row order: it is the sum, modulo 2**256, of the SHA-256 of each row's
canonical text (SQLite: the Python repr of the row's values; PostgreSQL: the row's text form under fixed
DateStyle, TimeZone and float settings). The same functions digest the restored database.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

MODULUS = 2**256


class DatabaseToolError(Exception):
    pass


def engine() -> str:
    vendor = settings.DATABASES["default"]["ENGINE"]
    if vendor.endswith("sqlite3"):
        return "sqlite"
    if vendor.endswith("postgresql"):
        return "postgresql"
    raise DatabaseToolError(f"不支持备份此数据库引擎：{vendor}")


def _digest_rows(rows) -> tuple[int, str]:
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + int.from_bytes(hashlib.sha256(row.encode()).digest(), "big")) % MODULUS
    return count, f"{total:064x}"


# ---- SQLite ----------------------------------------------------------------------------------------------------


def sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def sqlite_snapshot(source: Path, target: Path) -> None:
    """Copy the live database at `source` into a new file `target`, consistently, in one step."""
    if not Path(source).is_file():
        raise DatabaseToolError(f"找不到数据库文件 {source}：没有可备份的数据")
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages=-1: the whole database in one step, one read transaction
    finally:
        dst.close()
        src.close()


def sqlite_copy_into(source: Path, target: Path) -> None:
    """Write the database file `source` over the database at `target` (used by restore; the target is empty)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]


def sqlite_table_stats(path: Path) -> dict[str, dict]:
    conn = sqlite3.connect(path)
    try:
        conn.execute("BEGIN")  # one read snapshot for every table
        stats = {}
        for table in sqlite_tables(conn):
            quoted = '"' + table.replace('"', '""') + '"'
            rows = (repr(row) for row in conn.execute(f"SELECT * FROM {quoted}"))  # noqa: S608 - our table names
            count, digest = _digest_rows(rows)
            stats[table] = {"rows": count, "sha256": digest}
        conn.execute("COMMIT")
        return stats
    finally:
        conn.close()


# ---- PostgreSQL ------------------------------------------------------------------------------------------------


def pg_params(database: dict | None = None) -> dict[str, str]:
    db = database or settings.DATABASES["default"]
    params = {"dbname": db["NAME"]}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if db.get(key):
            params[name] = str(db[key])
    return params


def pg_env(params: dict[str, str]) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    names = {
        "dbname": "PGDATABASE",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
    }
    for key, value in params.items():
        env[names[key]] = value
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise DatabaseToolError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：apt install postgresql-client）"
        )
    return path


def _pg_session(conn) -> None:
    conn.execute("SET DateStyle = 'ISO, YMD'")
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("SET IntervalStyle = 'iso_8601'")
    conn.execute("SET extra_float_digits = 3")
    conn.execute("SET bytea_output = 'hex'")


def pg_tables(conn) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ]


def pg_table_stats(conn) -> dict[str, dict]:
    from psycopg import sql

    stats = {}
    for table in pg_tables(conn):
        query = sql.SQL("SELECT t::text FROM {} AS t").format(sql.Identifier(table))
        with conn.cursor(name=f"digest_{len(stats)}") as cursor:
            cursor.itersize = 5000
            cursor.execute(query)
            count, digest = _digest_rows(row[0] for row in cursor)
        stats[table] = {"rows": count, "sha256": digest}
    return stats


@contextmanager
def pg_snapshot_transaction(params: dict[str, str]):
    """A read-only REPEATABLE READ transaction; yields (connection, exported snapshot id)."""
    import psycopg

    conn = psycopg.connect(**params, autocommit=False)
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot_id = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _pg_session(conn)
        yield conn, snapshot_id
        conn.rollback()
    finally:
        conn.close()


def pg_dump(params: dict[str, str], snapshot_id: str, target: Path) -> None:
    result = subprocess.run(
        [
            pg_tool("pg_dump"),
            "-Fc",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot_id}",
            "-f",
            str(target),
        ],
        env=pg_env(params),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DatabaseToolError(f"pg_dump 失败：{result.stderr.strip()}")


def pg_restore(params: dict[str, str], dump: Path, *, clean: bool) -> None:
    args = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        args += ["--clean", "--if-exists"]
    args += ["-d", params["dbname"], str(dump)]
    result = subprocess.run(args, env=pg_env(params), capture_output=True, text=True)
    if result.returncode != 0:
        raise DatabaseToolError(f"pg_restore 失败：{result.stderr.strip()}")


def pg_current_stats(params: dict[str, str]) -> dict[str, dict]:
    with pg_snapshot_transaction(params) as (conn, _snapshot):
        return pg_table_stats(conn)
