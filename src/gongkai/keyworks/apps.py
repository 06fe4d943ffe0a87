from django.apps import AppConfig


class KeyworksConfig(AppConfig):
    name = "gongkai.keyworks"
    label = "keyworks"
    verbose_name = "重点工作全过程公开"
    office_nav = [("keyworks_office:list", "重点工作", None)]
    portal_nav = [("keyworks_portal:list", "重点工作", "keyworks")]
