from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = "检索"
    # The portal column menu: the catalog pages live in portal/views_catalog.py, listed here because
    # portal/apps.py belongs to the portal's owner (nav order follows INSTALLED_APPS).
    portal_nav = [
        ("portal_catalog:catalog", "法定主动公开内容", "catalog"),
        ("portal_catalog:reports", "政府信息公开年报", "reports"),
    ]
