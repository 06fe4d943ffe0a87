"""`gongkai check --deploy`: what the hardening of 依申请公开 needs in production."""

from django.conf import settings
from django.core.checks import Error, Tags, register


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
