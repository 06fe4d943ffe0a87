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
import os
import tempfile
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

ALIAS = "pages"
GENERATION_KEY = "generation"
GENERATION_FILE = "generation.txt"  # beside the file cache's entries (not a .djcache file: clear() keeps it)
CACHED_PREFIXES = ("/org/", "/item/", "/search/")  # and the portal home "/"
LARGE_TEXT_COOKIE = "gk_large"  # the portal's 长者模式 cookie: a page in large text is another page
# Headers of the response as the view and the inner middleware made it, kept with the body.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary", "Content-Disposition")
# Each worker keeps the pages it served last in its own memory, in front of the shared cache: a hit is then a
# dictionary lookup, not a file read, unpickling and decompression. Bounded by the bodies' bytes (RSS ≤ 200 MB).
LOCAL_BYTES = 24 * 1024 * 1024
CULL_EVERY = 500  # the file cache lists its folder on every write; the page cache culls once every N writes


class PageFileCache(FileBasedCache):
    """Django's file cache, but culling (which lists the whole folder: ~20 ms at 20,000 pages) only once every
    CULL_EVERY writes of this process instead of on every write. MAX_ENTRIES is then a soft bound."""

    _writes = 0

    def _cull(self):
        PageFileCache._writes += 1
        if PageFileCache._writes % CULL_EVERY == 1:
            super()._cull()


def _cache():
    return caches[ALIAS]


def _timeout() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)  # 0: no page cache


class _Generation:
    """The generation number, read cheaply on every request.

    With the file cache (one machine, the embedded default) it is a small file beside the pages: a request
    costs one stat(); the file is read again only when it was replaced. With a shared cache (Redis, several
    servers) it is a key of that cache. Its value is (number, bumped-at): the bumped-at time tells two
    generations apart even when two bumps race to the same number or the cache was cleared."""

    def __init__(self):
        self._stat = None
        self._value = None

    @staticmethod
    def _file():
        cache = _cache()
        return os.path.join(cache._dir, GENERATION_FILE) if isinstance(cache, FileBasedCache) else None

    def read(self) -> tuple[int, float]:
        path = self._file()
        if path is None:
            return self._read_shared()
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            self._write_file(path, (1, time.time()))
            stat = os.stat(path)
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if signature != self._stat:
            with open(path) as handle:
                number, at = handle.read().split()
            self._value, self._stat = (int(number), float(at)), signature
        return self._value

    @staticmethod
    def _read_shared() -> tuple[int, float]:
        value = _cache().get(GENERATION_KEY)
        if value is None:
            value = (1, time.time())
            _cache().add(GENERATION_KEY, value, timeout=None)
            value = _cache().get(GENERATION_KEY) or value
        return value

    @staticmethod
    def _write_file(path, value) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".generation-")
        with os.fdopen(handle, "w") as out:
            out.write(f"{value[0]} {value[1]!r}\n")
        # The modification time only ever grows, even for two bumps within the clock's resolution and a reused
        # inode number: a reader comparing stat() results never misses a bump.
        try:
            previous = os.stat(path).st_mtime_ns
        except FileNotFoundError:
            previous = 0
        stamp = max(time.time_ns(), previous + 1_000)
        os.utime(temporary, ns=(stamp, stamp))
        os.replace(temporary, path)  # readers see the old file or the new one, never half of one

    def bump(self) -> None:
        number, _at = self.read()
        value = (number + 1, time.time())
        path = self._file()
        if path is None:
            _cache().set(GENERATION_KEY, value, timeout=None)
        else:
            self._write_file(path, value)


_generation = _Generation()


class _LocalPages:
    """This process's copies of the pages it served last (least recently used out first), of one generation."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.generation = None
        self.entries: OrderedDict = OrderedDict()

    def get(self, generation, key):
        if generation != self.generation:
            self.entries.clear()
            self.size, self.generation = 0, generation
            return None
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry["expires_at"] < time.time():
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, generation, key, entry) -> None:
        if generation != self.generation:
            self.entries.clear()
            self.size, self.generation = 0, generation
        size = len(entry["body"])
        if size > self.limit // 8:
            return
        if key in self.entries:
            self._drop(key)
        self.entries[key] = entry
        self.size += size
        while self.size > self.limit:
            self._drop(next(iter(self.entries)))

    def _drop(self, key) -> None:
        self.size -= len(self.entries.pop(key)["body"])


_local = _LocalPages(LOCAL_BYTES)


def generation() -> tuple[int, float]:
    """(number, bumped-at as a Unix time). Made on first use, so a fresh instance starts at a known point."""
    return _generation.read()


def bump() -> None:
    """Make every cached page stale now (the next request of each is built afresh)."""
    _generation.bump()


def changed() -> None:
    """Called by a write that changes public pages: bump the generation once its transaction commits (a rolled
    back write changes nothing; a reader never caches the old page after the bump, see the middleware)."""
    transaction.on_commit(bump)


class _Remembered:
    """Reads shared by many public pages (which sub-columns an organisation shows, its years, the catalog's
    areas), kept in this process for one generation and at most PAGE_CACHE_SECONDS: the same writes that make
    the cached pages stale make these stale."""

    def __init__(self):
        self.generation = None
        self.values: dict = {}

    def get(self, key: tuple, compute):
        timeout = _timeout()
        if timeout <= 0:  # no page cache (tests, or switched off): always read afresh
            return compute()
        current = generation()
        if current != self.generation:
            self.values.clear()
            self.generation = current
        key = (*key, timezone.localdate())  # date-bound reads (正在公示) change at midnight
        now = time.monotonic()
        found = self.values.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = compute()
        if generation() == current:  # not across a bump: the value may predate it
            if len(self.values) > 10_000:
                self.values.clear()
            self.values[key] = (now + timeout, value)
        return value


_remembered = _Remembered()


def remember(key: tuple, compute):
    """`compute()`, or its value kept from an earlier request of this generation (see _Remembered). Only for
    public reads that every publication, retraction and organisation edit may change, never for office data."""
    return _remembered.get(key, compute)


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


def _key_parts(request, generation) -> str:
    # The date is part of the key: 正在公示 and other date-bound parts of a page change at midnight.
    return "\n".join(
        (
            f"{generation[0]} {generation[1]!r}",
            timezone.localdate().isoformat(),
            request.get_host(),
            request.get_full_path(),
            "large" if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1" else "",
        )
    )


def _shared_key(parts: str) -> str:
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
        current = generation()
        parts = _key_parts(request, current)
        entry = _local.get(current, parts)
        if entry is None:
            entry = _cache().get(_shared_key(parts))
            if entry is not None and entry.get("expires_at", 0) >= time.time():
                _local.put(current, parts, entry)
            else:
                entry = None
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        if self._storable(response):
            entry = self._entry(response, current[1])
            # Stored only if no publication happened while the page was built (else it may be the old page).
            if generation() == current:
                _cache().set(_shared_key(parts), entry, timeout=_timeout())
                _local.put(current, parts, entry)
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
            "expires_at": time.time() + _timeout(),
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
