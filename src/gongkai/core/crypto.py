"""Field-level encryption of personal data and secrets (applicants' data, subscribers' phone numbers, channel
credentials), with keys kept outside the database.

Keys come from the environment variable GONGKAI_FIELD_KEYS (comma-separated Fernet keys, newest first). Outside
production, when it is unset, a key file in settings.DATA_DIR is created on first use (like the SECRET_KEY file).
Encryption always uses the newest key; decryption tries every key (MultiFernet), so a new key can be put first and
`gongkai applications rotate_keys` re-encrypts every row with it.

Stored format: a versioned envelope ``gk1:<Fernet token>``. Every value written through `EncryptedTextField` is
encrypted, whatever it looks like: a value typed by an applicant that happens to start with ``gk1:`` or the old
``fernet:`` prefix is encrypted like any other text, so input can never be taken for ciphertext. Only a
`Ciphertext` object (made by this module, never by a form) is written as it is, which is how key rotation
rewrites rows. Stored text that is not a readable envelope is never shown as plaintext: the row reads as
`Undecryptable` ("（无法解密）"), is logged, and every other row of the list still loads.

The ciphertext is randomised, so equality needs a keyed hash: `identity_hash` is an HMAC-SHA256 whose key is
derived from the newest field key (rotation recomputes the hashes).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from gongkai.core.keyfiles import keys_from_file

ENV_VAR = "GONGKAI_FIELD_KEYS"
KEY_FILE_NAME = "field_keys"
ENVELOPE = "gk1:"  # version 1: a Fernet token (AES-128-CBC + HMAC-SHA256) under MultiFernet
LEGACY_PREFIX = "fernet:"  # before migration 0002; only the migration reads it
UNDECRYPTABLE_TEXT = "（无法解密）"


class DecryptionError(Exception):
    """A stored value that is not an envelope this module wrote, or whose key is not configured."""


class Ciphertext(str):
    """A stored envelope, written as it is. Only this module makes these."""


class Undecryptable(str):
    """What an undecryptable column reads as: shows "（无法解密）", keeps the stored text so that saving the row
    again does not destroy it."""

    stored: str

    def __new__(cls, stored: str):
        obj = super().__new__(cls, UNDECRYPTABLE_TEXT)
        obj.stored = stored
        return obj


def _keys_from_file() -> list[str]:
    return keys_from_file(KEY_FILE_NAME, lambda: Fernet.generate_key().decode())


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


def encrypt(value: str) -> Ciphertext:
    """The envelope of `value`, whatever `value` looks like."""
    return Ciphertext(ENVELOPE + fernet().encrypt(value.encode()).decode())


def decrypt(stored: str) -> str:
    """The clear text of an envelope; DecryptionError for anything else (never returns stored text as is)."""
    if isinstance(stored, Undecryptable):
        raise DecryptionError("该值此前已无法解密")
    if not stored.startswith(ENVELOPE):
        raise DecryptionError("不是本系统写入的加密格式")
    try:
        return fernet().decrypt(stored[len(ENVELOPE) :].encode()).decode()
    except (InvalidToken, UnicodeDecodeError) as exc:
        raise DecryptionError(f"{ENV_VAR} 中缺少加密该数据的密钥，或密文已损坏") from exc


def rotate(stored: str) -> Ciphertext:
    """The same value encrypted with the newest key; DecryptionError when it cannot be read."""
    if isinstance(stored, Undecryptable) or not stored.startswith(ENVELOPE):
        raise DecryptionError("不是本系统写入的加密格式")
    try:
        token = fernet().rotate(stored[len(ENVELOPE) :].encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(f"{ENV_VAR} 中缺少加密该数据的密钥，或密文已损坏") from exc
    return Ciphertext(ENVELOPE + token)


def is_fernet_token(text: str) -> bool:
    """Whether `text` has the structure of a Fernet token (version byte 0x80, at least the fixed fields)."""
    import base64
    import binascii

    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError):
        return False
    return len(raw) >= 57 and raw[0] == 0x80


def normalise_identity(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value` with a key derived from the newest field key and `purpose`."""
    newest = configured_keys()[0].encode()
    key = hashlib.sha256(b"gongkai-field-hash:" + purpose.encode() + b":" + newest).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored as an encrypted envelope. Not searchable or orderable by its clear value.

    Reading a row whose value cannot be decrypted gives `Undecryptable` (logged), not an exception, so one bad
    row never breaks a list."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except DecryptionError as exc:
            # logged under the owning app (gongkai.applications.crypto, gongkai.channels.crypto …)
            label = getattr(self.model, "_meta", None) and self.model._meta.app_label
            logging.getLogger(f"gongkai.{label}.crypto").error(
                "Undecryptable value in %s.%s: %s",
                getattr(self.model, "_meta", None) and self.model._meta.label,
                self.name,
                exc,
            )
            return Undecryptable(value)

    def get_prep_value(self, value):
        if isinstance(value, Undecryptable):
            return value.stored  # leave what is stored untouched
        if isinstance(value, Ciphertext):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return str(encrypt(value))
