from django.urls import path

from gongkai.workdays import views

app_name = "workdays_office"
urlpatterns = [
    path("", views.arrangements, name="arrangements"),
    path("<int:year>/", views.arrangement_edit, name="arrangement_edit"),
    path("arrangement/<int:pk>/delete/", views.arrangement_delete, name="arrangement_delete"),
]
