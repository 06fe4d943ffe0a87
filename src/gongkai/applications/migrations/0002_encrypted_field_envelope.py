"""Move encrypted personal data to the versioned envelope ``gk1:<Fernet token>`` (crypto.py).

Forward: a ``fernet:<token>`` that decrypts becomes ``gk1:<token>`` (same ciphertext); anything else that is not
already an envelope — a value written before encryption, or text an applicant typed that merely started with
``fernet:`` — is the clear value and is encrypted whole. A structurally valid Fernet token that no configured
key opens stops the migration: put the missing key in GONGKAI_FIELD_KEYS first.
Reverse: ``gk1:<token>`` becomes ``fernet:<token>`` again (the old code decrypts it the same way).
"""

from cryptography.fernet import InvalidToken
from django.db import migrations

FIELDS = ("id_number", "phone", "address")
OLD, NEW = "fernet:", "gk1:"


def _forward_value(value, fernet, is_token):
    if not value or value.startswith(NEW):
        return value
    if value.startswith(OLD):
        token = value[len(OLD) :]
        try:
            fernet.decrypt(token.encode())
        except InvalidToken:
            if is_token(token):
                raise RuntimeError(
                    "加密的个人信息无法用 GONGKAI_FIELD_KEYS 中的密钥解密：请先加入原来的密钥再迁移"
                ) from None
        else:
            return NEW + token
    return NEW + fernet.encrypt(value.encode()).decode()


# Raw SQL: the historical model carries the real EncryptedTextField, which would decrypt on read and encrypt
# on write.
SELECT = "SELECT id, id_number, phone, address FROM applications_application"
UPDATE = "UPDATE applications_application SET id_number = %s, phone = %s, address = %s WHERE id = %s"


def _rewrite(schema_editor, convert):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SELECT)
        rows = cursor.fetchall()
        for pk, *values in rows:
            new = [convert(v) for v in values]
            if new != values:
                cursor.execute(UPDATE, [*new, pk])


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SELECT + " WHERE id_number <> '' OR phone <> '' OR address <> '' LIMIT 1")
        if cursor.fetchone() is None:
            return  # a new database needs no key
    from gongkai.applications import crypto

    fernet = crypto.fernet()
    _rewrite(schema_editor, lambda v: _forward_value(v, fernet, crypto.is_fernet_token))


def backward(apps, schema_editor):
    _rewrite(schema_editor, lambda v: OLD + v[len(NEW) :] if v and v.startswith(NEW) else v)


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
