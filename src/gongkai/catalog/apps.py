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

    def ready(self):
        from gongkai.catalog.services import on_calendar_changed
        from gongkai.workdays.signals import calendar_changed

        # Stored due dates and 公示期 move with the calendar, in the same transaction as the calendar write.
        calendar_changed.connect(on_calendar_changed, dispatch_uid="catalog.stored_deadlines_recompute")
