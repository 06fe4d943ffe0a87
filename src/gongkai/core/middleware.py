import errno
import logging
import re

from django.conf import settings
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

log = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header: only this site's own scripts, styles and fonts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


# The office and the admin; an applicant's own pages: the application form, its receipt with the tracking code,
# and the tracking page with their (masked) data and letters.
NO_STORE_PATHS = re.compile(r"^/(?:office|admin|track)/|^/org/[^/]+/apply/")


class NoStoreMiddleware:
    """Pages with personal data: no browser or proxy may keep a copy (`Cache-Control: no-store`), so the back
    button of a shared computer after logout shows nothing (GB/T 22239-2019 8.1.4.8 剩余信息保护)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if NO_STORE_PATHS.match(request.path):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response


BUSY_WORDS = (
    "database is locked",  # SQLite: the busy timeout ran out
    "database table is locked",
    "database or disk is full",  # SQLite: the disk is full
    "lock timeout",  # PostgreSQL: lock_timeout
    "could not obtain lock",
    "no space left on device",  # PostgreSQL: the disk is full
    "busy",
)
RETRY_AFTER_SECONDS = 30


def is_temporary_overload(exception: BaseException) -> bool:
    """A lock that timed out or a full disk: the request may succeed later; nothing about it is a bug."""
    if isinstance(exception, OperationalError):
        message = str(exception).lower()
        return any(word in message for word in BUSY_WORDS)
    if isinstance(exception, OSError):
        return exception.errno in (errno.ENOSPC, errno.EDQUOT)
    return False


class ServiceUnavailableMiddleware:
    """Turn a lock timeout or a full disk into a Chinese 503 page with Retry-After, instead of a bare 500.

    The view's transaction has already been rolled back when the exception reaches here, so nothing of the
    request was stored: the page says so and asks the reader to try again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import HttpResponse

        if not is_temporary_overload(exception):
            return None
        log.error("503 for %s %s: %r", request.method, request.path, exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
