"""Reads from a PostgreSQL streaming replica (province scale, docs/deployment.md).

With DATABASE_REPLICA_URL set, settings add a `replica` database alias, this router and `ReplicaMiddleware`.
Only an anonymous reader's safe request (GET/HEAD, no session cookie) of a public page or the public API reads
from the replica; everything else reads and writes the primary (`default`):
- every write request (POST, PUT, PATCH, DELETE), every office, admin, login and captcha page, every request
  with a session cookie (staff, a reader in the middle of a form) or an API token;
- every read inside a transaction on the primary (a write's own reads see its own rows);
- replica lag: a reader who has just written (any write request) carries a signed cookie for
  REPLICA_LAG_SECONDS and reads from the primary until it expires, so the clerk who published, or the applicant
  who just applied, sees the new row at once;
- for the same window after a publication bumps the public-page cache (core.pagecache), every anonymous page is
  built from the primary, so a page built from a replica that has not yet replayed the publication is never
  stored in the cache under the new generation.
Migrations run only on `default`; in tests the replica alias mirrors `default` (settings)."""

import contextvars
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
WROTE_COOKIE = "gk_wrote"  # signed; its value is the time of the write
WROTE_SALT = "gongkai.core.dbrouter.wrote"
SAFE_METHODS = ("GET", "HEAD")
# Pages that read what the same person wrote a moment ago, or write on GET: always the primary.
PRIMARY_PREFIXES = ("/office/", "/admin/", "/captcha/", "/healthz")

_read_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("read_from_replica", default=False)


def lag_seconds() -> int:
    return getattr(settings, "REPLICA_LAG_SECONDS", 10)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _wrote_recently(request) -> bool:
    value = request.get_signed_cookie(WROTE_COOKIE, default=None, salt=WROTE_SALT, max_age=lag_seconds())
    return value is not None


def _publication_recent(now: float) -> bool:
    # A page built from a lagging replica right after a publication must not be cached as the new page.
    if getattr(settings, "PAGE_CACHE_SECONDS", 0) <= 0:
        return False
    from gongkai.core import pagecache

    _number, bumped_at = pagecache.generation()
    return now - bumped_at < lag_seconds()


def reads_from_replica(request, *, now: float | None = None) -> bool:
    """True when this request's reads may go to the replica (the rules of the module docstring)."""
    if request.method not in SAFE_METHODS:
        return False
    if request.path.startswith(PRIMARY_PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:  # an API token: a revoked one must stop working at once
        return False
    if _wrote_recently(request):
        return False
    return not _publication_recent(time.time() if now is None else now)


class ReplicaMiddleware:
    """Decides, per request, whether its reads may go to the replica; marks a writer for the lag window."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _read_from_replica.set(reads_from_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _read_from_replica.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                WROTE_COOKIE,
                str(int(time.time())),
                salt=WROTE_SALT,
                max_age=lag_seconds(),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


class PrimaryReplicaRouter:
    """Reads to the replica only while ReplicaMiddleware allows it and no primary transaction is open."""

    def db_for_read(self, model, **hints):
        # The database cache (limits of the public form and the API) counts what was just written: primary.
        if model._meta.app_label == "django_cache":
            return PRIMARY
        if _read_from_replica.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: one database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
