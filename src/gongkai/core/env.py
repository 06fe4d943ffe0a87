"""Typed readers for environment variables. A bad value stops the process with a precise message."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value}: must be at least {minimum}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


# How long a SQLite writer waits for the lock before "database is locked" (seconds).
SQLITE_BUSY_SECONDS = env_int("GONGKAI_SQLITE_BUSY_TIMEOUT", 20, minimum=1)
# A SQLite connection is kept between requests: opening one costs ~3 ms of CPU (the PRAGMAs below, reading the
# schema again, a WAL checkpoint when the last one closes) and empties its page cache, which was most of an
# uncached public page's time (docs/performance.md, issue 16). Each gunicorn sync worker holds one.
SQLITE_CONN_MAX_AGE = env_int("GONGKAI_SQLITE_CONN_MAX_AGE", 600, minimum=0)
# Memory of each (kept) connection: its page cache, and how much of the file it maps. With 16 MB and no mapping a
# worker holds ~200 MB at a million items (≤ 190 MB of its own) and no page is slower than with 64 MB and a 128 MB
# map, which made every worker hold ~350 MB (bench/bench_http.py; docs/performance.md). An import may ask for more.
SQLITE_CACHE_MB = env_int("GONGKAI_SQLITE_CACHE_MB", 16, minimum=2)
SQLITE_MMAP_MB = env_int("GONGKAI_SQLITE_MMAP_MB", 0, minimum=0)

SQLITE_OPTIONS = {
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_SECONDS,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000};"
        "PRAGMA temp_store=MEMORY;"
        f"PRAGMA mmap_size={SQLITE_MMAP_MB * 1024 * 1024};"
        f"PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024};"  # in KiB when negative (SQLite's default is 2 MiB)
    ),
}


def database_from_env(name: str, default_sqlite_path: Path) -> dict:
    """Read DATABASE_URL (sqlite:///absolute/path or postgres://…); default to a SQLite file."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": dict(SQLITE_OPTIONS),
            "CONN_MAX_AGE": SQLITE_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a database URL Gongkai understands: "
            "use sqlite:///absolute/path/to/file.sqlite3 or postgres://user:password@host:port/dbname"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for malformed URLs
        raise ImproperlyConfigured(f"{name}={raw!r} is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME") or config["NAME"] == ":memory:" or not Path(config["NAME"]).is_absolute():
            raise ImproperlyConfigured(
                f"{name}={raw!r}: give an absolute path, sqlite:////srv/gongkai/db.sqlite3"
            )
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
        config["CONN_MAX_AGE"] = SQLITE_CONN_MAX_AGE
    elif not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={raw!r}: the database name is missing")
    return config
