"""gongkai.core.template_dates: the `date` filter every template uses gives exactly Django's text."""

import datetime as dt
import zoneinfo

from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.template_dates import DATE_FORMATS, DATETIME_FORMATS
from gongkai.core.template_dates import date as fast_date

FORMATS = [*DATE_FORMATS, *DATETIME_FORMATS, "l", "Y年n月j日 H:i", None, "", "DATE_FORMAT"]


@given(value=st.dates(), fmt=st.sampled_from(FORMATS))
def test_a_date_reads_as_django_writes_it(value, fmt):
    try:
        expected = django_date(value, fmt)
    except TypeError as refused:  # Django refuses a time of day for a plain date: so must we
        expected = refused
    try:
        got = fast_date(value, fmt)
    except TypeError as refused:
        got = refused
    assert str(got) == str(expected)


@given(value=st.datetimes(), fmt=st.sampled_from(FORMATS))
def test_a_datetime_reads_as_django_writes_it(value, fmt):
    assert fast_date(value, fmt) == django_date(value, fmt)


def test_odd_values_read_as_django_writes_them():
    for value in (None, "", "2024-05-06", 0, "not a date"):
        for fmt in FORMATS:
            assert fast_date(value, fmt) == django_date(value, fmt)


def test_templates_use_it_and_show_local_time(settings):
    """The builtin replaces Django's filter in every template, and an aware datetime is shown in the site's
    time zone (Asia/Shanghai), as Django's filter shows it."""
    settings.TIME_ZONE = "Asia/Shanghai"
    template = engines["django"].from_string('{{ when|date:"Y-m-d H:i" }} {{ day|date:"Y年n月j日" }}')
    when = dt.datetime(2024, 12, 31, 17, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    with timezone.override("Asia/Shanghai"):
        assert template.render({"when": when, "day": dt.date(2025, 1, 2)}) == "2025-01-01 01:30 2025年1月2日"
    assert "gongkai.core.template_dates" in engines["django"].engine.builtins
