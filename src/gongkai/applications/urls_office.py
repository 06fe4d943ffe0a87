from django.urls import path

from gongkai.applications import views

app_name = "applications_office"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/do/<slug:kind>/", views.case_action, name="action"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/personal/", views.personal_data, name="personal_data"),
    path("<int:pk>/proof/", views.proof, name="proof"),
    path("<int:pk>/files/<int:file_pk>/", views.case_file, name="file"),
    path("<int:pk>/files/attach/", views.attach_files, name="attach_files"),
    path("<int:pk>/letter/<slug:kind>.<slug:fmt>", views.letter, name="letter"),
    path("letters/", views.letter_templates, name="letter_templates"),
    path("letters/settings/", views.letter_settings, name="letter_settings"),
    path("letters/<slug:kind>/", views.letter_template_edit, name="letter_template_edit"),
]
