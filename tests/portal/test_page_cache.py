"""The public-page cache (core.pagecache): anonymous pages served from the cache until a publication, a
retraction or an organisation edit commits; then every page that lists the item shows the change on its next
request. These tests commit for real (transactional_db), so the after-commit bump is the product's own."""

import datetime as dt

import pytest
from django.core.cache import caches

from gongkai.catalog import services as catalog_services
from gongkai.catalog.models import Disclosure
from gongkai.core import pagecache
from gongkai.orgs import services as org_services

pytestmark = [pytest.mark.today("2024-05-20"), pytest.mark.usefixtures("transactional_db")]

TITLE = "关于春耕备耕补贴发放的通知"
SEEN = "补贴发放的通知"  # the part of the title search does not highlight


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()


def pages(item_pk=None):
    """Every cached public page that lists an item of 渠口乡 (the item page itself when it exists)."""
    listed = {
        "column home": "/org/qukou/",
        "catalog page 1": "/org/qukou/catalog/",
        "county catalog page 1": "/org/pingluo/catalog/",
        "search": "/search/?q=春耕",
        "feed": "/org/qukou/feed.xml",
    }
    if item_pk:
        listed["item page"] = f"/item/{item_pk}/"
    return listed


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), response


def test_publishing_shows_the_item_on_every_cached_page_and_retracting_removes_it(
    client, township, publish, reviewer
):
    publish(township, "关于召开村民代表会议的通知", published_on=dt.date(2024, 5, 6))
    for name, url in pages().items():
        body, _ = text(client, url)
        assert SEEN not in body, name
        body, response = text(client, url)  # now from the cache
        assert response["X-Page-Cache"] == "hit", name

    item = publish(township, TITLE, published_on=dt.date(2024, 5, 18))

    for name, url in pages(item.pk).items():
        body, response = text(client, url)
        assert SEEN in body, name
        assert "X-Page-Cache" not in response, name  # rebuilt, not the old copy
        assert SEEN in text(client, url)[0], name  # and the new copy is what the cache serves next

    catalog_services.disclosure_retract(disclosure=item, actor=reviewer, comment="内容有误")

    for name, url in pages().items():
        assert SEEN not in text(client, url)[0], name
    assert client.get(f"/item/{item.pk}/").status_code == 404


def test_a_change_without_a_bump_is_not_seen_until_the_bump(client, township, publish):
    """The cache really serves the stored page (so the test above can fail): a row changed behind the services'
    back stays invisible until the generation is bumped."""
    item = publish(township, TITLE, published_on=dt.date(2024, 5, 18))
    assert TITLE in text(client, "/org/qukou/")[0]
    Disclosure.objects.filter(pk=item.pk).update(title="改过的标题")
    assert TITLE in text(client, "/org/qukou/")[0]
    pagecache.bump()
    assert "改过的标题" in text(client, "/org/qukou/")[0]


def test_an_organisation_edit_shows_on_the_portal_home(client, township, admin):
    assert "渠口乡人民政府" in text(client, "/")[0]
    assert text(client, "/")[1]["X-Page-Cache"] == "hit"
    org_services.org_update(actor=admin, organisation=township, name="渠口镇人民政府")
    body = text(client, "/")[0]
    assert "渠口镇人民政府" in body and "渠口乡人民政府" not in body


def test_an_organisation_edit_shows_on_its_column_whose_reads_are_remembered(client, township, admin):
    """The column's organisation and its menu are kept in each worker for a generation (portal.queries
    .column_organisation, the org_menu tag): a new page of the column, never cached, shows the edit at once."""
    assert "渠口乡人民政府" in text(client, "/org/qukou/catalog/")[0]
    org_services.org_update(actor=admin, organisation=township, name="渠口镇人民政府")
    body = text(client, "/org/qukou/catalog/?kind=document")[0]
    assert "渠口镇人民政府" in body and "渠口乡人民政府" not in body


def test_the_catalog_total_kept_between_pages_follows_a_publication(client, township, publish):
    """The capped total of a catalog filter is counted once per generation (catalog_page's total_key): a page of
    the same filter never seen before still shows the total after a publication."""
    publish(township, "关于召开村民代表会议的通知", published_on=dt.date(2024, 5, 6))
    assert "共 1 条" in text(client, "/org/qukou/catalog/?scope=own")[0]
    publish(township, TITLE, published_on=dt.date(2024, 5, 18))
    assert "共 2 条" in text(client, "/org/qukou/catalog/?scope=own&year=2024")[0]
    assert "共 2 条" in text(client, "/org/qukou/catalog/?scope=own&after=x")[0]


def test_a_rolled_back_write_leaves_the_cache_alone(client, township, publish):
    from django.db import transaction

    publish(township, TITLE, published_on=dt.date(2024, 5, 18))
    text(client, "/org/qukou/")
    before = pagecache.generation()[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache.changed()
        raise RuntimeError
    assert pagecache.generation()[0] == before
    assert text(client, "/org/qukou/")[1]["X-Page-Cache"] == "hit"


def test_conditional_get_answers_304_with_etag_and_last_modified(client, township, publish):
    publish(township, TITLE, published_on=dt.date(2024, 5, 18))
    for url in ("/org/qukou/", "/org/qukou/feed.xml", "/org/qukou/catalog/"):
        first = client.get(url)
        etag, modified = first["ETag"], first["Last-Modified"]
        assert first["Cache-Control"] == "no-cache"
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304, url
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200, url
    publish(township, "另一条通知", published_on=dt.date(2024, 5, 19))
    assert client.get("/org/qukou/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_security_headers_are_on_cached_pages(client, township):
    text(client, "/org/qukou/")
    hit = client.get("/org/qukou/")
    assert hit["X-Page-Cache"] == "hit"
    assert hit["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in hit["Content-Security-Policy"]
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert hit["Content-Type"].startswith("text/html")


def test_staff_and_large_text_readers_get_their_own_pages(client, township, clerk):
    text(client, "/org/qukou/")
    assert text(client, "/org/qukou/")[1]["X-Page-Cache"] == "hit"
    client.cookies["gk_large"] = "1"
    assert "X-Page-Cache" not in text(client, "/org/qukou/")[1]  # another page: large text
    del client.cookies["gk_large"]
    client.force_login(clerk)  # a session: never read from or stored in the cache
    for _ in range(2):
        assert "X-Page-Cache" not in text(client, "/org/qukou/")[1]


def test_office_pages_and_posts_are_never_cached(client, township, clerk):
    client.get("/office/")
    assert "X-Page-Cache" not in client.get("/office/")
    assert client.post("/org/qukou/").status_code == 405
    assert client.post("/org/qukou/").status_code == 405
