from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from gongkai.core import checks  # noqa: F401  (registers the deploy checks)
