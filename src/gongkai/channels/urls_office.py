from django.urls import path

from gongkai.channels import views

app_name = "channels_office"
urlpatterns = [
    path("", views.board, name="board"),
    path("dispatches/<int:pk>/retry/", views.dispatch_retry, name="retry"),
    path("dispatches/<int:pk>/confirm/", views.dispatch_confirm, name="confirm"),
    path("dispatches/<int:pk>/material/", views.dispatch_material, name="material"),
    path("notices.pdf", views.notices_batch, name="notices_batch"),
    path("targets/", views.targets, name="targets"),
    path("targets/new/", views.target_edit, name="target_create"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/unblock/", views.target_unblock, name="target_unblock"),
    path("subscribers/", views.subscribers, name="subscribers"),
    path("subscribers/<int:pk>/opt-out/", views.subscriber_opt_out, name="subscriber_opt_out"),
]
