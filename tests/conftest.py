"""Named actors shared by every test: a county with two townships, a village, and staff in each role; the demo
township built once per run; and the clock, frozen where a test depends on today's date."""

import contextlib
import datetime as dt
import itertools
import os
import secrets
import sqlite3
import zoneinfo
from io import StringIO
from pathlib import Path

import hypothesis
import pytest
import time_machine
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from gongkai.accounts.models import User
from gongkai.orgs.models import Membership, OrgKind, Role
from gongkai.orgs.services import org_insert

# No test asserts a timing (speed is measured in bench/): hypothesis's per-example deadline would be one, and it
# fails at random on a loaded two-core machine.
hypothesis.settings.register_profile("gongkai", deadline=None)
hypothesis.settings.load_profile("gongkai")

PASSWORD = "Test-Passw0rd-2026"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One field-encryption key for the whole run (module-scoped data must stay readable); never the developer's.
os.environ["GONGKAI_FIELD_KEYS"] = Fernet.generate_key().decode()
# Likewise the audit chain's key (gongkai.audit.keys).
os.environ["GONGKAI_AUDIT_KEYS"] = secrets.token_urlsafe(32)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# ---- the clock -------------------------------------------------------------------------------------------------


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help="run the whole session as if today were this date (10:00 in Asia/Shanghai, the clock ticking): "
        "shows which tests depend on the real date and need @pytest.mark.today",
    )


def _morning_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def pytest_configure(config):
    value = config.getoption("--today", default=None)
    if value:
        traveller = time_machine.travel(_morning_of(_as_date(value)), tick=True)
        traveller.start()
        config.stash[_SESSION_TRAVEL] = traveller


def pytest_unconfigure(config):
    traveller = config.stash.get(_SESSION_TRAVEL, None)
    if traveller is not None:
        traveller.stop()


_SESSION_TRAVEL = pytest.StashKey()


@pytest.fixture(autouse=True)
def frozen_today(request):
    """The date the test runs on. Under `@pytest.mark.today("2026-06-15")` (on a test, a class or a module's
    pytestmark) the clock is moved to 10:00 of that day in Asia/Shanghai and keeps ticking, so timestamps
    still increase; without the marker it is the real date (or the one given with --today). Module- and
    class-scoped fixtures are built before the marker applies: they must not depend on the date."""
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield dt.datetime.now(SHANGHAI).date()
        return
    day = _as_date(marker.args[0])
    with time_machine.travel(_morning_of(day), tick=True):
        yield day


@pytest.fixture(autouse=True)
def _isolated_and_fast(settings, tmp_path):
    """Every test: a throw-away media folder, an empty cache, and cheap password hashing (Argon2 costs
    ~0.2 s a hash; the tests about Argon2 put the real hashers back)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    # One process's memory: tests without database access still run (the shared DatabaseCache/Redis of
    # settings.CACHES are tested in tests/applications/test_hardening_formguard.py).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    # The public-page cache is off except where a test turns it on (tests/portal/test_page_cache.py): the
    # `db` fixture's transaction never commits, so the after-commit invalidation never runs in other tests.
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    if "pages" in django_settings.CACHES:  # a test may have put in CACHES of its own without it
        caches["pages"].clear()


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_truncate_guard():
    """PostgreSQL refuses TRUNCATE of the audit log (audit migration 0004); the test database's flush after a
    transactional test truncates every table, so it runs as a replica session, which fires no trigger (only
    a superuser, as the test database's owner here is, may set that)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


def make_user(username: str, *, organisation=None, role=None, **fields) -> User:
    user = User(username=username, display_name=fields.pop("display_name", username), **fields)
    user.set_password(PASSWORD)
    user.save()
    if organisation is not None and role is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def county(db):
    return org_insert(
        parent=None,
        kind=OrgKind.COUNTY,
        name="平罗县人民政府",
        short_name="平罗县",
        code="pingluo",
        region_code="640221",
    )


@pytest.fixture
def township(county):
    return org_insert(
        parent=county,
        kind=OrgKind.TOWNSHIP,
        name="渠口乡人民政府",
        short_name="渠口乡",
        code="qukou",
        address="石嘴山市平罗县渠口乡301省道以北渠口村四队",
        postcode="753400",
        phone="0952-6860685",
        email="qukouzhengfu@163.com",
    )


@pytest.fixture
def village(township):
    return org_insert(
        parent=township, kind=OrgKind.VILLAGE, name="渠口乡渠口村", short_name="渠口村", code="qukoucun"
    )


@pytest.fixture
def other_township(county):
    return org_insert(
        parent=county, kind=OrgKind.TOWNSHIP, name="通伏乡人民政府", short_name="通伏乡", code="tongfu-xiang"
    )


@pytest.fixture
def admin(township):
    return make_user("admin", organisation=township, role=Role.ADMIN, display_name="乡管理员")


@pytest.fixture
def clerk(township):
    return make_user("clerk", organisation=township, role=Role.CLERK, display_name="乡经办人")


@pytest.fixture
def reviewer(township):
    return make_user("reviewer", organisation=township, role=Role.REVIEWER, display_name="乡审核人")


@pytest.fixture
def village_clerk(village):
    return make_user("village_clerk", organisation=village, role=Role.VILLAGE_CLERK, display_name="村信息员")


@pytest.fixture
def other_township_admin(other_township):
    return make_user("other_admin", organisation=other_township, role=Role.ADMIN, display_name="外乡管理员")


@pytest.fixture
def other_township_clerk(other_township):
    return make_user("other_clerk", organisation=other_township, role=Role.CLERK, display_name="外乡经办人")


@pytest.fixture(params=["clerk", "admin"])
def other_township_staff(request, other_township):
    """Staff of the other township, once as its clerk and once as its admin: a refusal across organisations
    must hold for the weaker role and for the strongest."""
    return request.getfixturevalue(f"other_township_{request.param}")


@pytest.fixture
def county_viewer(county):
    return make_user("county_viewer", organisation=county, role=Role.READONLY, display_name="县督查")


@pytest.fixture
def superuser(db):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def citizen(client):
    """A member of the public: an anonymous browser."""
    return client


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def _new_publish():
    """publish(organisation, title, *, published_on=…, **fields) → a disclosure taken through the catalog's
    workflow as the product takes it: a clerk of the organisation drafts and submits it, a reviewer passes the
    保密审查, an admin approves it (three people: separation of duties) at 10:00 on `published_on`; the index
    number, the due date, the website publication and the search entry are the services' own.

    `fields` are the draft's fields (disclosure_create); with `publish_at` later than that moment the item is
    approved and waits for its scheduled publication, as in the product. A test that needs a state the product
    cannot reach changes the row itself and says why. Each publish function has its own three people per
    organisation; a fixture wider than a test makes its own with the `new_publish` fixture."""
    from gongkai.catalog import services

    staff = {}

    def _staff(organisation):
        if organisation.pk not in staff:
            staff[organisation.pk] = [
                make_user(f"{role}.{organisation.code}", organisation=organisation, role=role)
                for role in (Role.CLERK, Role.REVIEWER, Role.ADMIN)
            ]
        return staff[organisation.pk]

    def _publish(organisation, title, *, body="", summary="", published_on=dt.date(2024, 5, 6), **fields):
        drafter, reviewer, approver = _staff(organisation)
        fields.setdefault("kind", "notice")
        fields.setdefault("written_on", published_on)
        if fields["kind"] == "posting":
            fields.setdefault("posting_days", 5)
        draft = services.disclosure_create(
            organisation=organisation, actor=drafter, title=title, body=body, summary=summary, **fields
        )
        services.disclosure_submit(disclosure=draft, actor=drafter)
        services.disclosure_review_pass(disclosure=draft, actor=reviewer)
        return services.disclosure_approve(disclosure=draft, actor=approver, now=_morning_of(published_on))

    return _publish


@pytest.fixture
def publish():
    """publish(organisation, title, *, published_on=…, **fields): an item through the workflow (_new_publish)."""
    return _new_publish()


@pytest.fixture(scope="session")
def new_publish():
    """new_publish() → a publish function (see `publish`) for a module- or class-scoped fixture."""
    return _new_publish


# ---- the demo township, built once per run ---------------------------------------------------------------------


class DemoDatabase:
    """`gongkai demo` loaded once per test session, then put into the test database for each module (or class)
    that asks for it, and taken out again afterwards.

    SQLite: the demo is built in the test database, kept as an in-memory copy (SQLite's backup API), and copied
    back over the test database when a module needs it; the state before is restored the same way.
    PostgreSQL: the demo is built in a database cloned from the migrated test database; each module gets a fresh
    `CREATE DATABASE … TEMPLATE` copy of it and the connection points there until the module ends.

    Tests on the demo use `db` (each test rolled back), so the copy stays as built for the module's other tests.
    """

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.sqlite_copy: sqlite3.Connection | None = None
        self.template: str | None = None
        self.clones = itertools.count(1)

    # The demo is built with cheap hashing (its accounts log in under FAST_HASHERS) and writes no files.
    def _load(self) -> None:
        with override_settings(
            PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=self.tmp_path_factory.mktemp("demo-media")
        ):
            call_command("demo", stdout=StringIO())

    # ---- SQLite
    def _sqlite_live(self) -> sqlite3.Connection:
        connection.ensure_connection()
        return connection.connection

    def _sqlite_snapshot(self) -> sqlite3.Connection:
        copy = sqlite3.connect(":memory:")
        self._sqlite_live().backup(copy)
        return copy

    @contextlib.contextmanager
    def _sqlite_loaded(self):
        before = self._sqlite_snapshot()
        try:
            if self.sqlite_copy is None:
                self._load()
                self.sqlite_copy = self._sqlite_snapshot()
            else:
                self.sqlite_copy.backup(self._sqlite_live())
            yield
        finally:
            before.backup(self._sqlite_live())
            before.close()

    # ---- PostgreSQL
    def _pg_execute(self, *statements: str) -> None:
        connection.close()  # a template may have no other session; neither may a dropped database
        with connection._nodb_cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _pg_clone(self, template: str, name: str) -> None:
        quote = connection.ops.quote_name
        self._pg_execute(
            f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)",
            f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}",
        )

    @contextlib.contextmanager
    def _pg_using(self, name: str):
        test_database = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = name
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = test_database

    @contextlib.contextmanager
    def _pg_loaded(self):
        test_database = connection.settings_dict["NAME"]
        if self.template is None:
            template = f"{test_database}_demo"
            self._pg_clone(test_database, template)
            with self._pg_using(template):
                self._load()
            self.template = template
        clone = f"{self.template}_{next(self.clones)}"
        self._pg_clone(self.template, clone)
        try:
            with self._pg_using(clone):
                yield
        finally:
            self._pg_execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(clone)} WITH (FORCE)")

    def loaded(self):
        """A context manager: the demo is in the database inside it (committed), and gone after it."""
        if connection.vendor == "postgresql":
            return self._pg_loaded()
        return self._sqlite_loaded()

    def close(self) -> None:
        if self.sqlite_copy is not None:
            self.sqlite_copy.close()
        if self.template is not None:
            self._pg_execute(
                f"DROP DATABASE IF EXISTS {connection.ops.quote_name(self.template)} WITH (FORCE)"
            )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (--dist loadgroup), the tests on the demo share one worker, which builds it once."""
    for item in items:
        if "demo_database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """The session's DemoDatabase: `with demo_database.loaded(): …` for a fixture of another scope."""
    database = DemoDatabase(tmp_path_factory)
    yield database
    with django_db_blocker.unblock():
        database.close()


@pytest.fixture(scope="module")
def demo_loaded(demo_database, django_db_blocker):
    """The demo in the test database for the whole module: every test of the module that runs after the first
    one asking for it sees it, so a module mixing demo and non-demo tests uses a class-scoped fixture instead."""
    with django_db_blocker.unblock(), demo_database.loaded():
        yield


@pytest.fixture
def demo(demo_loaded, db):
    """渠口乡 of the demo (`gongkai demo`), loaded once per run; each test's writes are rolled back."""
    from gongkai.orgs.models import Organisation

    return Organisation.objects.get(code="qukou")
