from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self):
        from gongkai.accounts import signals  # noqa: F401
