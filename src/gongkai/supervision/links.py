"""The link checker of the self-check: the links in published items that point at this site, checked with a bound
on their number and on the time each may take.

Only links to the configured site (GONGKAI_SITE_URL, and relative links resolved against it) are checked: the
inspection counts broken links on the government's own pages, and the checker must never crawl the internet.
A link is broken when the site answers 4xx/5xx or does not answer within the timeout. HEAD first; a server that
refuses HEAD (405/501) is asked with GET.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

DEFAULT_LIMIT = 50
DEFAULT_TIMEOUT = 5.0
USER_AGENT = "gongkai-selfcheck/1"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value.strip())


def extract_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html or "")
    return parser.found


def on_site(link: str, base_url: str) -> str | None:
    """The absolute URL of `link` when it points at the site of `base_url`; None otherwise (other sites, mailto…)."""
    if not base_url:
        return None
    absolute = urljoin(base_url, link)
    parts, base = urlsplit(absolute), urlsplit(base_url)
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
        return None
    return absolute.split("#", 1)[0]


@dataclass(frozen=True)
class Broken:
    disclosure_id: int
    title: str
    url: str
    reason: str


def check_url(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Why `url` is broken (in Chinese), or None when it answers 2xx/3xx."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only)
                response.read(0)
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (405, 501):
                continue
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"无法访问（{reason}）"
    return None


def check_items(items, *, base_url: str, limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT):
    """(broken links, how many were checked) over `items` (disclosures with a body), at most `limit` distinct
    URLs in all."""
    seen: dict[str, str | None] = {}
    broken: list[Broken] = []
    for item in items:
        for link in extract_links(item.body):
            url = on_site(link, base_url)
            if url is None:
                continue
            if url not in seen:
                if len(seen) >= limit:
                    return broken, len(seen)
                seen[url] = check_url(url, timeout=timeout)
            if seen[url]:
                broken.append(Broken(item.pk, item.title, url, seen[url]))
    return broken, len(seen)
