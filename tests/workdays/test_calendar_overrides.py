import datetime as dt

import pytest

from gongkai.audit.models import AuditEvent
from gongkai.core.errors import DomainError
from gongkai.workdays.models import CalendarOverride
from gongkai.workdays.queries import calendar_for, overrides_applying_to, overrides_in_subtree
from gongkai.workdays.services import override_delete, override_set

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_nationwide_override_applies_to_every_organisation(county, township, other_township, superuser):
    override_set(
        date=D(2025, 10, 20), is_workday=False, note="测试全国假日", organisation=None, actor=superuser
    )
    for organisation in (None, county, township, other_township):
        assert not calendar_for(organisation).is_workday(D(2025, 10, 20))


def test_a_county_holiday_applies_to_its_townships_and_villages_but_not_nationwide(
    county, township, village, admin
):
    override_set(date=D(2025, 10, 20), is_workday=False, note="县民族节日", organisation=county, actor=admin)
    assert not calendar_for(county).is_workday(D(2025, 10, 20))
    assert not calendar_for(township).is_workday(D(2025, 10, 20))
    assert not calendar_for(village).is_workday(D(2025, 10, 20))
    assert calendar_for(None).is_workday(D(2025, 10, 20))


def test_a_township_holiday_does_not_reach_its_sister_township(township, other_township, admin):
    override_set(date=D(2025, 10, 20), is_workday=False, note="乡庙会", organisation=township, actor=admin)
    assert not calendar_for(township).is_workday(D(2025, 10, 20))
    assert calendar_for(other_township).is_workday(D(2025, 10, 20))


def test_the_most_specific_override_wins_on_the_same_date(county, township, village, superuser):
    override_set(date=D(2025, 10, 20), is_workday=False, note="全国", organisation=None, actor=superuser)
    override_set(
        date=D(2025, 10, 20), is_workday=True, note="县里照常上班", organisation=county, actor=superuser
    )
    override_set(
        date=D(2025, 10, 20), is_workday=False, note="乡里放假", organisation=township, actor=superuser
    )
    assert not calendar_for(None).is_workday(D(2025, 10, 20))
    assert calendar_for(county).is_workday(D(2025, 10, 20))
    assert not calendar_for(village).is_workday(D(2025, 10, 20))
    assert calendar_for(village).day(D(2025, 10, 20)).name == "乡里放假"


def test_override_set_updates_the_existing_row_and_audits_before_and_after(township, admin):
    first = override_set(
        date=D(2025, 10, 20), is_workday=False, note="乡庙会", organisation=township, actor=admin
    )
    second = override_set(
        date=D(2025, 10, 20), is_workday=True, note="庙会取消", organisation=township, actor=admin
    )
    assert first.pk == second.pk
    assert CalendarOverride.objects.count() == 1
    events = list(AuditEvent.objects.filter(action="workdays.override_set").order_by("id"))
    assert len(events) == 2
    assert events[0].before is None
    assert events[0].after["is_workday"] is False
    assert events[1].before["note"] == "乡庙会"
    assert events[1].after["note"] == "庙会取消"
    assert events[1].organisation_id == township.pk


def test_a_nationwide_date_can_be_set_only_once(superuser):
    override_set(date=D(2027, 1, 1), is_workday=False, note="元旦", organisation=None, actor=superuser)
    override_set(
        date=D(2027, 1, 1), is_workday=False, note="元旦（国办发明电）", organisation=None, actor=superuser
    )
    assert CalendarOverride.objects.filter(organisation__isnull=True).count() == 1


def test_override_set_refuses_an_empty_note_in_chinese(superuser):
    with pytest.raises(DomainError, match="请填写说明"):
        override_set(date=D(2027, 1, 1), is_workday=False, note="  ", organisation=None, actor=superuser)
    assert not CalendarOverride.objects.exists()


def test_override_set_refuses_a_datetime_or_a_non_boolean(superuser):
    with pytest.raises(DomainError, match="日期无效"):
        override_set(
            date=dt.datetime(2027, 1, 1, 8), is_workday=False, note="元旦", organisation=None, actor=superuser
        )
    with pytest.raises(DomainError, match="上班还是休息"):
        override_set(date=D(2027, 1, 1), is_workday="no", note="元旦", organisation=None, actor=superuser)


def test_override_set_refuses_a_note_that_is_too_long(superuser):
    with pytest.raises(DomainError, match="不能超过200"):
        override_set(
            date=D(2027, 1, 1), is_workday=False, note="长" * 201, organisation=None, actor=superuser
        )


def test_override_delete_removes_the_row_and_audits_it(township, admin):
    override = override_set(
        date=D(2025, 10, 20), is_workday=False, note="乡庙会", organisation=township, actor=admin
    )
    override_delete(override=override, actor=admin)
    assert not CalendarOverride.objects.exists()
    event = AuditEvent.objects.get(action="workdays.override_delete")
    assert event.before["note"] == "乡庙会"
    assert event.after is None
    assert calendar_for(township).is_workday(D(2025, 10, 20))


def test_deleting_an_override_twice_is_refused(township, admin):
    override = override_set(
        date=D(2025, 10, 20), is_workday=False, note="乡庙会", organisation=township, actor=admin
    )
    override_delete(override=override, actor=admin)
    with pytest.raises(DomainError, match="已被删除"):
        override_delete(override=override, actor=admin)


def test_overrides_make_a_provisional_year_firm_for_the_days_they_cover(superuser):
    monday = D(2099, 6, 1)
    override_set(date=monday, is_workday=True, note="已确认", organisation=None, actor=superuser)
    deadline = calendar_for(None).deadline(D(2099, 5, 31), 1)
    assert deadline.due == monday
    assert not deadline.provisional


def test_overrides_in_subtree_lists_what_an_organisation_manages(
    county, township, village, other_township, superuser
):
    override_set(date=D(2025, 10, 20), is_workday=False, note="全国", organisation=None, actor=superuser)
    override_set(date=D(2025, 10, 21), is_workday=False, note="乡", organisation=township, actor=superuser)
    override_set(date=D(2025, 10, 22), is_workday=False, note="村", organisation=village, actor=superuser)
    override_set(
        date=D(2025, 10, 23), is_workday=False, note="外乡", organisation=other_township, actor=superuser
    )
    assert [o.note for o in overrides_in_subtree(township)] == ["乡", "村"]
    assert {o.note for o in overrides_applying_to(village)} == {"全国", "乡", "村"}


def test_the_override_reads_as_a_chinese_sentence(township, admin):
    override = override_set(
        date=D(2025, 10, 20), is_workday=False, note="乡庙会", organisation=township, actor=admin
    )
    assert str(override) == "2025-10-20 休息（渠口乡人民政府）"
    assert CalendarOverride._meta.verbose_name == "工作日历调整"


def test_the_admin_form_saves_through_the_audited_service(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/workdays/calendaroverride/add/",
        {"date": "2027-01-01", "is_workday": "", "note": "元旦", "organisation": ""},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.date == D(2027, 1, 1)
    assert not override.is_workday
    assert AuditEvent.objects.filter(action="workdays.override_set", object_id=str(override.pk)).exists()
    response = client.post(f"/admin/workdays/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert AuditEvent.objects.filter(action="workdays.override_delete").exists()
