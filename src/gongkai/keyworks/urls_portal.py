from django.urls import path

from gongkai.keyworks import views

app_name = "keyworks_portal"
urlpatterns = [
    path("org/<slug:code>/work/", views.public_list, name="list"),
    path("org/<slug:code>/work/<int:pk>/", views.public_timeline, name="timeline"),
]
