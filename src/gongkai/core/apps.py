from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models.signals import post_migrate

        from gongkai.core.cachetable import create_cache_table

        # post_migrate is sent once per app that has models (core has none): hook onto contenttypes.
        post_migrate.connect(
            create_cache_table,
            sender=apps.get_app_config("contenttypes"),
            dispatch_uid="gongkai.core.cachetable",
        )
