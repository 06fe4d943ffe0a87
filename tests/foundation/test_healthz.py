"""/healthz: database reachable, migrations applied, disk space (core.health)."""

from collections import namedtuple

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler

from gongkai.core import health


def test_healthy_instance_answers_200_with_each_check(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "migrations": True,
        "disk": True,
    }
    assert "no-store" in response["Cache-Control"]


def test_unapplied_migration_fails_the_probe(client, db):
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s", ["catalog", "0001_initial"]
        )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "detail": "1 unapplied"}


def test_full_disk_fails_the_probe(client, db, settings, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(
        health.shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 50 * 2**20, 50 * 2**20)
    )
    settings.HEALTH_MIN_FREE_MB = 200
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == {"ok": False, "detail": "50 MB free (minimum 200 MB)"}


def test_unreachable_database_fails_without_a_500(client, db, monkeypatch, tmp_path):
    # a real driver error: SQLite cannot open a file in a folder that does not exist
    unreachable = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "gone" / "db.sqlite3")}}
    )
    monkeypatch.setattr(health, "connections", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": False, "detail": "unreachable: OperationalError"}
    assert checks["migrations"]["ok"] is False


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
