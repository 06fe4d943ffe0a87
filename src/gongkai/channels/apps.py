from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "gongkai.channels"
    label = "channels"
    verbose_name = "公开渠道"
