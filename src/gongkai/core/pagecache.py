"""The public-page cache: whole anonymous responses of the portal, kept in the "pages" cache (a file cache on
the embedded default, Redis when GONGKAI_REDIS_URL is set) under keys carrying one generation number.

Writes that change what the public sees (publication, retraction, validity, organisation edits) call
`changed()` inside their transaction; the generation is bumped after commit, so every cached page — portal home,
column homes, catalog pages, searches, feeds, item pages — is rebuilt on its next request. Entries also expire
after PAGE_CACHE_SECONDS, the bound for public changes made by writes that do not call `changed()`.

Views opt in with `@public_page`; `PublicPageCacheMiddleware`, placed before the session, authentication, OTP and
lockout middleware, answers a hit (or a 304 to a conditional GET) before any of them runs. Requests with a
session or messages cookie (staff, a reader who just posted a form) never read or fill the cache."""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

ALIAS = "pages"
GENERATION_KEY = "generation"
CACHED_PREFIXES = ("/org/", "/item/", "/search/")  # and the portal home "/"
LARGE_TEXT_COOKIE = "gk_large"  # the portal's 长者模式 cookie: a page in large text is another page
# Headers of the response as the view and the inner middleware made it, kept with the body.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary", "Content-Disposition")


def _cache():
    return caches[ALIAS]


def _timeout() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)  # 0: no page cache


def generation() -> tuple[int, float]:
    """(number, bumped-at as a Unix time). Made on first use, so a fresh instance starts at a known point."""
    value = _cache().get(GENERATION_KEY)
    if value is None:
        value = (1, time.time())
        _cache().add(GENERATION_KEY, value, timeout=None)
        value = _cache().get(GENERATION_KEY) or value
    return value


def bump() -> None:
    """Make every cached page stale now (the next request of each is built afresh)."""
    number, _at = generation()
    _cache().set(GENERATION_KEY, (number + 1, time.time()), timeout=None)


def changed() -> None:
    """Called by a write that changes public pages: bump the generation once its transaction commits (a rolled
    back write changes nothing; a reader never caches the old page after the bump, see the middleware)."""
    transaction.on_commit(bump)


def public_page(view):
    """Mark a view's successful anonymous GET responses as cacheable public pages."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return wrapped


def _eligible(request) -> bool:
    if _timeout() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    if path != "/" and not path.startswith(CACHED_PREFIXES):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request, number: int) -> str:
    # The date is part of the key: 正在公示 and other date-bound parts of a page change at midnight.
    parts = "\n".join(
        (
            str(number),
            timezone.localdate().isoformat(),
            request.get_host(),
            request.get_full_path(),
            "large" if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1" else "",
        )
    )
    return "page:" + hashlib.sha256(parts.encode()).hexdigest()


def _revalidate_headers(response) -> None:
    # Browsers may keep the page but must ask again each time (ETag/Last-Modified make that a 304).
    response["Cache-Control"] = "no-cache"


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        number, bumped_at = generation()
        key = _key(request, number)
        entry = _cache().get(key)
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        if self._storable(response):
            entry = self._entry(response, bumped_at)
            # Stored only if no publication happened while the page was built (else it may be the old page).
            if generation()[0] == number:
                _cache().set(key, entry, timeout=_timeout())
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = entry["last_modified"]
            _revalidate_headers(response)
            conditional = get_conditional_response(
                request, etag=entry["etag"], last_modified=entry["modified_at"], response=response
            )
            return conditional
        return response

    @staticmethod
    def _storable(response) -> bool:
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "Cache-Control" not in response
        )

    @staticmethod
    def _entry(response, bumped_at: float) -> dict:
        body = response.content
        modified_at = int(bumped_at)
        return {
            "body": body,
            "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
            "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            "modified_at": modified_at,
            "last_modified": http_date(modified_at),
        }

    @staticmethod
    def _from_entry(request, entry):
        response = HttpResponse(entry["body"])
        for name, value in entry["headers"].items():
            response[name] = value
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = entry["last_modified"]
        response["X-Page-Cache"] = "hit"
        _revalidate_headers(response)
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["modified_at"], response=response
        )
