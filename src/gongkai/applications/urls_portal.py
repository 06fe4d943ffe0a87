from django.urls import path

from gongkai.applications import views

app_name = "applications_portal"
urlpatterns = [
    path("org/<slug:code>/apply/", views.apply, name="apply"),
    path("track/", views.track, name="track"),
    path("track/letter.<slug:fmt>", views.track_letter, name="track_letter"),
    path("track/correction/", views.track_correction, name="track_correction"),
    path("track/contact/", views.track_contact, name="track_contact"),
    path("track/file/<int:file_pk>/", views.track_file, name="track_file"),
    path("deadline/", views.deadline, name="deadline"),
]
