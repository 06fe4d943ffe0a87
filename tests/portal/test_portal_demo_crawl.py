"""The demo township's public pages, crawled like a visitor would: no valid ID number appears anywhere."""

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlparse

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
