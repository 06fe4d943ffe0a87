"""The read-replica rules of core.dbrouter, one by one, and the settings that switch the replica and object storage
on (a fresh settings import in another process). The real replica: tests/scale/test_read_replica.py."""

import json
import os
import subprocess
import sys
import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.signing import get_cookie_signer
from django.http import HttpResponse
from django.test import RequestFactory

from gongkai.catalog.models import Disclosure
from gongkai.core import dbrouter, pagecache

factory = RequestFactory()


def _wrote_cookie() -> str:
    # What ReplicaMiddleware sets: HttpResponse.set_signed_cookie, a timestamped signature.
    return get_cookie_signer(salt=dbrouter.WROTE_COOKIE + dbrouter.WROTE_SALT).sign(str(int(time.time())))


@pytest.mark.parametrize(
    ("method", "path", "cookies", "replica"),
    [
        ("GET", "/org/qukou/catalog/", {}, True),
        ("HEAD", "/item/7/", {}, True),
        ("GET", "/api/v1/organisations", {}, True),
        ("POST", "/org/qukou/apply/", {}, False),  # a write request
        ("GET", "/office/catalog/", {}, False),  # the office
        ("GET", "/admin/", {}, False),
        ("GET", "/captcha/image/abc/", {}, False),  # made by the form's GET a moment ago
        ("GET", "/org/qukou/", {"sessionid": "x"}, False),  # staff, or a reader in a form
        ("GET", "/org/qukou/", {dbrouter.WROTE_COOKIE: "forged"}, True),
    ],
)
def test_only_anonymous_safe_public_requests_read_from_the_replica(method, path, cookies, replica):
    request = factory.generic(method, path)
    request.COOKIES.update(cookies)
    assert dbrouter.reads_from_replica(request) is replica


def test_an_api_request_with_a_token_reads_from_the_primary():
    # A token revoked in the office must stop working at once, not when the replica has replayed it.
    request = factory.get("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer gk_abc")
    assert dbrouter.reads_from_replica(request) is False


def test_a_reader_who_just_wrote_reads_from_the_primary_until_the_window_ends(settings):
    settings.REPLICA_LAG_SECONDS = 10
    request = factory.get("/item/7/")
    request.COOKIES[dbrouter.WROTE_COOKIE] = _wrote_cookie()
    assert dbrouter.reads_from_replica(request) is False
    with time_machine.travel(time.time() + 11):  # the window is over
        assert dbrouter.reads_from_replica(request) is True


def test_the_middleware_marks_a_write_request_with_a_signed_cookie_for_the_window(settings):
    settings.REPLICA_LAG_SECONDS = 7
    middleware = dbrouter.ReplicaMiddleware(lambda request: HttpResponse("ok"))
    response = middleware(factory.post("/org/qukou/apply/"))
    cookie = response.cookies[dbrouter.WROTE_COOKIE]
    assert cookie["max-age"] == 7 and cookie["httponly"]
    follow_up = factory.get("/track/")
    follow_up.COOKIES[dbrouter.WROTE_COOKIE] = cookie.value
    assert dbrouter.reads_from_replica(follow_up) is False
    assert dbrouter.WROTE_COOKIE not in middleware(factory.get("/org/qukou/")).cookies


def test_right_after_a_publication_cached_pages_are_built_from_the_primary(settings):
    # A page built from a replica that has not replayed the publication would be cached as the new page.
    settings.PAGE_CACHE_SECONDS = 600
    settings.REPLICA_LAG_SECONDS = 10
    request = factory.get("/org/qukou/")
    pagecache.bump()
    _number, bumped_at = pagecache.generation()
    assert dbrouter.reads_from_replica(request, now=bumped_at + 1) is False
    assert dbrouter.reads_from_replica(request, now=bumped_at + 11) is True
    settings.PAGE_CACHE_SECONDS = 0  # no page cache: nothing to protect
    assert dbrouter.reads_from_replica(request, now=bumped_at + 1) is True


def test_the_router_reads_the_replica_only_when_allowed_and_outside_a_primary_transaction(monkeypatch):
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connections

    router = dbrouter.PrimaryReplicaRouter()
    assert router.db_for_read(Disclosure) == "default"
    token = dbrouter._read_from_replica.set(True)
    try:
        assert router.db_for_read(Disclosure) == "replica"
        assert router.db_for_read(Session) == "replica"
        cache_model = DatabaseCache("gongkai_cache", {}).cache_model_class
        assert router.db_for_read(cache_model) == "default"  # counters just written
        assert router.db_for_write(Disclosure) == "default"
        # Inside a transaction on the primary a write's own reads must see its own rows.
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(Disclosure) == "default"
    finally:
        dbrouter._read_from_replica.reset(token)
    assert router.allow_migrate("default", "catalog") is True
    assert router.allow_migrate("replica", "catalog") is False


def _settings_with(**env) -> dict:
    """Import the settings in a fresh process with these environment variables; return what the test reads."""
    script = (
        "import json; from gongkai import settings as s; "
        "print(json.dumps({'databases': {k: {'HOST': v.get('HOST'), 'PORT': v.get('PORT'), 'NAME': v['NAME'], "
        "'TEST': v.get('TEST', {})} for k, v in s.DATABASES.items()}, "
        "'routers': getattr(s, 'DATABASE_ROUTERS', []), 'middleware': s.MIDDLEWARE, "
        "'storage': s.STORAGES['default'], 'lag': s.REPLICA_LAG_SECONDS}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "GONGKAI_S3", "PYTEST_"))}
    result = subprocess.run(
        [sys.executable, "-c", script], env={**clean, **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_url_there_is_one_database_and_no_router():
    loaded = _settings_with()
    assert list(loaded["databases"]) == ["default"]
    assert loaded["routers"] == []
    assert "gongkai.core.dbrouter.ReplicaMiddleware" not in loaded["middleware"]
    assert loaded["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_replica_url_adds_the_replica_alias_the_router_and_the_middleware_after_the_page_cache():
    loaded = _settings_with(
        DATABASE_URL="postgres://gongkai@10.0.0.1:5432/gongkai",
        DATABASE_REPLICA_URL="postgres://gongkai@10.0.0.2:5433/gongkai",
        GONGKAI_REPLICA_LAG_SECONDS="15",
    )
    assert loaded["databases"]["replica"]["HOST"] == "10.0.0.2"
    assert loaded["databases"]["replica"]["PORT"] == 5433
    assert loaded["databases"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert loaded["routers"] == ["gongkai.core.dbrouter.PrimaryReplicaRouter"]
    middleware = loaded["middleware"]
    assert middleware.index("gongkai.core.dbrouter.ReplicaMiddleware") == (
        middleware.index("gongkai.core.pagecache.PublicPageCacheMiddleware") + 1
    )
    assert loaded["lag"] == 15


def test_a_bad_replica_url_stops_the_process_with_its_name():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PYTEST_"))}
    result = subprocess.run(
        [sys.executable, "-c", "import gongkai.settings"],
        env={**clean, "DATABASE_REPLICA_URL": "mysql://x@y/z"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL='mysql://x@y/z' is not a database URL" in result.stderr


def test_a_bucket_puts_the_default_storage_on_private_s3_with_short_presigned_urls():
    loaded = _settings_with(
        GONGKAI_S3_BUCKET="gongkai-files",
        GONGKAI_S3_ENDPOINT="https://oss-cn-beijing.aliyuncs.com",
        GONGKAI_S3_REGION="cn-beijing",
        GONGKAI_S3_URL_SECONDS="30",
    )
    storage = loaded["storage"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "gongkai-files"
    assert options["endpoint_url"] == "https://oss-cn-beijing.aliyuncs.com"
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 30
