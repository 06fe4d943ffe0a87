from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("office/", include("gongkai.accounts.urls")),
    path("office/", include("gongkai.office.urls")),
    path("admin/", admin.site.urls),
    path("", include("gongkai.portal.urls")),
]
