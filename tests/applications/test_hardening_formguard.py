"""Issue 10, Medium 4: limits of the public form in the shared cache (database cache, Redis), keyed on the real
client address behind the trusted proxies, a minimum fill time and a self-hosted captcha once the limit is
reached; refused submissions do not count."""

import time

import pytest
import redis
from captcha.models import CaptchaStore
from django.core.cache import cache, caches
from django.test import RequestFactory
from django.urls import reverse
from gk_servers import Browser, Database, applicant_fields, case_number_of, start_servers, stop_servers

from gongkai.applications import formguard
from gongkai.applications.models import Application
from gongkai.audit.models import AuditEvent

# Both modules use (and flush) Redis database 1: one xdist worker runs them, one after the other.
pytestmark = pytest.mark.xdist_group("redis_db1")

REDIS_URL = "redis://127.0.0.1:6379/1"  # this helper's Redis database number
DB_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gongkai_cache"}
}
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "gongkai",
    }
}
APPLY = reverse("applications_portal:apply", args=["qukou"])


@pytest.fixture
def redis_db1():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings, db):
    if request.param == "redis":
        request.getfixturevalue("redis_db1")
        settings.CACHES = REDIS_CACHE
    else:
        settings.CACHES = DB_CACHE
    cache.clear()
    yield request.param
    cache.clear()
    # back to the suite's per-test cache before the database is closed (tests/conftest.py clears it after)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# ---- the real client address ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the proxy appended the address it saw
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer entries than proxies: not through them
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_is_the_nth_from_the_right_behind_trusted_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert formguard.client_ip(request) == expected


def test_the_limit_and_the_audit_use_the_real_address_not_the_proxys(
    client, township, apply_form, data, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.GONGKAI_APPLY_LIMITS = {"per_address": 1, "per_address_hard": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = client.post(APPLY, apply_form(data), HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7", **proxy)
    assert first.status_code == 200 and case_number_of_response(first)
    assert AuditEvent.objects.get(action="applications.submit").ip_address == "203.0.113.7"
    # another client behind the same proxy has its own count
    other = client.post(
        APPLY,
        apply_form(data, id_number=data.PERSON_ID_2),
        HTTP_X_FORWARDED_FOR="203.0.113.8",
        **proxy,
    )
    assert case_number_of_response(other)
    # the first address is over its limit whatever it writes in front of the header
    again = client.post(
        APPLY,
        apply_form(data, id_number=data.make_id(seq="321")),
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
        **proxy,
    )
    assert 'name="captcha_1"' in again.content.decode()  # its limit is reached: a captcha is asked
    assert not case_number_of_response(again)
    assert Application.objects.count() == 2


def case_number_of_response(response):
    from gk_servers import Reply

    return case_number_of(Reply(response.status_code, response.content.decode(), {}))


# ---- minimum fill time ------------------------------------------------------------------------------------------


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused_and_not_stored(
    client, township, apply_form, data, settings
):
    settings.GONGKAI_APPLY_MIN_FILL_SECONDS = 3
    response = client.post(APPLY, apply_form(data, form_token=formguard.issue_token(time.time() - 1)))
    assert response.status_code == 200
    assert formguard.TOO_FAST in response.content.decode()
    assert not Application.objects.exists()
    assert formguard._count(formguard._key("ip", "127.0.0.1")) == 0  # not counted
    # the page carries a new token; sent after the fill time it is accepted
    assert case_number_of_response(client.post(APPLY, apply_form(data)))


@pytest.mark.parametrize("token", ["", "forged-token", None])
def test_a_missing_or_forged_form_token_is_refused(client, township, apply_form, data, token):
    from django.core import signing

    if token is None:  # a token signed with another key
        token = signing.dumps(
            {"at": time.time() - 60, "n": "x"}, salt=formguard.TOKEN_SALT, key="other-key-x" * 5
        )
    response = client.post(APPLY, apply_form(data, form_token=token))
    assert formguard.STALE in response.content.decode()
    assert not Application.objects.exists()


# ---- captcha once the limit is reached, in the shared cache -----------------------------------------------------


def _captcha_answer(body: str) -> tuple[str, str]:
    import re

    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', body).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response  # what a person reads in the image


def test_past_the_address_limit_a_captcha_is_asked_and_failures_do_not_count(
    client, township, apply_form, data, settings, shared_cache
):
    settings.GONGKAI_APPLY_LIMITS = {"per_address": 2, "per_address_hard": 3}
    assert "captcha_1" not in client.get(APPLY).content.decode()
    for seq in ("101", "102"):
        assert case_number_of_response(client.post(APPLY, apply_form(data, id_number=data.make_id(seq=seq))))

    page = client.get(APPLY).content.decode()
    assert 'name="captcha_1"' in page and "/captcha/image/" in page
    key, answer = _captcha_answer(page)
    image = client.get(reverse("captcha-image", args=[key]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"

    # without the captcha, with a wrong one, too fast, or with bad input: refused, not stored, not counted
    fields = apply_form(data, id_number=data.make_id(seq="103"))
    assert "验证码" in client.post(APPLY, fields).content.decode()
    key, answer = _captcha_answer(client.get(APPLY).content.decode())
    wrong = client.post(APPLY, {**fields, "captcha_0": key, "captcha_1": "wrong"})
    assert formguard.CAPTCHA_WRONG in wrong.content.decode()
    key, answer = _captcha_answer(client.get(APPLY).content.decode())
    bad = client.post(
        APPLY, {**fields, "id_number": "640221198507150016", "captcha_0": key, "captcha_1": answer}
    )
    assert "校验位错误" in bad.content.decode()
    assert Application.objects.count() == 2

    # a person who solves it is accepted: the failures above did not use up the hard limit of 3
    key, answer = _captcha_answer(client.get(APPLY).content.decode())
    solved = client.post(APPLY, {**fields, "captcha_0": key, "captcha_1": answer})
    assert case_number_of_response(solved)
    # now the hard limit: refused even with a solved captcha
    key, answer = _captcha_answer(client.get(APPLY).content.decode())
    fourth = apply_form(data, id_number=data.make_id(seq="104"))
    refused = client.post(APPLY, {**fourth, "captcha_0": key, "captcha_1": answer})
    assert "过于频繁" in refused.content.decode()
    assert Application.objects.count() == 3


def test_the_limits_live_in_the_shared_cache_not_in_process_memory(township, data, settings, shared_cache):
    settings.GONGKAI_APPLY_LIMITS = {"per_identity": 1}
    ip_hash = formguard._key("ip", "203.0.113.9")
    formguard.count_stored("203.0.113.9", "identity-x")
    backend = type(caches["default"]).__module__
    assert ("redis" if shared_cache == "redis" else "db") in backend
    if shared_cache == "redis":
        assert redis.Redis.from_url(REDIS_URL).keys("gongkai:*" + ip_hash)
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM gongkai_cache WHERE cache_key LIKE %s", ["%" + ip_hash])
            assert cursor.fetchone()[0] == 1
    assert formguard.refusal(None, "identity-x") == "同一申请人今日提交的申请过多，请明日再试"


# ---- two server processes share one limit -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["database", "redis"])
def test_two_server_processes_share_the_limit(township, data, tmp_path, backend, request):
    env = {"GONGKAI_APPLY_LIMIT_PER_ADDRESS": 2, "GONGKAI_APPLY_HARD_LIMIT_PER_ADDRESS": 3}
    if backend == "redis":
        request.getfixturevalue("redis_db1")
        env["GONGKAI_REDIS_URL"] = REDIS_URL
    database = Database(tmp_path)
    first, second = start_servers(database, tmp_path, count=2, **env)
    try:
        one, two = Browser(first.base), Browser(second.base)
        for seq in ("201", "202"):
            hidden = one.open_form()
            time.sleep(1.1)
            reply = one.submit(applicant_fields(data.make_id(seq=seq)), hidden)
            assert case_number_of(reply), reply.body[-2000:]
        # the other process, another connection: the captcha is already asked
        page = two.get("/org/qukou/apply/")
        assert 'name="captcha_1"' in page.body
        hidden = two.open_form()
        time.sleep(1.1)
        refused = two.submit(applicant_fields(data.make_id(seq="203")), hidden)
        assert "验证码" in refused.body and not case_number_of(refused)
        assert database.rows("SELECT COUNT(*) FROM applications_application") == [(2,)]
    finally:
        stop_servers([first, second])


def test_migrate_makes_the_database_cache_table(db, settings):
    from django.core.management import call_command
    from django.db import connection

    settings.CACHES = DB_CACHE  # the embedded default of settings.py
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE gongkai_cache")
        assert "gongkai_cache" not in connection.introspection.table_names()
        call_command("migrate", verbosity=0)  # nothing to migrate; post_migrate still makes the table
        assert "gongkai_cache" in connection.introspection.table_names()
        cache.set("gongkai:probe", 1)
        assert cache.get("gongkai:probe") == 1
    finally:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
