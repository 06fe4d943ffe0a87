import datetime as dt

import pytest
from django.urls import reverse

from gongkai.audit.models import AuditEvent
from gongkai.oversight import services
from gongkai.oversight.models import Complaint, Remedy
from gongkai.oversight.services import OversightError

D = dt.date


def url(name, *args):
    return reverse(f"oversight_office:{name}", args=args)


def test_a_complaint_is_recorded_and_closed_with_audit(township, clerk):
    complaint = services.complaint_create(
        organisation=township,
        actor=clerk,
        received_on=D(2025, 6, 3),
        channel="phone",
        subject="村务公开栏未更新",
        content="反映六顷地村公开栏半年未更新低保名单。",
    )
    with pytest.raises(OversightError, match="办结日期不能早于收到日期"):
        services.complaint_close(
            complaint=complaint, actor=clerk, handling="", result="已督促", closed_on=D(2025, 6, 1)
        )
    services.complaint_close(
        complaint=complaint,
        actor=clerk,
        handling="督促村委会更新",
        result="已更新公开栏",
        closed_on=D(2025, 6, 10),
    )
    complaint.refresh_from_db()
    assert complaint.closed_on == D(2025, 6, 10)
    with pytest.raises(OversightError, match="已办结"):
        services.complaint_close(
            complaint=complaint, actor=clerk, handling="", result="再次", closed_on=D(2025, 6, 11)
        )
    assert AuditEvent.objects.filter(action__startswith="oversight.complaint").count() == 2


def test_a_remedy_needs_a_decision_date_exactly_when_it_has_a_result(township, clerk):
    with pytest.raises(OversightError, match="审结日期"):
        services.remedy_create(
            organisation=township, actor=clerk, kind="admin_review", filed_on=D(2025, 5, 1), result="upheld"
        )
    with pytest.raises(OversightError, match="审结日期"):
        services.remedy_create(
            organisation=township,
            actor=clerk,
            kind="admin_review",
            filed_on=D(2025, 5, 1),
            decided_on=D(2025, 6, 1),
        )
    remedy = services.remedy_create(organisation=township, actor=clerk, kind="direct", filed_on=D(2025, 5, 1))
    services.remedy_decide(remedy=remedy, actor=clerk, result="corrected", decided_on=D(2025, 9, 1))
    with pytest.raises(OversightError, match="已审结"):
        services.remedy_decide(remedy=remedy, actor=clerk, result="upheld", decided_on=D(2025, 9, 2))


def test_staff_of_another_township_cannot_record_oversight(township, other_township_staff):
    with pytest.raises(Exception, match="权限"):
        services.complaint_create(
            organisation=township,
            actor=other_township_staff,
            received_on=D(2025, 6, 3),
            channel="phone",
            subject="x",
            content="y",
        )


def test_the_oversight_page_lists_both_kinds(login, clerk, township):
    services.complaint_create(
        organisation=township,
        actor=None,
        received_on=D(2025, 6, 3),
        channel="letter",
        subject="申请答复超期",
        content="申请人反映答复超期。",
    )
    services.remedy_create(
        organisation=township,
        actor=None,
        kind="admin_review",
        filed_on=D(2025, 7, 1),
        reference="平政复〔2025〕3号",
    )
    body = login(clerk).get(url("overview")).content.decode()
    assert "申请答复超期" in body and "平政复〔2025〕3号" in body


def test_the_oversight_page_needs_a_login_and_refuses_post(client, login, clerk, township):
    assert client.get(url("overview")).status_code == 302
    assert login(clerk).post(url("overview")).status_code == 405


def test_other_townships_do_not_see_the_records(login, other_township_staff, township):
    services.complaint_create(
        organisation=township,
        actor=None,
        received_on=D(2025, 6, 3),
        channel="letter",
        subject="申请答复超期",
        content="申请人反映答复超期。",
    )
    assert "申请答复超期" not in login(other_township_staff).get(url("overview")).content.decode()


def test_a_clerk_records_a_complaint_from_the_office(login, clerk, township):
    response = login(clerk).post(
        url("complaint_create"),
        {
            "received_on": "2025-06-03",
            "channel": "online",
            "subject": "未公开征地补偿标准",
            "content": "网民反映征地补偿标准未公开。",
            "handling": "",
            "result": "",
            "closed_on": "",
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.get().organisation == township


def test_complaint_creation_is_refused_to_anonymous_readonly_and_wrong_method(
    client, login, county_viewer, clerk, township
):
    assert client.get(url("complaint_create")).status_code == 302
    assert login(county_viewer).get(url("complaint_create")).status_code == 403
    assert login(clerk).put(url("complaint_create")).status_code == 405


def test_a_clerk_records_a_review_linked_to_an_application_by_case_number(login, clerk, township, register):
    application, _ = register(township, D(2025, 3, 3))
    client = login(clerk)
    response = client.post(
        url("remedy_create"),
        {
            "kind": "admin_review",
            "case_number": application.case_number.lower(),
            "filed_on": "2025-05-06",
            "body": "平罗县人民政府",
            "reference": "平政复〔2025〕3号",
            "result": "pending",
            "decided_on": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    remedy = Remedy.objects.get()
    assert remedy.application == application
    response = client.post(url("remedy_decide", remedy.pk), {"result": "upheld", "decided_on": "2025-07-01"})
    remedy.refresh_from_db()
    assert remedy.result == "upheld"
    missing = client.post(
        url("remedy_create"),
        {"kind": "direct", "case_number": "QK-1999-0001", "filed_on": "2025-05-06", "result": "pending"},
    )
    assert "没有这个申请编号" in missing.content.decode()


def test_remedy_pages_are_refused_to_other_townships_and_wrong_methods(
    client, login, other_township_staff, clerk, township
):
    remedy = services.remedy_create(organisation=township, actor=None, kind="direct", filed_on=D(2025, 5, 1))
    assert (
        client.post(
            url("remedy_decide", remedy.pk), {"result": "upheld", "decided_on": "2025-07-01"}
        ).status_code
        == 302
    )
    assert (
        login(other_township_staff)
        .post(url("remedy_decide", remedy.pk), {"result": "upheld", "decided_on": "2025-07-01"})
        .status_code
        == 404
    )
    assert login(clerk).get(url("remedy_decide", remedy.pk)).status_code == 405
    assert login(clerk).put(url("remedy_create")).status_code == 405
    remedy.refresh_from_db()
    assert remedy.result == "pending"


def test_closing_a_complaint_from_the_office(login, clerk, other_township_staff, township):
    complaint = services.complaint_create(
        organisation=township,
        actor=None,
        received_on=D(2025, 6, 3),
        channel="letter",
        subject="超期",
        content="超期",
    )
    payload = {"handling": "已核实", "result": "已督促答复", "closed_on": "2025-06-20"}
    assert login(other_township_staff).post(url("complaint_close", complaint.pk), payload).status_code == 404
    assert login(clerk).get(url("complaint_close", complaint.pk)).status_code == 405
    assert login(clerk).post(url("complaint_close", complaint.pk), payload).status_code == 302
    complaint.refresh_from_db()
    assert complaint.result == "已督促答复"


def test_the_oversight_pages_keep_their_addresses_and_their_menu_entry(login, clerk, township):
    assert url("overview") == "/office/applications/oversight/"
    assert url("complaint_create") == "/office/applications/oversight/complaints/new/"
    assert url("remedy_decide", 3) == "/office/applications/oversight/remedies/3/decide/"
    nav = login(clerk).get(url("overview")).context["office_nav"]
    [active] = [item for item in nav if item["active"]]
    assert (active["label"], active["url"]) == ("投诉与复议诉讼", "/office/applications/oversight/")


def test_applications_never_import_oversight():
    """Oversight depends on applications (a review concerns an application), never the reverse."""
    import ast
    from pathlib import Path

    import gongkai.applications

    root = Path(gongkai.applications.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(root)}: {name}" for name in names if name.startswith("gongkai.oversight")
            ]
    assert offenders == []
