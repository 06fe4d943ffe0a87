"""The bare baseline of bench/bench_http.py: Django with no app, no middleware and one cached template.

/hello/  a fixed text response
/rows/   a template rendering 20 rows (title, date, kind, organisation, 索引号), like one catalog page
"""

import datetime as dt
from pathlib import Path

import django
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-baseline-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [Path(__file__).resolve().parent],
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])
                ]
            },
        }
    ],
    USE_TZ=True,
)
django.setup()

ROWS = [
    {
        "pk": 1000 + n,
        "title": f"关于渠口村{2024 - n % 3}年第{n % 4 + 1}季度最低生活保障对象的公示",
        "published_on": dt.date(2024, 5, 28 - n),
        "kind": "公示",
        "organisation": "渠口乡人民政府",
        "index_no": f"11640221MB1959741M/2024-{n + 1:05d}",
    }
    for n in range(20)
]


def hello(request):
    return HttpResponse("Hello, world")


def rows(request):
    return render(request, "rows.html", {"rows": ROWS})


urlpatterns = [path("hello/", hello), path("rows/", rows)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
