from django.urls import path

from gongkai.office import views

app_name = "office"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("switch/", views.switch_org, name="switch_org"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/move/", views.organisation_move, name="organisation_move"),
    path("organisations/<int:parent_pk>/new/", views.organisation_create, name="organisation_create"),
    path("staff/", views.staff, name="staff"),
    path("funding/", views.funding, name="funding"),
    path("records/<str:kind>/new/", views.record_create, name="record_create"),
    path("records/<str:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<str:kind>/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("users/", views.users, name="users"),
    path("users/roles/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("users/<int:pk>/disable/", views.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", views.user_enable, name="user_enable"),
    path("audit/", views.audit, name="audit"),
]
