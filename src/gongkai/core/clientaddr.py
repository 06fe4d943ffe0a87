"""The client's address behind a known number of reverse proxies.

Each trusted proxy appends the address it received the request from to X-Forwarded-For (nginx as documented in
docs/deployment.md replaces the header with its peer's address). With `TRUSTED_PROXY_COUNT = n`, the client is the
n-th entry from the right; anything further left was written by the client and is ignored. With 0, or when the
header is shorter than promised or malformed, REMOTE_ADDR is the answer: never an address the client chose.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
