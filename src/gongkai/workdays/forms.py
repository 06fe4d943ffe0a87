"""The form of a year's announced holiday arrangement: the notice, the days off and the 调休 working days, one
line each (``2028-01-01 元旦`` or a span ``2028-01-25至2028-02-01 春节``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django import forms

ONE_DAY = dt.timedelta(days=1)
_LINE = re.compile(
    r"^(?P<first>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:至|到|~|～)\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?\s*(?P<name>.*)$"
)
MAX_SPAN_DAYS = 14


def _date(text: str) -> dt.date:
    year, month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, day)


def parse_days(text: str) -> dict[dt.date, str]:
    """``{date: name}`` from lines of ``YYYY-MM-DD[至YYYY-MM-DD] 名称``; a `forms.ValidationError` naming the line."""
    days: dict[dt.date, str] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            raise forms.ValidationError(f"第{number}行无法识别：“{line}”（格式：2028-01-01 元旦）")
        try:
            first = _date(match["first"])
            last = _date(match["last"]) if match["last"] else first
        except ValueError:
            raise forms.ValidationError(f"第{number}行的日期无效：“{line}”") from None
        if last < first or (last - first).days >= MAX_SPAN_DAYS:
            raise forms.ValidationError(f"第{number}行的起止日期有误：“{line}”")
        name = match["name"].strip()
        if not name:
            raise forms.ValidationError(f"第{number}行缺少节日名称：“{line}”")
        day = first
        while day <= last:
            if day in days:
                raise forms.ValidationError(f"第{number}行的{day.isoformat()}重复填写")
            days[day] = name
            day += ONE_DAY
    return days


def format_days(days: Iterable[tuple[dt.date, str]]) -> str:
    """The inverse of `parse_days`: consecutive days of the same name as one span."""
    lines, span = [], None
    for day, name in sorted(days):
        if span and span[2] == name and span[1] + ONE_DAY == day:
            span[1] = day
            continue
        if span:
            lines.append(span)
        span = [day, day, name]
    if span:
        lines.append(span)
    return "\n".join(
        f"{first.isoformat()} {name}" if first == last else f"{first.isoformat()}至{last.isoformat()} {name}"
        for first, last, name in lines
    )


class ArrangementForm(forms.Form):
    notice = forms.CharField(
        label="放假安排通知",
        max_length=200,
        help_text="通知名称或文号，如：国务院办公厅关于2028年部分节假日安排的通知（国办发明电〔2027〕X号）",
    )
    days_off = forms.CharField(
        label="放假日期",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每行一项：日期或起止日期加节日名称，如“2028-01-25至2028-02-01 春节”。含法定节假日、调休放假日。",
    )
    workdays = forms.CharField(
        label="调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一项：周六或周日上班的日期加说明，如“2028-01-23 春节调休上班”。",
    )

    def clean_days_off(self):
        return parse_days(self.cleaned_data["days_off"])

    def clean_workdays(self):
        return parse_days(self.cleaned_data["workdays"])
