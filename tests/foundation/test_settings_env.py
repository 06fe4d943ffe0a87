"""Environment-driven settings: DATABASE_URL and the typed helpers fail loudly on a bad value."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.core.env import database_from_env, env_bool, env_choice, env_list

DEFAULT = Path("/srv/gongkai/var/gongkai.sqlite3")


def parse(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    return database_from_env("DATABASE_URL", DEFAULT)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x", "DATABASE_URL='mysql://x' is not a database URL Gongkai understands"),
        ("postgres://", "DATABASE_URL='postgres://': the database name is missing"),
        ("sqlite://relative", "DATABASE_URL='sqlite://relative': give an absolute path"),
        ("sqlite://", "DATABASE_URL='sqlite://': give an absolute path"),
        ("not a url", "is not a database URL Gongkai understands"),
    ],
)
def test_a_malformed_database_url_is_refused_with_a_precise_message(monkeypatch, url, message):
    with pytest.raises(ImproperlyConfigured) as caught:
        parse(monkeypatch, url)
    assert message in str(caught.value)


def test_the_refusal_of_an_unknown_scheme_shows_the_accepted_forms(monkeypatch):
    with pytest.raises(
        ImproperlyConfigured, match=r"sqlite:///absolute/path/to/file\.sqlite3 or postgres://"
    ):
        parse(monkeypatch, "mysql://x")


def test_a_relative_sqlite_path_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="absolute path"):
        parse(monkeypatch, "sqlite:///relative.db")


def test_a_postgres_url_parses(monkeypatch):
    config = parse(monkeypatch, "postgres://gongkai:s3cret@db.internal:5433/gongkai")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "gongkai",
        "s3cret",
        "db.internal",
        5433,
        "gongkai",
    )
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("scheme", ["postgresql", "pgsql"])
def test_the_other_postgres_schemes_parse(monkeypatch, scheme):
    assert parse(monkeypatch, f"{scheme}://u@h/db")["ENGINE"] == "django.db.backends.postgresql"


def test_an_absolute_sqlite_url_parses_with_the_tuned_options(monkeypatch):
    config = parse(monkeypatch, "sqlite:////srv/gongkai/db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/gongkai/db.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_the_sqlite_default_has_wal_a_busy_timeout_and_immediate_transactions(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env("DATABASE_URL", DEFAULT)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(DEFAULT)
    options = config["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert "PRAGMA busy_timeout=" in options["init_command"]
    assert options["timeout"] >= 5


def test_a_blank_database_url_means_the_default(monkeypatch):
    assert parse(monkeypatch, "  ")["NAME"] == str(DEFAULT)


def test_each_sqlite_config_gets_its_own_options_dict(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = database_from_env("DATABASE_URL", DEFAULT)
    first["OPTIONS"]["timeout"] = 1
    assert database_from_env("DATABASE_URL", DEFAULT)["OPTIONS"]["timeout"] != 1


def test_the_running_sqlite_database_is_tuned(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite tuning")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False), ("", False)]
)
def test_env_bool_reads_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("GK_FLAG", raw)
    assert env_bool("GK_FLAG") is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("GK_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="GK_FLAG='maybe'"):
        env_bool("GK_FLAG")


def test_env_choice_refuses_an_unknown_password_policy(monkeypatch):
    monkeypatch.setenv("GONGKAI_PASSWORD_POLICY", "lax")
    with pytest.raises(ImproperlyConfigured, match="expected one of dengbao, asvs"):
        env_choice("GONGKAI_PASSWORD_POLICY", "dengbao", ("dengbao", "asvs"))


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("GK_HOSTS", " gongkai.example , ,intranet ")
    assert env_list("GK_HOSTS", []) == ["gongkai.example", "intranet"]


def run_gongkai(*args, **env_vars):
    env = {**os.environ, **env_vars}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_gongkai_check_stops_on_a_malformed_database_url():
    result = run_gongkai("check", DATABASE_URL="mysql://x")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL='mysql://x' is not a database URL Gongkai understands" in result.stderr


def test_gongkai_check_stops_on_a_retention_below_180_days():
    result = run_gongkai(
        "check",
        GONGKAI_AUDIT_RETENTION_DAYS="179",
        DATABASE_URL="sqlite:////tmp/gongkai-foundation-check.sqlite3",
    )
    assert result.returncode != 0
    assert "GONGKAI_AUDIT_RETENTION_DAYS=179: must be at least 180" in result.stderr
