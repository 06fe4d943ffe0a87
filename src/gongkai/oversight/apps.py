from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "gongkai.oversight"
    label = "oversight"
    verbose_name = "监督与救济"
    office_nav = [("oversight_office:overview", "投诉与复议诉讼", None)]
