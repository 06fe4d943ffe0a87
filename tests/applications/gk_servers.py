"""Real Gongkai servers for the hardening tests: threaded WSGI servers (gk_wsgi_server.py) in separate processes
on the test's database, and HTTP clients that behave like browsers (fetch the form, wait, submit).

SQLite: the migrated in-memory test database is copied into a file (the online backup API) that the servers
open with the production settings (WAL, BEGIN IMMEDIATE). PostgreSQL: the servers use the test database
itself (the tests are transactional, so what they set up is committed)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Database:
    """The database the servers use, and raw SQL on it from the test."""

    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        # The cache table is no model: transactional tests' flush leaves earlier tests' counts in it.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM gongkai_cache")
        if self.vendor == "sqlite":
            self.path = tmp_path / "gongkai.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            params = connection.settings_dict
            host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
            user = params.get("USER") or "postgres"
            self.url = f"postgres://{user}@{host}:{port}/{params['NAME']}"

    def rows(self, sql: str, params=()) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as db:
                return db.execute(sql, params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_servers(database: Database, tmp_path: Path, count: int = 2, **env_overrides) -> list[Server]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "DATABASE_URL": database.url,
        "GONGKAI_DATA_DIR": str(tmp_path / "data"),
        "GONGKAI_SECRET_KEY": settings.SECRET_KEY,
        "GONGKAI_TRACKING_KEYS": "hardening-tests-tracking-key",
        "GONGKAI_APPLY_MIN_FILL_SECONDS": "1",
        "GONGKAI_LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("GONGKAI_REDIS_URL", None)
    env.update({k: str(v) for k, v in env_overrides.items()})
    servers = []
    for index in range(count):
        port = free_port()
        log = tmp_path / f"server-{index}.log"
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("gk_wsgi_server.py")), str(port)],
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        servers.append(Server(process, port, log))
    deadline = time.monotonic() + 120
    for server in servers:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited: {server.log.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {server.log.read_text()[-3000:]}") from None
                time.sleep(0.2)
    return servers


def stop_servers(servers: list[Server]) -> None:
    for server in servers:
        server.process.terminate()
    for server in servers:
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@dataclass
class Reply:
    status: int
    body: str
    headers: dict


class Browser:
    """One applicant's browser: its own cookies (CSRF), the form fetched before it is sent."""

    def __init__(self, base: str, *, forwarded_for: str | None = None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.forwarded_for = forwarded_for

    def _open(self, request) -> Reply:
        if self.forwarded_for:
            request.add_header("X-Forwarded-For", self.forwarded_for)
        try:
            with self.opener.open(request, timeout=120) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read().decode(errors="replace"), dict(exc.headers))

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict) -> Reply:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, method="POST"))

    def open_form(self, org: str = "qukou") -> dict:
        page = self.get(f"/org/{org}/apply/")
        assert page.status == 200, page.body[:500]
        return hidden_fields(page.body)

    def submit(self, fields: dict, hidden: dict, org: str = "qukou") -> Reply:
        return self.post(f"/org/{org}/apply/", {**hidden, **fields})


def hidden_fields(html: str) -> dict:
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            found[name.group(1)] = value.group(1) if value else ""
    return found


def case_number_of(reply: Reply) -> str | None:
    match = re.search(r'申请编号</th><td class="code-box">([^<]+)<', reply.body)
    return match.group(1).strip() if match else None


def applicant_fields(id_number: str, **overrides) -> dict:
    fields = {
        "applicant_type": "natural_person",
        "applicant_column": "",
        "name": "马文礼",
        "id_number": id_number,
        "phone": "13995012345",
        "address": "宁夏石嘴山市平罗县渠口乡六顷地村三队12号",
        "email": "",
        "info_title": "渠口乡2025年农村危房改造补助名单",
        "info_doc_no": "",
        "info_description": "",
        "provision_form": "electronic",
        "delivery": "pickup",
        "website": "",
        "consent": "on",
    }
    fields.update(overrides)
    return fields
