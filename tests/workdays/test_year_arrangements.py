"""Entering a year's announced holiday arrangement in the office: the service, the screen, and the dates that move
with it (calendar.md §4–5)."""

import datetime as dt

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import DomainError
from gongkai.workdays import statutory
from gongkai.workdays.forms import format_days, parse_days
from gongkai.workdays.models import CalendarOverride, YearArrangement
from gongkai.workdays.queries import calendar_for, year_statuses
from gongkai.workdays.services import arrangement_delete, arrangement_save, override_set

D = dt.date
pytestmark = pytest.mark.django_db
URL = "/office/workdays/"
NOTICE = "国务院办公厅关于2028年部分节假日安排的通知（国办发明电〔2027〕9号）"

# A plausible 2028 arrangement: the statutory days plus 调休 (invented for the test, not the real notice).
DAYS_OFF_TEXT = """2028-01-01 元旦
2028-01-25至2028-02-01 春节
2028-04-04 清明节
2028-05-01至2028-05-05 劳动节
2028-05-28 端午节
2028-10-01至2028-10-07 国庆节、中秋节
"""
WORKDAYS_TEXT = """2028-01-23 春节调休上班
2028-02-05 春节调休上班
2028-04-29 劳动节调休上班
2028-09-30 国庆节调休上班
"""


def _save(organisation, actor, **overrides):
    fields = {
        "year": 2028,
        "notice": NOTICE,
        "days_off": parse_days(DAYS_OFF_TEXT),
        "workdays": parse_days(WORKDAYS_TEXT),
        "organisation": organisation,
        "actor": actor,
    }
    fields.update(overrides)
    return arrangement_save(**fields)


# ---- the service ---------------------------------------------------------------------------------------------


def test_before_the_arrangement_2028_is_derived_and_provisional(township):
    cal = calendar_for(township)
    assert not cal.is_workday(D(2028, 1, 25))  # 除夕, derived
    assert cal.is_workday(D(2028, 1, 31))  # a 调休 day off is not guessed
    assert cal.deadline(D(2028, 3, 1), 20).provisional
    assert year_statuses(township, [2028])[0].state == "derived"


def test_an_entered_arrangement_makes_the_year_firm_with_its_days_off_and_working_weekends(township, admin):
    _save(township, admin)
    cal = calendar_for(township)
    assert not cal.is_workday(D(2028, 1, 31))  # 调休 day off
    assert cal.is_workday(D(2028, 1, 23))  # Sunday worked
    assert cal.day(D(2028, 1, 23)).name == "春节调休上班"
    assert not cal.deadline(D(2028, 3, 1), 20).provisional
    status = year_statuses(township, [2028])[0]
    assert status.state == "entered"
    assert status.arrangement.notice == NOTICE


def test_the_arrangement_applies_to_the_subtree_only(township, village, other_township, admin):
    _save(township, admin)
    assert not calendar_for(village).deadline(D(2028, 3, 1), 20).provisional
    assert calendar_for(other_township).deadline(D(2028, 3, 1), 20).provisional


def test_saving_again_replaces_the_days_and_audits_before_and_after(township, admin):
    _save(township, admin)
    _save(township, admin, workdays={D(2028, 1, 23): "春节调休上班"}, notice=NOTICE + "（更正）")
    arrangement = YearArrangement.objects.get()
    assert arrangement.notice.endswith("（更正）")
    assert not CalendarOverride.objects.filter(date=D(2028, 2, 5)).exists()
    events = AuditEvent.objects.filter(action="workdays.arrangement_set").order_by("id")
    assert events.count() == 2
    assert events[0].before is None
    assert "2028-02-05 春节调休上班" in events[1].before["workdays"]
    assert events[1].after["workdays"] == ["2028-01-23 春节调休上班"]


def test_a_local_override_on_a_listed_date_is_taken_over_by_the_arrangement(township, admin):
    override_set(date=D(2028, 1, 31), is_workday=True, note="乡里上班", organisation=township, actor=admin)
    _save(township, admin)
    row = CalendarOverride.objects.get(date=D(2028, 1, 31), organisation=township)
    assert not row.is_workday
    assert row.arrangement is not None


def test_a_statutory_holiday_missing_from_the_days_off_is_refused(township, admin):
    days_off = parse_days(DAYS_OFF_TEXT)
    del days_off[D(2028, 5, 28)]
    with pytest.raises(
        DomainError, match="2028-05-28（端午节）是《全国年节及纪念日放假办法》规定的法定节假日"
    ):
        _save(township, admin, days_off=days_off)
    assert not YearArrangement.objects.exists()


def test_a_working_day_on_a_weekday_or_on_a_day_off_is_refused(township, admin):
    with pytest.raises(DomainError, match="调休上班日应为周六或周日：2028-02-07是星期一"):
        _save(township, admin, workdays={D(2028, 2, 7): "上班"})
    with pytest.raises(DomainError, match="不能既放假又上班"):
        _save(township, admin, workdays={D(2028, 1, 29): "上班"})


def test_days_outside_the_year_and_empty_notices_are_refused(township, admin):
    with pytest.raises(DomainError, match="不在2028年"):
        _save(township, admin, workdays={D(2029, 1, 6): "上班"})
    with pytest.raises(DomainError, match="请填写放假安排通知"):
        _save(township, admin, notice="  ")
    with pytest.raises(DomainError, match="年份应在"):
        _save(township, admin, year=1990)


def test_deleting_the_arrangement_makes_the_year_provisional_again(township, admin):
    arrangement = _save(township, admin)
    arrangement_delete(arrangement=arrangement, actor=admin)
    assert not CalendarOverride.objects.exists()
    assert calendar_for(township).deadline(D(2028, 3, 1), 20).provisional
    assert AuditEvent.objects.filter(action="workdays.arrangement_delete").exists()
    with pytest.raises(DomainError, match="已被删除"):
        arrangement_delete(arrangement=arrangement, actor=admin)


def test_format_days_and_parse_days_are_inverse():
    days = parse_days(DAYS_OFF_TEXT)
    assert parse_days(format_days(days.items())) == days
    assert format_days(statutory.statutory_holidays(2028)).splitlines()[1] == "2028-01-25至2028-01-28 春节"


@pytest.mark.parametrize(
    "text, message",
    [
        ("2028-13-01 元旦", "日期无效"),
        ("元旦 2028-01-01", "无法识别"),
        ("2028-01-01", "缺少节日名称"),
        ("2028-02-01至2028-01-25 春节", "起止日期有误"),
        ("2028-01-01 元旦\n2028-01-01 元旦", "重复填写"),
    ],
)
def test_parse_days_names_the_bad_line(text, message):
    from django import forms

    with pytest.raises(forms.ValidationError, match=message):
        parse_days(text)


# ---- stored dates move with the calendar ----------------------------------------------------------------------


def test_an_open_drafts_stored_due_date_moves_and_loses_its_provisional_flag(township, clerk, admin):
    from gongkai.catalog import services as catalog_services

    draft = catalog_services.disclosure_create(
        organisation=township, actor=clerk, title="2028年春耕备耕工作方案", written_on=D(2028, 1, 24)
    )
    assert draft.due_provisional
    assert draft.due_on == D(2028, 2, 25)  # derived: 除夕 to 初三 skipped, no 调休
    _save(township, admin)
    draft.refresh_from_db()
    # Announced: 25 January to 1 February off, Saturday 5 February worked.
    assert draft.due_on == calendar_for(township).deadline(D(2028, 1, 24), 20).due == D(2028, 2, 28)
    assert not draft.due_provisional
    event = AuditEvent.objects.get(action="catalog.deadline_recompute", object_id=str(draft.pk))
    assert event.before == {"due_on": "2028-02-25", "due_provisional": True}
    assert event.after == {"due_on": "2028-02-28", "due_provisional": False}


def test_a_calendar_write_that_cannot_recompute_is_rolled_back_whole(township, clerk, admin, monkeypatch):
    from gongkai.catalog import services as catalog_services

    catalog_services.disclosure_create(
        organisation=township, actor=clerk, title="2028年春耕备耕工作方案", written_on=D(2028, 1, 20)
    )

    def broken(**kwargs):
        raise RuntimeError("recompute failed")

    monkeypatch.setattr(catalog_services, "stored_deadlines_recompute", broken)
    with pytest.raises(RuntimeError):
        _save(township, admin)
    assert not YearArrangement.objects.exists()
    assert not CalendarOverride.objects.exists()


# ---- the office screen ----------------------------------------------------------------------------------------


def _form():
    return {"notice": NOTICE, "days_off": DAYS_OFF_TEXT, "workdays": WORKDAYS_TEXT}


def test_the_admin_sees_each_years_state_and_the_derived_holidays(login, admin):
    page = login(admin).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "放假安排" in text
    assert "尚未公布：法定节假日按放假办法推算" in text
    assert "国务院令第795号" in text


def test_the_form_starts_from_the_statutory_holidays(login, admin):
    page = login(admin).get(f"{URL}2028/")
    assert page.status_code == 200
    assert "2028-01-25至2028-01-28 春节" in page.content.decode()


def test_the_admin_enters_the_arrangement_and_the_year_is_no_longer_provisional(login, admin, township):
    response = login(admin).post(f"{URL}2028/", _form())
    assert response.status_code == 302
    assert response["Location"] == URL
    arrangement = YearArrangement.objects.get()
    assert arrangement.organisation == township
    assert arrangement.days.count() == 27  # 23 days off, 4 working weekends
    assert not calendar_for(township).deadline(D(2028, 3, 1), 20).provisional
    assert AuditEvent.objects.filter(action="workdays.arrangement_set").count() == 1
    page = login(admin).get(URL).content.decode()
    assert "已登记放假安排" in page
    edit = login(admin).get(f"{URL}2028/").content.decode()
    assert "2028-01-25至2028-02-01 春节" in edit


def test_a_refused_arrangement_shows_the_reason_on_the_form(login, admin):
    data = _form() | {"days_off": "2028-01-01 元旦"}
    page = login(admin).post(f"{URL}2028/", data)
    assert page.status_code == 200
    assert "是《全国年节及纪念日放假办法》规定的法定节假日" in page.content.decode()
    assert not YearArrangement.objects.exists()


def test_a_clerk_may_look_but_not_enter(login, clerk):
    assert login(clerk).get(URL).status_code == 200
    assert login(clerk).get(f"{URL}2028/").status_code == 403
    assert login(clerk).post(f"{URL}2028/", _form()).status_code == 403
    assert not YearArrangement.objects.exists()


def test_anonymous_is_sent_to_the_login(client):
    for response in (client.get(URL), client.post(f"{URL}2028/", _form())):
        assert response.status_code == 302
        assert "/login" in response["Location"]
    assert not YearArrangement.objects.exists()


def test_another_townships_admin_enters_for_their_own_township_and_cannot_delete_ours(
    login, admin, township, other_township, other_township_staff
):
    arrangement = _save(township, admin)
    client = login(other_township_staff)
    assert client.post(f"{URL}arrangement/{arrangement.pk}/delete/").status_code == 404
    assert YearArrangement.objects.filter(pk=arrangement.pk).exists()
    response = client.post(f"{URL}2028/", _form())
    if other_township_staff.username == "other_admin":
        assert response.status_code == 302
        assert YearArrangement.objects.filter(organisation=other_township).exists()
    else:
        assert response.status_code == 403


def test_the_admin_deletes_an_arrangement_by_post_only(login, admin, township):
    arrangement = _save(township, admin)
    client = login(admin)
    assert client.get(f"{URL}arrangement/{arrangement.pk}/delete/").status_code == 405
    assert client.post(f"{URL}arrangement/{arrangement.pk}/delete/").status_code == 302
    assert not YearArrangement.objects.exists()


def test_wrong_methods_are_refused(login, admin):
    client = login(admin)
    assert client.post(URL).status_code == 405
    assert client.put(f"{URL}2028/").status_code == 405
    assert client.get(f"{URL}1990/").status_code == 404


def test_the_office_menu_lists_the_arrangements(login, admin):
    page = login(admin).get("/office/").content.decode()
    assert 'href="/office/workdays/"' in page


@pytest.mark.today("2028-01-24")
def test_a_running_postings_end_moves_with_the_entered_arrangement(township, admin, publish):
    posting = publish(township, "2028年第一季度低保初审对象公示", kind="posting", published_on=D(2028, 1, 24))
    posting.refresh_from_db()
    assert posting.posting_ends_on == D(2028, 2, 4)  # 5 working days; derived 春节 25–28 January skipped
    _save(township, admin)
    posting.refresh_from_db()
    # Announced: 25 January to 1 February off, Saturday 5 February worked.
    assert posting.posting_ends_on == D(2028, 2, 7)
    event = AuditEvent.objects.get(action="catalog.deadline_recompute", object_id=str(posting.pk))
    assert event.after["posting_ends_on"] == "2028-02-07"


def test_the_recompute_command_rewrites_stale_stored_dates_of_a_year(township, clerk):
    from django.core.management import CommandError, call_command

    from gongkai.catalog import services as catalog_services
    from gongkai.catalog.models import Disclosure

    draft = catalog_services.disclosure_create(
        organisation=township, actor=clerk, title="2028年春耕备耕工作方案", written_on=D(2028, 1, 24)
    )
    # As stored by an older calendar (what a chinesecalendar upgrade leaves behind): the row is changed by hand.
    Disclosure.objects.filter(pk=draft.pk).update(due_on=D(2028, 2, 21), due_provisional=False)
    call_command("workdays", "recompute", "2028")
    draft.refresh_from_db()
    assert (draft.due_on, draft.due_provisional) == (D(2028, 2, 25), True)
    assert AuditEvent.objects.filter(action="workdays.recompute").exists()
    assert AuditEvent.objects.filter(action="catalog.deadline_recompute", object_id=str(draft.pk)).exists()
    with pytest.raises(CommandError, match="年份应在"):
        call_command("workdays", "recompute", "1990")
