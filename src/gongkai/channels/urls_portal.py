from django.urls import path

from gongkai.channels import views

app_name = "channels_portal"
urlpatterns = [
    path("led/<int:pk>/feed.<str:fmt>", views.led_feed, name="led_feed"),
]
