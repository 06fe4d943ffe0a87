"""Field-level encryption of applicants' personal data, with keys kept outside the database.

Keys come from the environment variable GONGKAI_FIELD_KEYS (comma-separated Fernet keys, newest first). Outside
production, when it is unset, a key file in settings.DATA_DIR is created on first use (like the SECRET_KEY file).
Encryption always uses the newest key; decryption tries every key (MultiFernet), so a new key can be put first and
`gongkai applications rotate_keys` re-encrypts every row with it.

The ciphertext is randomised, so equality needs a keyed hash: `identity_hash` is an HMAC-SHA256 whose key is
derived from the newest field key (rotation recomputes the hashes).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

ENV_VAR = "GONGKAI_FIELD_KEYS"
KEY_FILE_NAME = "field_keys"
PREFIX = "fernet:"


def _keys_from_file() -> list[str]:
    data_dir = settings.DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / KEY_FILE_NAME
    if not key_file.exists():
        key_file.write_text(Fernet.generate_key().decode() + "\n")
        key_file.chmod(0o600)
    return list(_read_key_file(str(key_file), key_file.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _read_key_file(path: str, mtime_ns: int) -> tuple[str, ...]:
    with open(path) as handle:
        text = handle.read()
    return tuple(line.strip() for line in text.replace(",", "\n").splitlines() if line.strip())


def configured_keys() -> list[str]:
    """The field keys, newest first."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        keys = [k.strip() for k in raw.split(",") if k.strip()]
    elif getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(f"{ENV_VAR} must be set when GONGKAI_PRODUCTION=1")
    else:
        keys = _keys_from_file()
    if not keys:
        raise ImproperlyConfigured(f"{ENV_VAR} holds no key")
    return keys


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{ENV_VAR} holds an invalid Fernet key") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        return token  # a value written before encryption (or already anonymised)
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(f"个人信息无法解密：{ENV_VAR} 中缺少加密该数据的密钥") from exc


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    if not token.startswith(PREFIX):
        return encrypt(token) if token else token
    return PREFIX + fernet().rotate(token[len(PREFIX) :].encode()).decode()


def normalise_identity(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value` with a key derived from the newest field key and `purpose`."""
    newest = configured_keys()[0].encode()
    key = hashlib.sha256(b"gongkai-field-hash:" + purpose.encode() + b":" + newest).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored as Fernet ciphertext. Not searchable or orderable by its clear value."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if value.startswith(PREFIX):
            return value
        return encrypt(value)
