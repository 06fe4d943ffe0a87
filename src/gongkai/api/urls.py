from django.urls import path

from gongkai.api import views

app_name = "api"
urlpatterns = [
    path("deadline", views.deadline, name="deadline"),
    path("deadline/", views.deadline),
]
