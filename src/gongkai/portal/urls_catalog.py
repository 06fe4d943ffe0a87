from django.urls import path
from django.views.decorators.http import require_safe

from gongkai.core.pagecache import public_page
from gongkai.portal import feeds, views_catalog

app_name = "portal_catalog"
urlpatterns = [
    path("org/<slug:code>/catalog/", views_catalog.catalog, name="catalog"),
    path("org/<slug:code>/reports/", views_catalog.reports, name="reports"),
    path("org/<slug:code>/feed.xml", public_page(require_safe(feeds.LatestItemsFeed())), name="feed"),
    path("org/<slug:code>/catalog.csv", views_catalog.export_csv, name="export_csv"),
    path("org/<slug:code>/catalog.json", views_catalog.export_json, name="export_json"),
    path("item/<int:pk>/", views_catalog.item, name="item"),
    path("item/<int:pk>/attachments/<int:attachment_pk>/", views_catalog.attachment, name="attachment"),
]
