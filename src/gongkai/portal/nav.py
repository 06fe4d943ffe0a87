from django.apps import apps
from django.urls import reverse


def org_nav(organisation, section: str) -> list[dict]:
    """The column menu of an organisation: home and guide, then each area app's `portal_nav` entries."""
    entries = [("portal:org_home", "专栏首页", "home"), ("portal:guide", "政府信息公开指南", "guide")]
    entries += [entry for config in apps.get_app_configs() for entry in getattr(config, "portal_nav", [])]
    return [
        {"url": reverse(name, args=[organisation.code]), "label": label, "active": key == section}
        for name, label, key in entries
    ]
