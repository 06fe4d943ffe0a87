"""The `date` template filter, with a fast path for the formats the pages use.

Django's own filter looks the format up among the locale's named formats and parses it character by character
on every call: ~45 µs here, so a list of 20 rows spent more time formatting dates than reading them
(docs/performance.md, issue 16). This filter gives the same text for the formats below, built directly from the
value's fields, and hands every other format or value to Django's filter. It is installed as a template builtin
(settings.TEMPLATES), after Django's, so `{{ value|date:"Y-m-d" }}` in every template uses it; its output is
checked against Django's in tests/foundation/test_template_dates.py."""

import datetime as dt

from django import template
from django.template import defaultfilters

register = template.Library()


# Format → text, for a date or a datetime (already in local time: the filter expects_localtime, as Django's).
def _ymd(v) -> str:
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"


DATE_FORMATS = {
    "Y-m-d": _ymd,
    "Y年n月j日": lambda v: f"{v.year:04d}年{v.month}月{v.day}日",
    "Y年n月": lambda v: f"{v.year:04d}年{v.month}月",
    "n月j日": lambda v: f"{v.month}月{v.day}日",
}
# These need a time of day: a plain date goes to Django's filter (which refuses them for a date).
DATETIME_FORMATS = {
    "Y-m-d H:i": lambda v: f"{_ymd(v)} {v.hour:02d}:{v.minute:02d}",
    "Y-m-d H:i:s": lambda v: f"{_ymd(v)} {v.hour:02d}:{v.minute:02d}:{v.second:02d}",
}


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if isinstance(value, dt.datetime):
        fast = DATETIME_FORMATS.get(arg) or DATE_FORMATS.get(arg)
    elif isinstance(value, dt.date):
        fast = DATE_FORMATS.get(arg)
    else:
        fast = None
    if fast is not None:
        return fast(value)
    return defaultfilters.date(value, arg)
