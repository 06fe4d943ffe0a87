from django.urls import path

from gongkai.supervision import views

app_name = "supervision_office"
urlpatterns = [
    path("", views.board, name="board"),
    path("org/<int:pk>/<slug:figure>/", views.figure, name="figure"),
    path("self-check/", views.self_check, name="self_check"),
    path("todo/", views.todo, name="todo"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/weights/", views.weight_set, name="weight_set"),
]
