"""The public portal: organisations, villages, the disclosure guide, 长者模式 and no outside resources."""

import re

import pytest

from gongkai.orgs.models import OrgKind
from gongkai.orgs.services import org_insert
from gongkai.portal.middleware import LARGE_TEXT_COOKIE

EXTERNAL_RESOURCE = re.compile(
    r"""<(?:script[^>]*\ssrc|link[^>]*\shref|img[^>]*\ssrc|iframe[^>]*\ssrc)\s*=\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)
# 长者模式 marks the root element or the body; either lets the stylesheet scale the whole page.
LARGE_PAGE = re.compile(r'<(?:html|body)\b[^>]*\bclass="[^"]*\blarge-text\b')
CSS_IMPORT = re.compile(r"""@import|url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture
def villages(township, village):
    more = [
        org_insert(
            parent=township,
            kind=OrgKind.VILLAGE,
            name=f"渠口乡{name}",
            short_name=name,
            code=code,
            sort_order=index,
        )
        for index, (name, code) in enumerate([("六顷地村", "liuqingdi"), ("太沙村", "taisha")], start=2)
    ]
    return [village, *more]


@pytest.fixture
def station(township):
    return org_insert(parent=township, kind=OrgKind.STATION, name="渠口乡财政所", code="qukou-caizheng")


def test_the_home_page_lists_the_organisations_with_links(client, county, township, other_township):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    for org in (county, township, other_township):
        assert f'href="/org/{org.code}/">{org.name}</a>' in page


def test_the_home_page_leaves_villages_to_their_township(client, village):
    assert "渠口乡渠口村" not in client.get("/").content.decode()


def test_a_townships_column_lists_its_villages_with_links(client, villages, station):
    response = client.get("/org/qukou/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "渠口乡人民政府 · 政府信息公开" in page
    assert "所辖村（社区）" in page
    for village in villages:
        assert f'<a href="/org/{village.code}/">{village.name}</a>' in page
    assert page.index("渠口乡渠口村") < page.index("渠口乡六顷地村") < page.index("渠口乡太沙村")
    assert '<a href="/org/qukou-caizheng/">渠口乡财政所</a>' in page.split("下级机构", 1)[1]


def test_a_villages_column_opens_and_links_back_up(client, village):
    page = client.get("/org/qukoucun/").content.decode()
    assert "渠口乡渠口村 · 村务公开" in page  # a village's column is its 村务公开 (issue 12)
    assert 'href="/org/qukou/"' in page and 'href="/org/pingluo/"' in page


def test_the_guide_shows_the_contact_and_the_legal_periods(client, township):
    response = client.get("/org/qukou/guide/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "渠口乡人民政府政府信息公开指南" in page
    for text in (
        "石嘴山市平罗县渠口乡301省道以北渠口村四队",
        "753400",
        "0952-6860685",
        "qukouzhengfu@163.com",
    ):
        assert text in page, text
    for period in ("20 个工作日", "60 日", "6 个月", "7 个工作日"):
        assert period in page, period
    assert 'href="/org/pingluo/">平罗县人民政府</a>' in page


def test_the_guide_names_the_disclosure_office_as_the_receiving_body(client, township):
    office = org_insert(
        parent=township,
        kind=OrgKind.DEPARTMENT,
        name="渠口乡党政综合办公室",
        short_name="党政办",
        code="qukou-dzb",
    )
    township.disclosure_office = office
    township.save(update_fields=["disclosure_office"])
    page = client.get("/org/qukou/guide/").content.decode()
    assert "<th>受理机构</th><td>渠口乡党政综合办公室</td>" in page


@pytest.mark.parametrize("url", ["/org/nowhere/", "/org/nowhere/guide/"])
def test_an_unknown_code_is_404(client, db, url):
    assert client.get(url).status_code == 404


def test_the_large_text_toggle_sets_the_cookie_and_the_next_page_is_large(client, township):
    response = client.get("/large-text/?on=1&next=/org/qukou/")
    assert response.status_code == 302 and response["Location"] == "/org/qukou/"
    assert response.cookies[LARGE_TEXT_COOKIE].value == "1"
    page = client.get("/org/qukou/").content.decode()
    assert LARGE_PAGE.search(page)
    assert 'aria-pressed="true"' in page


def test_the_large_text_toggle_turns_it_off_again(client, township):
    client.get("/large-text/?on=1&next=/")
    response = client.get("/large-text/?on=0&next=/")
    assert response.cookies[LARGE_TEXT_COOKIE].value == ""
    page = client.get("/org/qukou/").content.decode()
    assert not LARGE_PAGE.search(page)


def test_pages_are_standard_size_without_the_cookie(client, township):
    assert not LARGE_PAGE.search(client.get("/").content.decode())


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example/", "https://evil.example/org/qukou/", "javascript:alert(1)"],
)
def test_an_open_redirect_through_next_is_refused(client, db, target):
    response = client.get("/large-text/", {"on": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_large_text_toggle_refuses_post(client, db):
    assert client.post("/large-text/?on=1").status_code == 405


@pytest.mark.parametrize("url", ["/", "/org/qukou/", "/org/qukou/guide/"])
def test_portal_pages_refuse_post(client, township, url):
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "url", ["/", "/org/qukou/", "/org/qukou/guide/", "/org/nowhere/", "/office/login/", "/large-text/?on=1"]
)
def test_responses_carry_a_content_security_policy(client, township, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_no_page_loads_an_external_font_script_or_stylesheet(
    settings, client, login, admin, township, villages
):
    settings.SEPARATE_ADMIN_DUTIES = False  # without 三员分立 the admin also reads the audit log
    pages = [
        client.get(url).content.decode()
        for url in ("/", "/org/qukou/", "/org/qukoucun/", "/org/qukou/guide/", "/office/login/")
    ]
    office = login(admin)
    pages += [
        office.get(url).content.decode() for url in ("/office/", "/office/organisations/", "/office/audit/")
    ]
    for page in pages:
        assert "<script" in page  # the page does load scripts and styles, only its own
        assert not EXTERNAL_RESOURCE.search(page), EXTERNAL_RESOURCE.search(page)
        assert not CSS_IMPORT.search(page)
        assert '<link rel="stylesheet" href="/static/' in page


def test_the_site_stylesheet_and_script_use_no_outside_resources():
    from pathlib import Path

    import gongkai

    static = Path(gongkai.__file__).parent / "static" / "gongkai"
    css = (static / "site.css").read_text()
    js = (static / "site.js").read_text()
    assert not CSS_IMPORT.search(css)
    assert "@font-face" not in css or "http" not in css
    assert "http://" not in js and "https://" not in js


def test_the_portal_needs_no_login_and_sets_no_session(client, township):
    response = client.get("/org/qukou/guide/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
