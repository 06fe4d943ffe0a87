"""Public addresses the SMS vendors push to (mounted at /callbacks/sms/ in gongkai/urls.py): no session, no CSRF
token; the secret in the path is the credential (channels.views_sms)."""

from django.urls import path

from gongkai.channels import views_sms

app_name = "channels_callbacks"
urlpatterns = [
    path("<int:pk>/<str:token>/report/", views_sms.sms_report, name="report"),
    path("<int:pk>/<str:token>/reply/", views_sms.sms_reply, name="reply"),
]
