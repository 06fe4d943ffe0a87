from django.urls import path

from gongkai.search import views

app_name = "search_office"
urlpatterns = [
    path("synonyms/", views.synonyms, name="synonyms"),
    path("synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym_delete"),
]
