"""A Gongkai instance run as the operator runs it: the `gongkai` command in its own process, with its own data
directory and database (a SQLite file, or a PostgreSQL database the test creates)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gongkai.backup import crypto

SECRET_KEY = "test-instance-secret-key-" + "x" * 40


def postgres_base_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def postgres_url_for(name: str) -> str:
    parts = urlsplit(postgres_base_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url_for("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def postgres_database_name(suffix: str) -> str:
    return f"{urlsplit(postgres_base_url()).path.lstrip('/')}_{suffix}"


class Instance:
    def __init__(self, root: Path, *, engine: str, name: str, **env):
        self.root = root
        self.data_dir = root / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = engine
        if engine == "postgresql":
            self.db_name = postgres_database_name(name)
            postgres_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            postgres_admin(f'CREATE DATABASE "{self.db_name}"')
            self.database_url = postgres_url_for(self.db_name)
        else:
            self.database_url = f"sqlite:///{self.data_dir / 'gongkai.sqlite3'}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "GONGKAI_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url,
            # The same SECRET_KEY (tracking codes) as every other test instance; the field and audit keys come from
            # tests/conftest.py through os.environ.
            "GONGKAI_SECRET_KEY": SECRET_KEY,
            **env,
        }

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / "gongkai.sqlite3"

    def drop(self) -> None:
        if self.engine == "postgresql":
            postgres_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def command(self, *args, **env) -> list[str]:
        return [sys.executable, "-m", "gongkai.cli", *args]

    def run(self, *args, check=True, **env) -> subprocess.CompletedProcess:
        result = subprocess.run(
            self.command(*args), env={**self.env, **env}, capture_output=True, text=True, timeout=900
        )
        if check and result.returncode != 0:
            raise AssertionError(f"gongkai {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(self, *args, **env) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args),
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def shell(self, code: str) -> str:
        return self.run("shell", "-c", code).stdout

    def json(self, code: str):
        """Run `code` in the instance; it must print one JSON document as its last line."""
        return json.loads(self.shell(code).strip().splitlines()[-1])


def read_manifest(archive: Path, key: str | None = None) -> dict:
    with open(archive, "rb") as handle:
        source = crypto.DecryptingReader(handle, crypto.parse_key(key)) if key else handle
        with tarfile.open(fileobj=source, mode="r|") as tar:
            for member in tar:
                if member.name == "manifest.json":
                    return json.loads(tar.extractfile(member).read())
    raise AssertionError("no manifest.json in the archive")


def rewrite_tar(archive: Path, target: Path, change) -> None:
    """Copy an unencrypted archive, passing each member's (name, bytes) through `change`."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else b""
            data = change(member.name, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
