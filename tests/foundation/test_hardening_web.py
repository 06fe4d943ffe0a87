"""Issue 10, the web layer: Chinese error pages, a 503 for lock timeouts and a full disk, the deploy check of the
field keys, the large-text redirect, and HEAD on every public page."""

import re
import sqlite3
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.checks import Error, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import OperationalError
from django.db.utils import ConnectionHandler
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path

import gongkai.urls

# ---- a URLconf with views that fail the way production fails ------------------------------------------------------------

LOCKED_DB = {}


def locked_write(request):
    """Write to an SQLite database that another connection holds with BEGIN IMMEDIATE: the real 'database is locked'."""
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": LOCKED_DB["path"],
                "OPTIONS": {"timeout": 0.2},
            }
        }
    )
    connection = handler["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
    finally:
        connection.close()
    return HttpResponse("stored")


def full_disk(request):
    with open("/dev/full", "w") as handle:  # the kernel answers every write with ENOSPC
        handle.write("申请材料" * 1000)
        handle.flush()
    return HttpResponse("stored")


def other_database_error(request):
    raise OperationalError("no such table: gongkai_missing")


def plain_bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("boom/locked/", locked_write),
    path("boom/full/", full_disk),
    path("boom/other/", other_database_error),
    path("boom/bug/", plain_bug),
    path("", include(gongkai.urls)),
]


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def locked_database(tmp_path):
    db_path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # holds the write lock until the test ends
    LOCKED_DB["path"] = str(db_path)
    yield holder
    holder.execute("ROLLBACK")
    holder.close()


# ---- 503 -------------------------------------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_a_locked_database_gives_the_chinese_busy_page_with_retry_after(
    production_errors, locked_database, db
):
    response = production_errors.post("/boom/locked/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "系统繁忙，请稍后再试" in page and "没有保存" in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.urls(__name__)
def test_a_full_disk_gives_the_busy_page_too(production_errors, db):
    response = production_errors.post("/boom/full/")
    assert response.status_code == 503 and "系统繁忙" in response.content.decode()


@pytest.mark.urls(__name__)
def test_another_database_error_is_still_a_500(production_errors, db):
    response = production_errors.get("/boom/other/")
    assert response.status_code == 500
    assert "服务器内部错误" in response.content.decode()


# ---- the error pages -----------------------------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_500_page_is_in_chinese(production_errors, db):
    response = production_errors.get("/boom/bug/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page and "服务器内部错误" in page
    assert "Server Error" not in page


def test_the_500_and_503_pages_need_no_context_and_no_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        for name in ("500.html", "503.html", "400.html", "403_csrf.html"):
            page = render_to_string(name)  # no request: no context processors run
            assert "政府信息公开平台" in page and "/static/gongkai/site.css" in page


def test_the_404_page_uses_the_site_layout_in_chinese(production_errors, db):
    response = production_errors.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'class="portal-header"' in page and "长者模式" in page


def test_the_403_page_is_in_chinese_with_the_reason(production_errors, township, clerk):
    production_errors.force_login(clerk)
    response = production_errors.get("/office/users/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "只有管理员或安全管理员可以管理用户与角色" in page


def test_the_400_page_is_in_chinese(production_errors, db):
    response = production_errors.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_a_csrf_failure_is_explained_in_chinese(settings, db):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post("/office/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


# ---- the deploy check of the field-encryption keys ----------------------------------------------------------------------


def deploy_errors() -> list[str]:
    return [m.id for m in run_checks(include_deployment_checks=True) if isinstance(m, Error)]


def test_check_deploy_fails_in_production_without_field_keys(settings, monkeypatch, tmp_path):
    settings.PRODUCTION = True
    settings.DATA_DIR = tmp_path  # no key file there either, and none may be created
    monkeypatch.delenv("GONGKAI_FIELD_KEYS")
    with pytest.raises(SystemCheckError, match="gongkai.E001"):
        call_command("check", deploy=True)
    assert not (tmp_path / "field_keys").exists()


def test_check_deploy_fails_in_production_with_a_malformed_key(settings, monkeypatch):
    settings.PRODUCTION = True
    monkeypatch.setenv("GONGKAI_FIELD_KEYS", "not-a-fernet-key")
    assert "gongkai.E001" in deploy_errors()


def test_check_deploy_accepts_production_with_keys_and_development_without(settings, monkeypatch):
    settings.PRODUCTION = True
    assert "gongkai.E001" not in deploy_errors()  # the test run's key is set
    settings.PRODUCTION = False
    monkeypatch.delenv("GONGKAI_FIELD_KEYS")
    assert "gongkai.E001" not in deploy_errors()


# ---- 长者模式 redirect and HEAD on public pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("abc", "/"),
        ("org/qukou/", "/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/org/qukou/?page=2", "/org/qukou/?page=2"),
    ],
)
def test_large_text_goes_back_only_to_a_local_path(client, db, target, expected):
    response = client.get("/large-text/", {"on": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == expected


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href" and value)


def crawl(client, start: str, limit: int = 80) -> list[str]:
    """Public pages reachable from `start` by links (no office, no static files, no 长者模式 switch)."""
    seen, queue = [], [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            parts = urlsplit(urljoin(url, href))
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if re.match(r"^/(office|admin|static|media|large-text)/", parts.path):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen and local not in queue:
                queue.append(local)
    return seen


def test_every_public_page_answers_head_with_200(client, township, village, publish):
    publish(township, "渠口乡2024年财政预算公开", body="预算正文")
    pages = crawl(client, "/")
    pages += ["/org/qukou/apply/", "/track/", "/deadline/", "/search/?q=预算", "/org/qukou/feed.xml"]
    assert len(pages) >= 10 and any(p.startswith("/item/") for p in pages)
    for url in pages:
        response = client.head(url)
        assert response.status_code == 200, url
