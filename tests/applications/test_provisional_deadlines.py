"""A case whose deadline runs into a year whose holiday arrangement is not yet announced: the statutory holidays
of 《全国年节及纪念日放假办法》 are counted and the deadline is shown as provisional, with the reason, on the case
page, the public tracking page, the deadline calculator and the API, until an administrator enters the year."""

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.applications import queries
from gongkai.workdays.services import arrangement_save
from gongkai.workdays.statutory import statutory_holidays

D = dt.date
REASON = "2028年放假安排尚未公布，按《全国年节及纪念日放假办法》推算"
pytestmark = [pytest.mark.django_db, pytest.mark.today("2028-01-14")]


@pytest.fixture
def running(township, register):
    # Received Friday 2028-01-14; the 20 working days cross 除夕 to 初三 (25–28 January 2028).
    application, code = register(township, D(2028, 1, 14), today=D(2028, 1, 14))
    return application, code


def _announce_2028(township, admin):
    days_off = dict(statutory_holidays(2028))
    days_off.update({D(2028, 1, 29) + dt.timedelta(days=i): "春节" for i in range(4)})  # to 1 February
    arrangement_save(
        year=2028,
        notice="国务院办公厅关于2028年部分节假日安排的通知",
        days_off=days_off,
        workdays={D(2028, 2, 5): "春节调休上班"},
        organisation=township,
        actor=admin,
    )


def test_the_clock_counts_the_derived_spring_festival_and_says_why_it_is_provisional(running):
    status = queries.clock_of(running[0], today=D(2028, 1, 14))
    assert status.due_on == D(2028, 2, 17)
    assert status.provisional
    assert REASON in status.provisional_reason
    assert "春节" in status.deadline.holiday_names


def test_the_case_page_shows_the_provisional_deadline_and_its_reason(login, clerk, running):
    body = login(clerk).get(reverse("applications_office:case", args=[running[0].pk])).content.decode()
    assert "2028-02-17" in body
    assert f"暂定期限：{REASON}" in body
    assert "跨越春节假期" in body


def test_the_public_tracking_page_shows_the_provisional_deadline_and_its_reason(client, running):
    application, code = running
    client.post(reverse("applications_portal:track"), {"case_number": application.case_number, "code": code})
    page = client.get(reverse("applications_portal:track")).content.decode()
    assert "2028年2月17日（暂定：" in page
    assert REASON in page


def test_the_public_deadline_calculator_gives_the_reason(client, db):
    page = client.get(reverse("applications_portal:deadline"), {"start": "2028-01-14", "days": "20"})
    body = page.content.decode()
    assert "2028-02-17" in body or "2028年2月17日" in body
    assert f"暂定期限：{REASON}" in body


def test_the_api_gives_the_derived_holidays_and_the_reason(client, db):
    body = client.get("/api/deadline", {"start": "2028-01-14", "days": "20"}).json()
    assert body["due_date"] == "2028-02-17"
    assert body["provisional"] is True
    assert REASON in body["provisional_reason"]
    assert 2028 in body["provisional_years"]
    assert [h["date"] for h in body["holidays_crossed"]] == [
        "2028-01-25",
        "2028-01-26",
        "2028-01-27",
        "2028-01-28",
    ]
    assert {h["name"] for h in body["holidays_crossed"]} == {"春节"}


def test_once_the_year_is_entered_the_open_case_moves_and_is_no_longer_provisional(
    login, clerk, admin, township, running
):
    _announce_2028(township, admin)
    status = queries.clock_of(running[0], today=D(2028, 1, 14))
    # 25 January to 1 February off, Saturday 5 February worked.
    assert status.due_on == D(2028, 2, 18)
    assert not status.provisional
    assert status.provisional_reason == ""
    body = login(clerk).get(reverse("applications_office:case", args=[running[0].pk])).content.decode()
    assert "2028-02-18" in body
    assert "暂定期限" not in body
    api = (
        login(clerk).get("/api/deadline", {"start": "2028-01-14", "days": "20", "org": township.code}).json()
    )
    assert api["due_date"] == "2028-02-18"
    assert api["provisional"] is False
    assert api["provisional_reason"] == ""
