from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "gongkai.channels"
    label = "channels"
    verbose_name = "公开渠道"
    office_nav = [("channels_office:board", "渠道分发", None)]
