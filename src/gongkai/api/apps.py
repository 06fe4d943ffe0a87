from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gongkai.api"
    label = "api"
    verbose_name = "接口"
    office_nav = [("api_office:tokens", "接口令牌", "manage")]
