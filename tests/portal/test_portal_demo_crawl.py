"""The demo township's public pages, crawled like a visitor would: no valid ID number appears anywhere; and as an
inspector crawls them (issue 12): no broken link, no empty column."""

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlparse

from gongkai.portal.queries import column_warnings
from gongkai.privacy.detect import Kind, scan_text

LINK = re.compile(r'href="([^"#]+)"')
TAGS = re.compile(r"<[^>]+>")
MAX_PAGES = 250


def _public_links(base: str, html: str):
    for href in LINK.findall(html):
        url = urljoin(base, unescape(href))
        parsed = urlparse(url)
        if (
            parsed.netloc
            or not parsed.path.startswith("/")
            or parsed.path.startswith(("/office", "/admin", "/static"))
        ):
            continue
        yield parsed.path + (f"?{parsed.query}" if parsed.query else "")


def test_no_valid_id_number_on_any_public_page_of_the_demo(client, demo):
    seen: set[str] = set()
    queue = deque(["/", "/org/qukou/", "/org/qukou/catalog/?kind=posting", "/search/?q=低保"])
    pages = 0
    while queue and pages < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        text = unescape(TAGS.sub(" ", html))
        ids = [f.text for f in scan_text(text) if f.kind in (Kind.ID_NUMBER, Kind.ID_NUMBER_15)]
        assert not ids, f"{path} shows ID numbers {ids}"
        queue.extend(link for link in _public_links(path, html) if link not in seen)
    item_pages = [p for p in seen if p.startswith("/item/")]
    assert pages >= 100 and len(item_pages) >= 50, (pages, len(item_pages))


CRAWL_PAGES = 400
EMPTY = ("暂无公开的", "暂无已公布的", "暂无符合条件", "暂无在本平台公开")


def test_the_demo_portal_has_no_broken_link_and_no_empty_column(client, demo):
    seen: set[str] = set()
    queue = deque(["/", "/org/qukou/"])
    broken, empty, pages = [], [], 0
    referrer: dict[str, str] = {}
    while queue and pages < CRAWL_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (301, 302):
            referrer.setdefault(response["Location"], path)
            target = response["Location"]
            response = client.get(target)
        if response.status_code != 200:
            broken.append(f"{path} ({response.status_code}) linked from {referrer.get(path)}")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        # A 政民互动 page (留言咨询, 意见征集) holds the public's form: its list may be empty, the page is not.
        interactive = "/questions/" in path or "/consultations/" in path
        if "?" not in path and not interactive and any(word in html for word in EMPTY):
            empty.append(path)
        for link in _public_links(path, html):
            if link not in seen and not link.startswith("/large-text/"):
                referrer.setdefault(link, path)
                queue.append(link)
    assert not broken, broken
    assert not empty, empty
    assert pages >= 150, pages
    for column in ("/org/qukou/guide/", "/org/qukou/rules/", "/org/qukou/catalog/"):
        assert column in seen, f"{column} is not linked from the column"
    # The demo publishes no annual report: the 年报 column is hidden, and the office is told instead.
    assert "/org/qukou/reports/" not in seen
    assert any("政府信息公开年报" in warning for warning in column_warnings(demo))
