"""`gongkai check --deploy`: what the hardening of 依申请公开 needs in production."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from gongkai.applications import crypto  # the one definition of where the field keys come from


@register(Tags.security, deploy=True)
def tracking_keys_configured(app_configs, **kwargs):
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "GONGKAI_TRACKING_KEYS", None):
        return [
            Error(
                "GONGKAI_TRACKING_KEYS is not set: tracking codes (查询码) need their own key, newest first.",
                hint="Set GONGKAI_TRACKING_KEYS to one or more random strings (e.g. `openssl rand -base64 32`).",
                id="gongkai.applications.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def field_keys_check(app_configs, **kwargs):
    """gongkai.E001: in production the applicants' personal data is encrypted with GONGKAI_FIELD_KEYS, kept outside
    the database; without them (or with a malformed one) every application form would fail, or worse, a key file
    would be created next to the database and backed up with it."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    try:
        for key in crypto.configured_keys():
            try:
                Fernet(key.encode())
            except (ValueError, TypeError):
                raise ImproperlyConfigured(f"{crypto.ENV_VAR} holds an invalid Fernet key") from None
    except ImproperlyConfigured as exc:
        return [
            Error(
                f"Field-encryption keys are missing or invalid: {exc}",
                hint="Set GONGKAI_FIELD_KEYS to one or more Fernet keys (comma-separated, newest first); "
                "generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="gongkai.E001",
            )
        ]
    return []
