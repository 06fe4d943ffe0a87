from django.urls import path

from gongkai.catalog import views

app_name = "catalog_office"
urlpatterns = [
    path("", views.disclosure_list, name="list"),
    path("new/", views.disclosure_create, name="create"),
    path("<int:pk>/", views.disclosure_detail, name="detail"),
    path("<int:pk>/edit/", views.disclosure_edit, name="edit"),
    path("<int:pk>/delete/", views.disclosure_delete, name="delete"),
    path("<int:pk>/validity/", views.disclosure_validity, name="validity"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/channels/", views.publication_add, name="publication_add"),
    path("<int:pk>/do/<str:action>/", views.disclosure_transition, name="transition"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("channels/<int:pk>/delete/", views.publication_delete, name="publication_delete"),
    path("review/", views.review_queue, name="review_queue"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/adopt/", views.catalog_adopt, name="catalog_adopt"),
    path("catalog/new/", views.entry_edit, name="entry_create"),
    path("catalog/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("catalog/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("postings/new/", views.posting_upload, name="posting_upload"),
    path("postings/columns/", views.posting_columns, name="posting_columns"),
    path("import/", views.disclosure_import, name="import"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
]
