from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "gongkai.channels"
    label = "channels"
    verbose_name = "公开渠道"
    office_nav = [("channels_office:board", "渠道分发", None)]
    # shown only on the columns of a township with an SMS channel that sends codes (and its villages)
    portal_nav = [
        (
            "channels_portal:subscribe",
            "订阅短信提醒",
            "subscribe",
            "gongkai.channels.services.subscription_open",
        )
    ]
