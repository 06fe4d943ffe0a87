from django.urls import path

from gongkai.portal import views_search as views

app_name = "search"
urlpatterns = [path("", views.search, name="search")]
