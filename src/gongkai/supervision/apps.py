from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gongkai.supervision"
    label = "supervision"
    verbose_name = "监督检查与考核"
    office_nav = [
        ("supervision_office:todo", "我的待办", None),
        ("supervision_office:self_check", "自查", None),
        ("supervision_office:board", "督查看板", None),
        ("supervision_office:assessment", "考核", None),
    ]
