"""Named actors shared by every test: a county with two townships, a village, and staff in each role."""

import datetime as dt
import itertools
import os
import secrets

import pytest
from cryptography.fernet import Fernet
from django.core.cache import cache

from gongkai.accounts.models import User
from gongkai.orgs.models import Membership, OrgKind, Role
from gongkai.orgs.services import org_insert

PASSWORD = "Test-Passw0rd-2026"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One field-encryption key for the whole run (module-scoped data must stay readable); never the developer's.
os.environ["GONGKAI_FIELD_KEYS"] = Fernet.generate_key().decode()
# Likewise the audit chain's key (gongkai.audit.keys).
os.environ["GONGKAI_AUDIT_KEYS"] = secrets.token_urlsafe(32)


@pytest.fixture(autouse=True)
def _isolated_and_fast(settings, tmp_path):
    """Every test: a throw-away media folder, an empty cache, and cheap password hashing (Argon2 costs
    ~0.2 s a hash; the tests about Argon2 put the real hashers back)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    # One process's memory: tests without database access still run (the shared DatabaseCache/Redis of
    # settings.CACHES are tested in tests/applications/test_hardening_formguard.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    cache.clear()
    yield
    cache.clear()


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
def other_township_clerk(other_township):
    return make_user("other_clerk", organisation=other_township, role=Role.ADMIN, display_name="外乡管理员")


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


_index_serial = itertools.count(1)


@pytest.fixture
def publish():
    """A published disclosure made directly with the ORM and indexed as the catalog's publish service does
    (tests/catalog has its own `publish`, through the workflow)."""
    from gongkai.catalog.indexing import index_disclosure
    from gongkai.catalog.models import Disclosure
    from gongkai.catalog.services import posting_fields

    def _publish(organisation, title, *, body="", summary="", published_on=dt.date(2024, 5, 6), **fields):
        fields.setdefault("status", "published")
        fields.setdefault("kind", "notice")
        fields.setdefault("written_on", published_on)
        fields.setdefault("index_no", f"{organisation.code}/{published_on.year}-{next(_index_serial):05d}")
        if fields.get("posting_days"):
            fields = {**posting_fields(organisation, published_on, fields["posting_days"]), **fields}
        disclosure = Disclosure.objects.create(
            organisation=organisation,
            title=title,
            body=body,
            summary=summary,
            published_on=published_on,
            **fields,
        )
        index_disclosure(disclosure)
        return disclosure

    return _publish
