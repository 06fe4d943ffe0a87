"""The audit log's keys, kept outside the database.

GONGKAI_AUDIT_KEYS holds comma-separated secrets (each at least 32 characters), newest first. New rows and
checkpoints are signed with the newest; every listed key still verifies the rows it signed, so a new key is put
first and the old ones stay listed until their rows are purged. Each row stores the id of its key: the first 16
hex digits of a SHA-256 of the key, which does not reveal it.

Outside production, when the variable is unset, a key file in settings.DATA_DIR is created on first use (like
the SECRET_KEY and field-key files). In production a missing key is an error (`gongkai check --deploy` reports
it, and writing an audit row refuses).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gongkai.core.keyfiles import keys_from_file

ENV_VAR = "GONGKAI_AUDIT_KEYS"
KEY_FILE_NAME = "audit_keys"
MINIMUM_KEY_LENGTH = 32


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes

    def sign(self, message: str) -> str:
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()


def key_id_of(secret: str) -> str:
    return hashlib.sha256(b"gongkai-audit-key-id:" + secret.encode()).hexdigest()[:16]


def _keys_from_file() -> list[str]:
    return keys_from_file(KEY_FILE_NAME, lambda: secrets.token_urlsafe(32))


def env_keys_present() -> bool:
    return bool(os.environ.get(ENV_VAR, "").strip())


def configured_secrets() -> list[str]:
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        return [k.strip() for k in raw.split(",") if k.strip()]
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(f"{ENV_VAR} must be set when GONGKAI_PRODUCTION=1")
    return _keys_from_file()


@lru_cache(maxsize=8)
def _keys(raw: tuple[str, ...]) -> tuple[AuditKey, ...]:
    if not raw:
        raise ImproperlyConfigured(f"{ENV_VAR} holds no key")
    for secret in raw:
        if len(secret) < MINIMUM_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"{ENV_VAR}: every key must be at least {MINIMUM_KEY_LENGTH} characters"
            )
    return tuple(AuditKey(key_id_of(secret), secret.encode()) for secret in raw)


def audit_keys() -> tuple[AuditKey, ...]:
    """The configured keys, newest first."""
    return _keys(tuple(configured_secrets()))


def signing_key() -> AuditKey:
    return audit_keys()[0]


def key_by_id(key_id: str) -> AuditKey | None:
    return next((key for key in audit_keys() if key.key_id == key_id), None)
