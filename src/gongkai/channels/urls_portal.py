from django.urls import path

from gongkai.channels import views, views_subscribe

app_name = "channels_portal"
urlpatterns = [
    path("led/<int:pk>/feed.<str:fmt>", views.led_feed, name="led_feed"),
    path("org/<slug:code>/subscribe/", views_subscribe.subscribe, name="subscribe"),
    path("org/<slug:code>/subscribe/confirm/", views_subscribe.subscribe_confirm, name="subscribe_confirm"),
    path("org/<slug:code>/unsubscribe/", views_subscribe.unsubscribe, name="unsubscribe"),
    path(
        "org/<slug:code>/unsubscribe/confirm/",
        views_subscribe.unsubscribe_confirm,
        name="unsubscribe_confirm",
    ),
]
