from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = "检索"
    office_nav = [("search_office:synonyms", "检索同义词", "manage")]
