from django.urls import path

from gongkai.applications import views
from gongkai.oversight import views as oversight_views

app_name = "applications_office"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/do/<slug:kind>/", views.case_action, name="action"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/personal/", views.personal_data, name="personal_data"),
    path("<int:pk>/proof/", views.proof, name="proof"),
    path("<int:pk>/letter/<slug:kind>.<slug:fmt>", views.letter, name="letter"),
    path("letters/", views.letter_templates, name="letter_templates"),
    path("letters/<slug:kind>/", views.letter_template_edit, name="letter_template_edit"),
    path("oversight/", oversight_views.overview, name="oversight"),
    path("oversight/complaints/new/", oversight_views.complaint_create, name="complaint_create"),
    path("oversight/complaints/<int:pk>/close/", oversight_views.complaint_close, name="complaint_close"),
    path("oversight/remedies/new/", oversight_views.remedy_create, name="remedy_create"),
    path("oversight/remedies/<int:pk>/decide/", oversight_views.remedy_decide, name="remedy_decide"),
]
