from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models.signals import post_migrate

        from gongkai.core.cachetable import create_cache_table

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="gongkai.core.cachetable")
