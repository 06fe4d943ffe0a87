"""Office pages of SMS subscribers and callbacks (mounted at /office/channels/sms/ in gongkai/urls.py)."""

from django.urls import path

from gongkai.channels import views_sms

app_name = "channels_sms"
urlpatterns = [
    path("import/", views_sms.import_subscribers, name="import"),
    path("import/template.xlsx", views_sms.import_template, name="import_template"),
    path("callbacks/", views_sms.callback_addresses, name="callbacks"),
]
