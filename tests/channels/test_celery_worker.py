"""The outbox on real Celery workers against the machine's Redis (broker db 2, results db 3): sends queued after
commit are delivered; a worker killed with SIGKILL in the middle of a batch leaves rows that the next worker
completes, every send delivered exactly once.

The instance runs as the operator runs it: its own data directory and SQLite file, `gongkai migrate`, the
`celery` command in its own process group; the fake SMS gateway runs here on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from channel_fakes import FakeSmsGateway

BROKER = "redis://127.0.0.1:6379/2"
RESULTS = "redis://127.0.0.1:6379/3"

pytestmark = [pytest.mark.xdist_group("redis-db-2-3")]

SEED = """
import json
from gongkai.channels import services
from gongkai.channels.adapters import Item
from gongkai.channels.models import ChannelTarget
from gongkai.orgs.models import OrgKind
from gongkai.orgs.services import org_insert
org = org_insert(parent=None, kind=OrgKind.TOWNSHIP, name="渠口乡人民政府", short_name="渠口乡", code="qukou")
target = ChannelTarget.objects.create(
    organisation=org, kind="sms_gateway", name="企信通",
    config={{"base_url": "{url}", "sign": "渠口乡", "template": "SMS_001"}},
    secrets=json.dumps({{"token": "gw-token", "mobiles": ["13800000001"]}}),
)
for n in range({count}):
    services.dispatch_enqueue(organisation=org, target=target, item=Item(
        id=n + 1, title=f"通知{{n + 1}}", url=f"http://127.0.0.1/item/{{n + 1}}/", organisation=org.name))
"""


def _redis_ready() -> bool:
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_timeout=1).ping()
        return True
    except redis.exceptions.ConnectionError:
        return False


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class Instance:
    """SQLite by default; its own PostgreSQL database (named after the suite's, suffix _celery) when the suite
    runs on PostgreSQL, so the claims take the SELECT … FOR UPDATE SKIP LOCKED path."""

    def __init__(self, root: Path):
        self.data_dir = root / "data"
        self.data_dir.mkdir()
        self.db = self.data_dir / "gongkai.sqlite3"
        self.pg_url = None
        if _postgres_url():
            parts = urlsplit(_postgres_url())
            self.pg_name = parts.path.lstrip("/") + "_celery"
            self._pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self._pg_admin(f'CREATE DATABASE "{self.pg_name}"')
            self.pg_url = urlunsplit(parts._replace(path=f"/{self.pg_name}"))
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")},
            "DJANGO_SETTINGS_MODULE": "gongkai.settings",
            "GONGKAI_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.pg_url or f"sqlite:///{self.db}",
            "GONGKAI_CELERY_BROKER_URL": BROKER,
            "GONGKAI_CELERY_RESULT_BACKEND": RESULTS,
            "GONGKAI_DISPATCH_LEASE_SECONDS": "3",
            "GONGKAI_DISPATCH_SWEEP_SECONDS": "1",
        }
        self.workers: list[subprocess.Popen] = []

    def gongkai(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "gongkai.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def worker(self, name: str, *, beat: bool = False) -> subprocess.Popen:
        args = [sys.executable, "-m", "celery", "-A", "gongkai.celery_app", "worker", "-n", f"{name}@%h"]
        args += ["--concurrency", "2", "--pool", "prefork", "--loglevel", "WARNING", "--without-gossip"]
        if beat:
            args += ["--beat", "--schedule", str(self.data_dir / "beat-schedule")]
        log = open(self.data_dir / f"{name}.log", "wb")  # noqa: SIM115  (closed with the process)
        process = subprocess.Popen(args, env=self.env, stdout=log, stderr=log, start_new_session=True)
        self.workers.append(process)
        return process

    @staticmethod
    def _pg_admin(sql: str) -> None:
        import psycopg

        parts = urlsplit(_postgres_url())
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(sql)

    def _query(self, sql: str) -> list[tuple]:
        if self.pg_url:
            import psycopg

            with psycopg.connect(self.pg_url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10) as conn:
            return conn.execute(sql).fetchall()

    def statuses(self) -> dict[str, int]:
        return dict(self._query("SELECT status, count(*) FROM channels_dispatch GROUP BY status"))

    def dispatch_keys(self) -> list[str]:
        return [k for (k,) in self._query("SELECT key FROM channels_dispatch ORDER BY id")]

    def log(self, name: str) -> str:
        path = self.data_dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self):
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        if self.pg_url:
            self._pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def _wait(condition, *, seconds: float, what: str):
    """Poll until `condition` holds; generous limits: a worker's start-up on a loaded machine takes tens of
    seconds (this checks what is delivered, never how fast)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_dbs():
    if not _redis_ready():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    import redis

    for url in (BROKER, RESULTS):
        redis.Redis.from_url(url).flushdb()
    yield
    for url in (BROKER, RESULTS):
        redis.Redis.from_url(url).flushdb()


@pytest.fixture
def gateway():
    server = FakeSmsGateway().start()
    yield server
    server.stop()


@pytest.fixture
def instance(tmp_path, redis_dbs):
    instance = Instance(tmp_path)
    instance.gongkai("migrate", "--noinput", "-v", "0")
    yield instance
    instance.stop()


def _sends_per_key(gateway) -> dict[str, int]:
    counts: dict[str, int] = {}
    for request in gateway.requests:
        if request["path"] == "/send":
            key = request["headers"]["idempotency-key"]
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_a_celery_worker_delivers_the_sends_queued_after_commit(instance, gateway):
    instance.gongkai("shell", "-c", SEED.format(url=gateway.url, count=3))
    instance.worker("one")  # no beat: only the tasks queued on commit can bring the sends to it
    _wait(
        lambda: instance.statuses() == {"confirmed": 3}, seconds=240, what=f"3 sends\n{instance.log('one')}"
    )
    assert _sends_per_key(gateway) == {key: 1 for key in instance.dispatch_keys()}
    assert len(gateway.sent) == 3


def test_a_worker_killed_mid_batch_leaves_sends_the_next_worker_completes_exactly_once(instance, gateway):
    count = 12
    instance.gongkai("shell", "-c", SEED.format(url=gateway.url, count=count))
    # the fifth send reaches the gateway, is recorded, and hangs: the worker dies with it in flight
    gateway.hold_after = 5
    first = instance.worker("first")
    _wait(lambda: len(gateway.requests) >= 5, seconds=240, what=f"the first sends\n{instance.log('first')}")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    before = instance.statuses()
    assert before.get("confirmed", 0) < count, before  # the kill happened mid-batch
    gateway.hold_after = None
    instance.worker("second", beat=True)  # beat's sweep finds the lapsed claims and the unsent rows
    _wait(
        lambda: instance.statuses() == {"confirmed": count},
        seconds=300,
        what=f"every send confirmed (now {instance.statuses()})\n{instance.log('second')}",
    )
    sends = _sends_per_key(gateway)
    assert sends == {key: 1 for key in instance.dispatch_keys()}, sends  # one request per send, none repeated
    assert len(gateway.sent) == count
    assert any(
        r["path"] == "/status" for r in gateway.requests
    )  # the interrupted send was checked, not resent
