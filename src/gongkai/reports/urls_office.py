from django.urls import path

from gongkai.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.detail, name="detail"),
    path("<int:year>/check/", views.check, name="check"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("<int:year>/export.<str:output_format>", views.export, name="export"),
    path("<int:year>/trace/", views.trace, name="trace"),
    path("<int:year>/figures/", views.figures, name="figures"),
    path("<int:year>/past-report/", views.past_report, name="past_report"),
]
