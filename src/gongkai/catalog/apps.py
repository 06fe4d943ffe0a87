from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "gongkai.catalog"
    label = "catalog"
    verbose_name = "主动公开"
    office_nav = [
        ("catalog_office:list", "主动公开", None),
        ("catalog_office:review_queue", "审核", None),
        ("catalog_office:catalog", "公开目录", None),
        ("catalog_office:calendar", "工作日历", None),
    ]
