from django.urls import path

from gongkai.participation import views_portal as views

app_name = "participation_portal"
urlpatterns = [
    path("org/<slug:code>/questions/", views.questions, name="questions"),
    path("org/<slug:code>/questions/ask/", views.ask, name="ask"),
    path("org/<slug:code>/questions/<int:pk>/", views.question_detail, name="question"),
    path("org/<slug:code>/consultations/", views.consultations, name="consultations"),
    path("org/<slug:code>/consultations/<int:pk>/", views.consultation_detail, name="consultation"),
]
