from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gongkai.api.v1 import api as api_v1
from gongkai.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # database, migrations, disk (core.health)
    path("office/", include("gongkai.accounts.urls")),
    path("office/catalog/", include("gongkai.catalog.urls_office")),
    # 举报投诉 and 行政复议/诉讼 keep the addresses they had under 依申请公开.
    path("office/applications/oversight/", include("gongkai.oversight.urls_office")),
    path("office/applications/", include("gongkai.applications.urls_office")),
    path("office/reports/", include("gongkai.reports.urls_office")),
    path("office/workdays/", include("gongkai.workdays.urls_office")),
    path("office/channels/sms/", include("gongkai.channels.urls_sms_office")),
    path("office/channels/", include("gongkai.channels.urls_office")),
    path("office/api/", include("gongkai.api.urls_office")),
    path("office/participation/", include("gongkai.participation.urls_office")),
    path("office/supervision/", include("gongkai.supervision.urls_office")),
    path("office/keyworks/", include("gongkai.keyworks.urls_office")),
    path("office/search/", include("gongkai.search.urls_office")),
    path("office/", include("gongkai.office.urls")),
    # Staff log in through the office (password, lockout, two-factor); the admin site has no login of its own.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),  # the OpenAPI-described API (gongkai.api.v1)
    path("api/", include("gongkai.api.urls")),
    path("search/", include("gongkai.portal.urls_search")),
    path("captcha/", include("captcha.urls")),  # self-hosted captcha images of the public form
    # SMS vendors' pushes (receipts, replies): public, CSRF-exempt, the secret is in the path (channels.views_sms)
    path("callbacks/sms/", include("gongkai.channels.urls_callbacks")),
    path("", include("gongkai.applications.urls_portal")),
    path("", include("gongkai.channels.urls_portal")),
    path("", include("gongkai.participation.urls_portal")),
    path("", include("gongkai.portal.urls_catalog")),
    path("", include("gongkai.keyworks.urls_portal")),
    path("", include("gongkai.portal.urls")),
]
