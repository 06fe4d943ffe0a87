from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("office/", include("gongkai.accounts.urls")),
    path("office/catalog/", include("gongkai.catalog.urls_office")),
    path("office/applications/", include("gongkai.applications.urls_office")),
    path("office/", include("gongkai.office.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("gongkai.api.urls")),
    path("search/", include("gongkai.search.urls")),
    path("", include("gongkai.applications.urls_portal")),
    path("", include("gongkai.portal.urls_catalog")),
    path("", include("gongkai.portal.urls")),
]
