from django.urls import path

from gongkai.oversight import views

app_name = "oversight_office"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("remedies/new/", views.remedy_create, name="remedy_create"),
    path("remedies/<int:pk>/decide/", views.remedy_decide, name="remedy_decide"),
]
