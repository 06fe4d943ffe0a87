from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "gongkai.participation"
    label = "participation"
    verbose_name = "政民互动"
    office_nav = [("participation_office:overview", "政民互动", None)]
    portal_nav = [
        ("participation_portal:questions", "留言咨询", "questions"),
        ("participation_portal:consultations", "意见征集", "consultations"),
    ]
