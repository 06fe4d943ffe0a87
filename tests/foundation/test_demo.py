"""`gongkai demo`: the 渠口乡 demo township as in its 2018 annual report, loaded idempotently."""

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from gongkai.audit.models import AuditEvent
from gongkai.demo.township import DEMO_ACCOUNTS, DEMO_PASSWORD
from gongkai.orgs.models import Duty, LeadershipGroupMember, Organisation, OrgKind, StaffMember
from gongkai.orgs.queries import funding_total_wan, staff_counts

REPORT = Path(__file__).resolve().parents[1] / "fixtures" / "qukou-2018-annual-report.md"


@pytest.fixture
def qukou(demo):
    """渠口乡 of the demo, which tests/conftest.py builds once per run and rolls back after each test."""
    return demo


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_the_demo_loads_the_tree_down_to_the_township(qukou):
    chain = [*qukou.ancestors(), qukou]
    assert [(o.name, o.kind, o.depth) for o in chain] == [
        ("宁夏回族自治区", OrgKind.PROVINCE, 0),
        ("石嘴山市", OrgKind.CITY, 1),
        ("平罗县人民政府", OrgKind.COUNTY, 2),
        ("渠口乡人民政府", OrgKind.TOWNSHIP, 3),
    ]
    assert chain[2].code == "pingluo"
    assert qukou.credit_code == "11640221MB1959741M"


def test_the_township_has_13_villages_all_marked_as_demo(qukou):
    villages = qukou.children.filter(kind=OrgKind.VILLAGE)
    assert villages.count() == 13
    assert len(set(villages.values_list("name", flat=True))) == 13
    assert not villages.filter(is_demo=False).exists()
    assert not Organisation.objects.filter(is_demo=False).exists()


def test_the_disclosure_office_is_the_dangzhengban(qukou):
    office = qukou.disclosure_office
    assert office is not None
    assert office.short_name == "党政办"
    assert office.parent_id == qukou.pk


def test_the_leadership_group_is_loaded(qukou):
    group = LeadershipGroupMember.objects.filter(organisation=qukou)
    assert group.filter(group_role="leader").count() == 1
    assert group.count() >= 3


def test_the_2018_staff_are_15_with_14_full_time_and_1_part_time(qukou):
    assert staff_counts(qukou, 2018) == {"total": 15, "full_time": 14, "part_time": 1}
    assert (
        StaffMember.objects.filter(
            organisation__path__startswith=qukou.path, year=2018, duty=Duty.PART_TIME
        ).count()
        == 1
    )


def test_the_2018_funding_is_2_21_wan(qukou):
    assert funding_total_wan(qukou, 2018) == Decimal("2.21")


def test_the_contact_is_exactly_as_in_the_2018_report(qukou):
    assert qukou.address == "石嘴山市平罗县渠口乡301省道以北渠口村四队"
    assert qukou.postcode == "753400"
    assert qukou.phone == "0952-6860685"
    assert qukou.email == "qukouzhengfu@163.com"
    # The report's markdown puts spaces around numbers; the address itself is the same.
    text = re.sub(r"\s+", "", REPORT.read_text(encoding="utf-8"))
    for value in (qukou.address, qukou.postcode, qukou.phone, qukou.email):
        assert value in text


def test_the_guide_shows_the_demo_contact(qukou, client):
    page = client.get("/org/qukou/guide/").content.decode()
    assert "<th>受理机构</th><td>渠口乡党政综合办公室</td>" in page
    for value in (
        "石嘴山市平罗县渠口乡301省道以北渠口村四队",
        "753400",
        "0952-6860685",
        "qukouzhengfu@163.com",
    ):
        assert value in page


def test_the_first_run_was_audited_once(demo):
    # tests/conftest.py built the demo with a real first run of the command on an empty database.
    event = AuditEvent.objects.get(action="demo.load")
    assert event.actor_label == "演示数据"


def test_a_second_run_changes_nothing(demo):
    before = row_counts()
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("demo", stdout=out)
    assert row_counts() == before
    assert AuditEvent.objects.count() == events
    assert "未做任何更改" in out.getvalue()


@pytest.mark.parametrize(
    ("username", "org_code"), [(username, code) for username, _, code, _ in DEMO_ACCOUNTS]
)
def test_each_demo_account_logs_in_and_sees_its_dashboard(demo, username, org_code):
    client = Client()
    response = client.post("/office/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/office/"
    page = client.get("/office/")
    assert page.status_code == 200
    organisation = Organisation.objects.get(code=org_code)
    assert f"{organisation.name} · 工作台" in page.content.decode()
