from django.urls import path

from gongkai.keyworks import views

app_name = "keyworks_office"
urlpatterns = [
    path("", views.work_list, name="list"),
    path("new/", views.work_create, name="create"),
    path("<int:pk>/", views.work_detail, name="detail"),
    path("<int:pk>/edit/", views.work_edit, name="edit"),
    path("<int:pk>/link/", views.item_link, name="link"),
    path("<int:pk>/links/<int:link_pk>/unlink/", views.item_unlink, name="unlink"),
    path("stages/<int:pk>/plan/", views.stage_plan, name="stage_plan"),
    path("kinds/", views.kind_list, name="kinds"),
    path("kinds/install/", views.kinds_install, name="kinds_install"),
    path("kinds/<int:pk>/customise/", views.kind_customise, name="kind_customise"),
    path("kinds/<int:pk>/stages/new/", views.kind_stage_edit, name="kind_stage_add"),
    path("kinds/<int:pk>/stages/<int:stage_pk>/", views.kind_stage_edit, name="kind_stage_edit"),
]
