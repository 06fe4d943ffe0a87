from django.urls import path

from gongkai.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("large-text/", views.large_text, name="large_text"),
    path("org/<slug:code>/", views.org_home, name="org_home"),
    path("org/<slug:code>/guide/", views.guide, name="guide"),
    path("org/<slug:code>/rules/", views.rules, name="rules"),
]
