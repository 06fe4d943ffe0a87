"""Tracking codes (查询码) of applications: only a keyed hash is stored, under a dedicated key with rotation.

Keys come from the setting GONGKAI_TRACKING_KEYS (environment variable of the same name, comma-separated,
newest first). New codes are hashed with the newest key; every listed key still verifies, so a key can be
rotated by putting a new one first and keeping the old one until its codes no longer matter. SECRET_KEY plays
no part: rotating it (sessions, CSRF) leaves every tracking code valid. Outside production, when no key is
set, one is created in settings.DATA_DIR (file `tracking_key`, mode 0600) on first use.

Codes stored before this module (hashed with SECRET_KEY) still verify while SECRET_KEY is unchanged and are
re-hashed under the newest tracking key on their first successful use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "GONGKAI_TRACKING_KEYS"
KEY_FILE_NAME = "tracking_key"


def tracking_keys() -> list[str]:
    """The tracking keys, newest first."""
    keys = [k.strip() for k in (getattr(settings, SETTING, None) or []) if k and k.strip()]
    if keys:
        return keys
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(f"{SETTING} must be set when GONGKAI_PRODUCTION=1")
    data_dir = settings.DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / KEY_FILE_NAME
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(32) + "\n")
        key_file.chmod(0o600)
    return [key_file.read_text().strip()]


def _normalise(code: str) -> bytes:
    return (code or "").strip().upper().encode()


def _hash_with(key: str, code: str) -> str:
    derived = hashlib.sha256(b"gongkai-tracking:" + key.encode()).digest()
    return hmac.new(derived, _normalise(code), hashlib.sha256).hexdigest()


def _legacy_hash(code: str) -> str:
    key = hashlib.sha256(b"gongkai-lookup:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, _normalise(code), hashlib.sha256).hexdigest()


def lookup_hash(code: str) -> str:
    """What is stored for a new code: its HMAC under the newest tracking key."""
    return _hash_with(tracking_keys()[0], code)


def verify(stored: str, code: str) -> tuple[bool, bool]:
    """(matches, needs_rehash): whether `code` matches the stored hash under any tracking key (or the legacy
    SECRET_KEY hash), and whether it should be re-hashed under the newest key."""
    if not stored:
        return False, False
    keys = tracking_keys()
    for index, key in enumerate(keys):
        if hmac.compare_digest(stored, _hash_with(key, code)):
            return True, index > 0
    if hmac.compare_digest(stored, _legacy_hash(code)):
        return True, True
    return False, False


def find(candidates, code: str):
    """The candidate application whose stored hash matches `code`, re-hashed under the newest key when it was
    made with an older one; None when none matches."""
    for application in candidates:
        matches, rehash = verify(application.lookup_hash, code)
        if matches:
            if rehash:
                new = lookup_hash(code)
                type(application).objects.filter(pk=application.pk).update(lookup_hash=new)
                application.lookup_hash = new
            return application
    return None
