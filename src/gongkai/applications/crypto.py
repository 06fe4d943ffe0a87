"""Applicants' personal fields are encrypted with the project's one field encryption, `gongkai.core.crypto`
(shared with the channels' credentials and subscribers). This name stays for the migrations that refer to
`gongkai.applications.crypto.EncryptedTextField` and for the application code that imports it from here."""

from gongkai.core.crypto import (  # noqa: F401
    ENV_VAR,
    ENVELOPE,
    KEY_FILE_NAME,
    LEGACY_PREFIX,
    UNDECRYPTABLE_TEXT,
    Ciphertext,
    DecryptionError,
    EncryptedTextField,
    Undecryptable,
    configured_keys,
    decrypt,
    encrypt,
    fernet,
    is_fernet_token,
    keyed_hash,
    normalise_identity,
    rotate,
)
