from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gongkai.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from gongkai.audit import checks  # noqa: F401 - registers the deploy check
