from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    label = "applications"
    verbose_name = "依申请公开"
    office_nav = [
        ("applications_office:queue", "依申请公开", None),
    ]
    portal_nav = [("applications_portal:apply", "依申请公开", "apply")]

    def ready(self):
        from gongkai.applications import deploy_checks  # noqa: F401  (registers the --deploy checks)
