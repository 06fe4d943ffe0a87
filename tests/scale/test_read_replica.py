"""Anonymous public reads go to a real PostgreSQL streaming replica, everything else to the primary, and a reader
who has just written reads from the primary while the replica lags (core.dbrouter).

The test makes its own primary and replica (tests/scale/pgcluster.py: initdb, pg_basebackup -R) on free ports,
runs Gongkai's migrations on the primary, and drives tests/scale/replica_probe.py in another process configured
with DATABASE_URL and DATABASE_REPLICA_URL. Replica lag is made real by pausing the replica's WAL replay. It is
skipped, saying why, where the PostgreSQL server binaries are not installed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scale import pgcluster

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.skipif(pgcluster.why_unavailable() is not None, reason=str(pgcluster.why_unavailable())),
    # It builds its own primary and replica whatever the suite's database, so it runs once: in the PostgreSQL
    # run (DATABASE_URL=postgres://…), which CI always makes.
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs in the PostgreSQL run of the suite (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.xdist_group("pg_replica"),  # one pair of clusters per run, on one worker
]


@pytest.fixture(scope="module")
def clusters():
    made = pgcluster.PrimaryWithReplica()
    try:
        yield made.start()
    finally:
        made.stop()


@pytest.fixture(scope="module")
def gongkai_env(clusters, tmp_path_factory):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GONGKAI_", "DATABASE_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=clusters.url("primary"),
        DATABASE_REPLICA_URL=clusters.url("replica"),
        DJANGO_SETTINGS_MODULE="gongkai.settings",
        GONGKAI_DATA_DIR=str(tmp_path_factory.mktemp("replica-data")),
        GONGKAI_PAGE_CACHE_SECONDS="0",
        GONGKAI_REPLICA_LAG_SECONDS="300",  # longer than the test: the lag window must not run out under load
        PROBE_REPLICA_CONNINFO=clusters.conninfo("replica"),
    )
    migrate = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "gongkai.cli", "migrate", "--noinput"],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    clusters.wait_replayed()
    return env


def _replica_scalar(clusters, statement: str):
    import psycopg

    with psycopg.connect(clusters.conninfo("replica"), autocommit=True) as conn:
        return conn.execute(statement).fetchone()[0]


def test_migrations_ran_on_the_primary_and_reached_the_replica_by_replication(clusters, gongkai_env):
    # The replica is read-only (in recovery): the tables it has came from the primary's WAL, not from migrate.
    assert _replica_scalar(clusters, "SELECT pg_is_in_recovery()") is True
    assert _replica_scalar(clusters, "SELECT count(*) FROM django_migrations") > 50
    assert _replica_scalar(clusters, "SELECT to_regclass('catalog_disclosure') IS NOT NULL") is True


def test_public_reads_hit_the_replica_writes_the_primary_and_the_writer_reads_the_primary_during_lag(
    clusters, gongkai_env
):
    probe = subprocess.Popen(
        [str(VENV_BIN / "python"), str(HERE / "replica_probe.py")],
        env=gongkai_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert probe.stdout.readline().strip() == "READY_FOR_REPLAY", probe.stderr.read()
        clusters.wait_replayed()
        probe.stdin.write("\n")
        probe.stdin.flush()
        assert probe.stdout.readline().strip() == "RESUMED", probe.stderr.read()
        clusters.wait_replayed()
        probe.stdin.write("\n")
        probe.stdin.flush()
        out, err = probe.communicate(timeout=300)
    finally:
        if probe.poll() is None:
            probe.kill()
    assert probe.returncode == 0, err
    seen = json.loads(out.strip().splitlines()[-1])

    assert seen["replica_alias_in_recovery"] is True
    assert seen["default_alias_in_recovery"] is False

    # Anonymous public pages and the public API: every read on the replica, none on the primary (the API's
    # rate counter is a write, to the cache table on the primary).
    for page in ("anonymous_first_item", "anonymous_catalog", "anonymous_api"):
        assert seen[page]["status"] == 200, (page, seen[page])
        assert seen[page]["queries"]["replica"] > 0, (page, seen[page])
        assert seen[page]["queries"]["default_reads"] == 0, (page, seen[page])
    assert seen["anonymous_first_item"]["queries"]["default"] == 0
    assert seen["anonymous_catalog"]["queries"]["default"] == 0

    # The approval (a write request): every query on the primary; it published the item there.
    assert seen["approve"]["status"] == 302
    assert seen["approve"]["queries"]["replica"] == 0
    assert seen["approve"]["queries"]["default"] > 0
    assert seen["published_on_primary"] == "published"
    assert seen["wrote_cookie_set"] is True

    # While the replica has not replayed the publication …
    assert seen["replica_status_lagging"] != "published"
    assert seen["anonymous_new_item_lagging"]["status"] == 404  # … an anonymous reader does not see it yet,
    assert seen["anonymous_new_item_lagging"]["queries"]["default"] == 0
    assert seen["approver_item"]["status"] == 200  # … the approver (logged in) does, from the primary,
    assert seen["approver_item"]["queries"]["replica"] == 0
    assert seen["writer_cookie_item"]["status"] == 200  # … and so does the writer's signed cookie alone,
    assert seen["writer_cookie_item"]["queries"]["replica"] == 0
    assert seen["forged_cookie_item"]["status"] == 404  # … but not a forged one.

    # Once replayed, the anonymous reader sees it, still from the replica.
    assert seen["anonymous_new_item_replayed"]["status"] == 200
    assert seen["anonymous_new_item_replayed"]["queries"]["default"] == 0
