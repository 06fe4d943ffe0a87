"""`gongkai check --deploy`: in production the audit chain must be keyed from outside the database."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from gongkai.audit.keys import ENV_VAR, audit_keys, env_keys_present


@register(Tags.security, deploy=True)
def audit_keys_configured(app_configs, **kwargs):
    if not getattr(settings, "PRODUCTION", False):
        return []
    if not env_keys_present():
        return [
            Error(
                f"{ENV_VAR} is not set: audit rows and checkpoints cannot be signed",
                hint="Set GONGKAI_AUDIT_KEYS to one or more secrets of at least 32 characters, newest first "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))'); keep them outside the "
                "database and its backups (docs/operations.md).",
                id="gongkai.audit.E001",
            )
        ]
    try:
        audit_keys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="gongkai.audit.E002")]
    return []
