from django.urls import path, re_path

from gongkai.participation import views_office as views

app_name = "participation_office"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("questions/<int:pk>/transfer/", views.question_transfer, name="question_transfer"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("consultations/<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("consultations/<int:pk>/feedback/", views.consultation_feedback, name="consultation_feedback"),
    re_path(
        r"^comments/(?P<pk>\d+)/(?P<decision>approve|reject)/$",
        views.comment_moderate,
        name="comment_moderate",
    ),
    path("responses/new/", views.response_create, name="response_create"),
]
