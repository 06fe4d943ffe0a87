from django.urls import path

from gongkai.api import views_office

app_name = "api_office"
urlpatterns = [
    path("tokens/", views_office.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_office.token_revoke, name="token_revoke"),
    path("webhooks/", views_office.webhooks, name="webhooks"),
]
