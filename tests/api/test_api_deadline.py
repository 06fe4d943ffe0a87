import pytest

from gongkai.workdays.services import override_set

URL = "/api/deadline"


def test_the_national_day_example_is_due_on_30_october(client, db):
    response = client.get(URL, {"start": "2025-09-26", "days": "20"})
    assert response.status_code == 200
    body = response.json()
    assert body["due_date"] == "2025-10-30"
    assert body["start"] == "2025-09-26" and body["days"] == 20
    assert body["provisional"] is False
    assert {"date": "2025-10-01", "name": "国庆节"} in body["holidays_crossed"]
    assert [d["date"] for d in body["adjusted_workdays_crossed"]] == ["2025-09-28", "2025-10-11"]


def test_the_spring_festival_example_counts_both_make_up_weekends(client, db):
    body = client.get(URL, {"start": "2025-01-20", "days": "20"}).json()
    assert body["due_date"] == "2025-02-21"
    assert [d["date"] for d in body["adjusted_workdays_crossed"]] == ["2025-01-26", "2025-02-08"]
    assert {d["name"] for d in body["holidays_crossed"]} == {"春节"}


def test_a_year_without_calendar_data_gives_a_provisional_date(client, db):
    body = client.get(URL, {"start": "2027-03-01", "days": "20"}).json()
    assert body["provisional"] is True


def test_an_organisations_own_calendar_is_used_when_asked(client, township, admin):
    override_set(
        date=__import__("datetime").date(2025, 10, 13),
        is_workday=False,
        note="地方节日（测试）",
        organisation=township,
        actor=admin,
    )
    assert client.get(URL, {"start": "2025-09-26", "days": "20"}).json()["due_date"] == "2025-10-30"
    assert (
        client.get(URL, {"start": "2025-09-26", "days": "20", "org": "qukou"}).json()["due_date"]
        == "2025-10-31"
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"days": "20"}, "start", "缺少参数 start"),
        ({"start": "2025-02-30", "days": "20"}, "start", "start 不是有效日期"),
        ({"start": "20250926", "days": "20"}, "start", "start 不是有效日期"),
        ({"start": "2025-09-26"}, "days", "缺少参数 days"),
        ({"start": "2025-09-26", "days": "-3"}, "days", "days 应为1至200的整数"),
        ({"start": "2025-09-26", "days": "201"}, "days", "days 应为1至200的整数"),
        ({"start": "2025-09-26", "days": "abc"}, "days", "days 应为1至200的整数"),
        ({"start": "2025-09-26", "days": "20", "org": "nowhere"}, "org", "没有代码为 nowhere 的机构"),
    ],
)
def test_bad_input_gets_400_with_a_precise_json_error(client, db, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["field"] == field
    assert message in response.json()["error"]


def test_the_deadline_api_answers_only_get(client, db):
    assert client.post(URL, {"start": "2025-09-26", "days": "20"}).status_code == 405
