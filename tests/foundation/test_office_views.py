"""The back office: every URL with the right role, anonymous, another organisation's staff and the wrong method."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from gongkai.accounts.models import User
from gongkai.audit.models import AuditEvent
from gongkai.audit.services import audit_record
from gongkai.orgs.current import SESSION_KEY
from gongkai.orgs.models import Funding, Membership, Organisation, OrgKind, Role, StaffMember, TrainingSession

from .conftest import make_staff

LOGIN = "/office/login/"


@pytest.fixture
def staff_record(township):
    return StaffMember.objects.create(
        organisation=township, year=2018, name="马建军", duty="full_time", is_lead=True
    )


@pytest.fixture
def funding_record(township):
    return Funding.objects.create(
        organisation=township, year=2018, amount_wan=Decimal("2.21"), purpose="政务公开专项经费"
    )


def url_list(township, staff_record, clerk_membership):
    """Every office and accounts URL that needs a login, with the method it is meant for."""
    return [
        ("get", reverse("office:dashboard")),
        ("post", reverse("office:switch_org")),
        ("get", reverse("office:organisations")),
        ("get", reverse("office:organisation_detail", args=[township.pk])),
        ("get", reverse("office:organisation_edit", args=[township.pk])),
        ("get", reverse("office:organisation_move", args=[township.pk])),
        ("get", reverse("office:organisation_create", args=[township.pk])),
        ("get", reverse("office:staff")),
        ("get", reverse("office:funding")),
        ("get", reverse("office:record_create", args=["staff"])),
        ("get", reverse("office:record_edit", args=["staff", staff_record.pk])),
        ("post", reverse("office:record_delete", args=["staff", staff_record.pk])),
        ("get", reverse("office:users")),
        ("post", reverse("office:membership_revoke", args=[clerk_membership.pk])),
        ("get", reverse("office:audit")),
        ("get", reverse("accounts:password_change")),
        ("get", reverse("accounts:two_factor")),
    ]


# ---- anonymous ---------------------------------------------------------------------------------------------------


def test_every_office_page_sends_an_anonymous_visitor_to_the_login_page(
    client, township, staff_record, clerk
):
    membership = Membership.objects.get(user=clerk)
    for method, url in url_list(township, staff_record, membership):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next="), url
    assert StaffMember.objects.filter(pk=staff_record.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_login_page_is_open_to_anonymous_visitors(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_login_verify_without_a_pending_login_goes_back_to_the_login_page(client):
    response = client.get(reverse("accounts:login_verify"))
    assert response.status_code == 302 and response["Location"] == LOGIN


# ---- the happy path ----------------------------------------------------------------------------------------------------


def test_every_office_page_opens_for_a_township_admin(
    settings, login, admin, township, village, staff_record, clerk
):
    settings.SEPARATE_ADMIN_DUTIES = False  # without 三员分立 the admin also reads the audit log
    client = login(admin)
    for method, url in url_list(township, staff_record, Membership.objects.get(user=clerk)):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url


def test_the_dashboard_shows_the_organisation_and_its_figures(login, admin, township, village):
    year = datetime.date.today().year
    StaffMember.objects.create(organisation=village, year=year, name="王海燕", duty="full_time")
    Funding.objects.create(organisation=township, year=year, amount_wan=Decimal("2.21"), purpose="专项")
    page = login(admin).get("/office/").content.decode()
    assert "渠口乡人民政府 · 工作台" in page
    assert "1 人" in page and "2.21 万元" in page
    assert "用户与角色" in page  # an admin's navigation includes the users (the audit log is the auditor's)


def test_the_navigation_hides_users_and_audit_from_a_clerk(login, clerk, township):
    page = login(clerk).get("/office/").content.decode()
    assert "人员与培训" in page
    assert reverse("office:users") not in page
    assert reverse("office:audit") not in page


def test_a_user_without_any_role_is_refused_the_dashboard(db, login):
    response = login(make_staff("nobody")).get("/office/")
    assert response.status_code == 403


def test_the_org_switcher_stores_the_chosen_organisation_and_the_dashboard_shows_it(
    login, admin, township, village
):
    client = login(admin)
    response = client.post("/office/switch/", {"organisation": village.pk, "next": "/office/"})
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert client.session[SESSION_KEY] == village.pk
    page = client.get("/office/").content.decode()
    assert "渠口乡渠口村 · 工作台" in page
    assert f'<option value="{village.pk}" selected>' in page


def test_the_org_switcher_does_not_redirect_away_from_the_office(login, admin, village):
    response = login(admin).post(
        "/office/switch/", {"organisation": village.pk, "next": "https://evil.example/office/"}
    )
    assert response["Location"] == "/office/"


def test_the_org_switcher_lists_only_the_users_subtree(login, admin, township, village, other_township):
    page = login(admin).get("/office/").content.decode()
    assert f'<option value="{village.pk}"' in page
    assert f'<option value="{other_township.pk}"' not in page


def test_the_organisation_list_shows_the_subtree(login, admin, township, village, other_township):
    page = login(admin).get("/office/organisations/").content.decode()
    assert "渠口乡渠口村" in page
    assert "通伏乡人民政府" not in page


def test_an_admin_creates_a_child_organisation_through_the_form(login, admin, township):
    client = login(admin)
    response = client.post(
        reverse("office:organisation_create", args=[township.pk]),
        {"kind": OrgKind.VILLAGE, "name": "渠口乡太沙村", "code": "taisha", "sort_order": 3},
    )
    created = Organisation.objects.get(code="taisha")
    assert response.status_code == 302 and response["Location"] == reverse(
        "office:organisation_detail", args=[created.pk]
    )
    assert created.parent_id == township.pk and created.path == f"{township.path}{created.pk}/"
    assert AuditEvent.objects.filter(action="orgs.create", actor=admin).count() == 1


def test_an_admin_edits_the_organisation_through_the_form(login, admin, township):
    client = login(admin)
    data = {
        "kind": OrgKind.TOWNSHIP,
        "name": "渠口乡人民政府",
        "short_name": "渠口乡",
        "code": "qukou",
        "sort_order": 0,
        "credit_code": "11640221mb1959741m",
        "postcode": "753400",
        "phone": "0952-6860685",
        "email": "qukouzhengfu@163.com",
    }
    response = client.post(reverse("office:organisation_edit", args=[township.pk]), data)
    assert response.status_code == 302
    township.refresh_from_db()
    assert township.credit_code == "11640221MB1959741M"
    assert AuditEvent.objects.get(action="orgs.update").after["credit_code"] == "11640221MB1959741M"


def test_an_invalid_credit_code_on_the_edit_form_gives_a_chinese_error_and_saves_nothing(
    login, admin, township
):
    client = login(admin)
    data = {
        "kind": OrgKind.TOWNSHIP,
        "name": "渠口乡人民政府（改）",
        "code": "qukou",
        "sort_order": 0,
        "credit_code": "91350100M000100Y44",
    }
    response = client.post(reverse("office:organisation_edit", args=[township.pk]), data)
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误：应为3，实为4" in response.content.decode()
    township.refresh_from_db()
    assert township.name == "渠口乡人民政府" and township.credit_code == ""
    assert not AuditEvent.objects.filter(action="orgs.update").exists()


def test_a_county_admin_moves_a_village_through_the_form(
    login, county_admin, township, village, other_township
):
    client = login(county_admin)
    response = client.post(
        reverse("office:organisation_move", args=[village.pk]), {"new_parent": other_township.pk}
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.parent_id == other_township.pk and village.path.startswith(other_township.path)


def test_the_move_form_does_not_offer_the_organisation_itself_or_its_subtree(
    login, county_admin, township, village
):
    client = login(county_admin)
    response = client.post(
        reverse("office:organisation_move", args=[township.pk]), {"new_parent": village.pk}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    township.refresh_from_db()
    assert township.parent_id != village.pk


# ---- roster and funding records ------------------------------------------------------------------------------------------


def test_a_clerk_creates_edits_and_deletes_a_staff_record_through_the_forms(login, clerk, township):
    client = login(clerk)
    response = client.post(
        reverse("office:record_create", args=["staff"]),
        {
            "year": 2018,
            "name": "杨晓梅",
            "position": "党政办干事",
            "duty": "part_time",
            "started_on": "2018-01-01",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/office/staff/?year=2018"
    record = StaffMember.objects.get(name="杨晓梅")
    assert record.organisation == township and record.duty == "part_time"
    assert "杨晓梅" in client.get("/office/staff/?year=2018").content.decode()

    response = client.post(
        reverse("office:record_edit", args=["staff", record.pk]),
        {
            "year": 2018,
            "name": "杨晓梅",
            "position": "党政办副主任",
            "duty": "full_time",
            "started_on": "2018-01-01",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.position, record.duty) == ("党政办副主任", "full_time")
    update = AuditEvent.objects.get(action="orgs.staffmember_update")
    assert update.before == {"position": "党政办干事", "duty": "part_time"}
    assert update.after == {"position": "党政办副主任", "duty": "full_time"}

    response = client.post(reverse("office:record_delete", args=["staff", record.pk]))
    assert response.status_code == 302
    assert not StaffMember.objects.filter(pk=record.pk).exists()
    assert AuditEvent.objects.get(action="orgs.staffmember_delete").before["name"] == "杨晓梅"
    assert AuditEvent.objects.filter(action="orgs.staffmember_create").count() == 1


def test_a_clerk_adds_a_training_session(login, clerk, township):
    response = login(clerk).post(
        reverse("office:record_create", args=["training"]),
        {"held_on": "2018-03-16", "topic": "政务公开培训", "attendee_count": 28},
    )
    assert response.status_code == 302
    assert TrainingSession.objects.get().organisation == township


def test_a_negative_funding_amount_gives_a_chinese_error_and_saves_nothing(login, clerk, township):
    response = login(clerk).post(
        reverse("office:record_create", args=["funding"]),
        {"year": 2018, "amount_wan": "-1", "purpose": "公开栏"},
    )
    assert response.status_code == 200
    assert "确保该值大于或等于0" in response.content.decode()
    assert not Funding.objects.exists()
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_a_negative_funding_amount_is_refused_on_edit_too(login, clerk, funding_record):
    response = login(clerk).post(
        reverse("office:record_edit", args=["funding", funding_record.pk]),
        {"year": 2018, "amount_wan": "-1", "purpose": "x"},
    )
    assert response.status_code == 200
    assert "确保该值大于或等于0" in response.content.decode()
    funding_record.refresh_from_db()
    assert funding_record.amount_wan == Decimal("2.21") and funding_record.purpose == "政务公开专项经费"


def test_an_end_date_before_the_start_date_saves_nothing(login, clerk, township):
    response = login(clerk).post(
        reverse("office:record_create", args=["staff"]),
        {
            "year": 2018,
            "name": "杨晓梅",
            "duty": "part_time",
            "started_on": "2018-05-01",
            "ended_on": "2018-01-01",
        },
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not StaffMember.objects.exists()


def test_an_end_date_before_the_start_date_is_explained_in_plain_chinese(login, clerk, township):
    page = (
        login(clerk)
        .post(
            reverse("office:record_create", args=["staff"]),
            {
                "year": 2018,
                "name": "杨晓梅",
                "duty": "part_time",
                "started_on": "2018-05-01",
                "ended_on": "2018-01-01",
            },
        )
        .content.decode()
    )
    assert "staff_end_after_start" not in page
    assert "终止日期" in page.split("errorlist", 1)[1]


def test_an_unknown_record_kind_is_refused(login, clerk):
    assert login(clerk).get("/office/records/secrets/new/").status_code in (403, 404)


# ---- users and roles ----------------------------------------------------------------------------------------------------------


def test_an_admin_creates_a_user_with_a_role_through_the_form(login, admin, village):
    response = login(admin).post(
        "/office/users/",
        {
            "form": "create",
            "username": "liuqingdi",
            "display_name": "六顷地村信息员",
            "password": "Abcd1234x",
            "organisation": village.pk,
            "role": Role.VILLAGE_CLERK,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="liuqingdi")
    assert user.check_password("Abcd1234x") and user.display_name == "六顷地村信息员"
    assert Membership.objects.get(user=user).organisation == village
    assert {"accounts.user_create", "orgs.grant_role"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_creating_a_user_with_a_role_that_cannot_be_granted_saves_no_user(login, admin, township):
    response = login(admin).post(
        "/office/users/",
        {
            "form": "create",
            "username": "wrongrole",
            "display_name": "错",
            "password": "Abcd1234x",
            "organisation": township.pk,
            "role": Role.VILLAGE_CLERK,
        },
    )
    assert response.status_code == 200
    assert "村级信息员只能授予在村（社区）上" in response.content.decode()
    assert not User.objects.filter(username="wrongrole").exists()
    assert not AuditEvent.objects.filter(action="accounts.user_create").exists()


def test_a_weak_initial_password_gives_a_chinese_error(login, admin, township):
    response = login(admin).post(
        "/office/users/",
        {
            "form": "create",
            "username": "weak",
            "display_name": "弱",
            "password": "abcdefgh",
            "organisation": township.pk,
            "role": Role.CLERK,
        },
    )
    assert response.status_code == 200
    assert "至少3类" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_an_admin_grants_a_role_to_an_existing_user(login, admin, township):
    make_staff("existing")
    response = login(admin).post(
        "/office/users/",
        {"form": "grant", "username": "existing", "organisation": township.pk, "role": Role.REVIEWER},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__username="existing").role == Role.REVIEWER


def test_an_admin_revokes_a_clerks_role(login, admin, clerk):
    membership = Membership.objects.get(user=clerk)
    response = login(admin).post(reverse("office:membership_revoke", args=[membership.pk]))
    assert response.status_code == 302 and response["Location"] == "/office/users/"
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_clerk_cannot_revoke_a_role(login, clerk, reviewer):
    membership = Membership.objects.get(user=reviewer)
    client = login(clerk)
    response = client.post(reverse("office:membership_revoke", args=[membership.pk]))
    assert response.status_code in (302, 403)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action="orgs.revoke_role").exists()


def test_revoking_your_own_last_admin_role_shows_the_chinese_refusal(login, admin):
    client = login(admin)
    membership = Membership.objects.get(user=admin)
    client.post(reverse("office:membership_revoke", args=[membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "不能撤销自己在该机构的管理员角色" in client.get("/office/users/").content.decode()


# ---- the audit page -------------------------------------------------------------------------------------------------------------


def test_the_audit_page_lists_events_of_the_subtree_only(
    settings, login, admin, township, village, other_township
):
    settings.SEPARATE_ADMIN_DUTIES = False  # without 三员分立 the admin also reads the audit log
    audit_record(actor=None, action="test.township_event", organisation=township, object_repr="乡里的事")
    audit_record(actor=None, action="test.village_event", organisation=village, object_repr="村里的事")
    audit_record(actor=None, action="test.other_event", organisation=other_township, object_repr="外乡的事")
    page = login(admin).get("/office/audit/").content.decode()
    assert "test.township_event" in page and "test.village_event" in page
    assert "test.other_event" not in page and "外乡的事" not in page


def test_a_moved_village_s_history_goes_with_it_to_the_new_township(
    settings, login, admin, county_admin, township, village, other_township
):
    settings.SEPARATE_ADMIN_DUTIES = False  # without 三员分立 the admin also reads the audit log
    from gongkai.orgs.services import org_move

    audit_record(
        actor=None, action="test.village_before_move", organisation=village, object_repr="村里的旧事"
    )
    org_move(actor=county_admin, organisation=village, new_parent=other_township)
    other_admin = make_staff(
        "other_admin", organisation=other_township, role=Role.ADMIN, display_name="外乡管理员"
    )

    assert "test.village_before_move" not in login(admin).get("/office/audit/").content.decode()
    assert "test.village_before_move" in login(other_admin).get("/office/audit/").content.decode()
    # The event itself is unchanged (the log is append-only): it still records where the village was.
    event = AuditEvent.objects.get(action="test.village_before_move")
    assert event.org_path.startswith(township.path)


def test_the_audit_page_filters_by_action(settings, login, admin, township):
    settings.SEPARATE_ADMIN_DUTIES = False  # without 三员分立 the admin also reads the audit log
    audit_record(actor=None, action="test.alpha", organisation=township)
    audit_record(actor=None, action="test.beta", organisation=township)
    page = login(admin).get("/office/audit/?action=alpha").content.decode()
    assert "test.alpha" in page and "test.beta" not in page


# ---- staff of another organisation ----------------------------------------------------------------------------------------------


def test_another_townships_staff_cannot_open_this_townships_organisation(
    login, other_township_admin, township, village
):
    client = login(other_township_admin)
    for name in (
        "office:organisation_detail",
        "office:organisation_edit",
        "office:organisation_move",
        "office:organisation_create",
    ):
        assert client.get(reverse(name, args=[township.pk])).status_code == 404, name
    assert client.get(reverse("office:organisation_detail", args=[village.pk])).status_code == 404


def test_another_townships_staff_cannot_edit_or_delete_this_townships_records(
    login, other_township_admin, staff_record
):
    client = login(other_township_admin)
    edit = reverse("office:record_edit", args=["staff", staff_record.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"year": 2018, "name": "改名", "duty": "full_time"}).status_code == 404
    assert client.post(reverse("office:record_delete", args=["staff", staff_record.pk])).status_code == 404
    staff_record.refresh_from_db()
    assert staff_record.name == "马建军"


def test_another_townships_admin_cannot_revoke_this_townships_roles(login, other_township_admin, clerk):
    membership = Membership.objects.get(user=clerk)
    response = login(other_township_admin).post(reverse("office:membership_revoke", args=[membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_switching_with_a_non_numeric_organisation_is_404_not_a_server_error(login, admin):
    client = login(admin)
    client.raise_request_exception = False
    assert client.post("/office/switch/", {"organisation": "abc"}).status_code == 404


def test_switching_to_an_organisation_outside_the_subtree_is_404(login, other_township_staff, township):
    client = login(other_township_staff)
    response = client.post("/office/switch/", {"organisation": township.pk})
    assert response.status_code == 404
    assert client.session.get(SESSION_KEY) != township.pk


def test_a_stale_org_in_the_session_falls_back_to_the_users_own(
    login, other_township_staff, township, other_township
):
    client = login(other_township_staff)
    session = client.session
    session[SESSION_KEY] = township.pk
    session.save()
    page = client.get("/office/").content.decode()
    assert "通伏乡人民政府 · 工作台" in page
    assert "渠口乡人民政府 · 工作台" not in page


def test_the_village_clerk_cannot_open_the_township(login, village_clerk, township, village):
    client = login(village_clerk)
    assert client.get(reverse("office:organisation_detail", args=[township.pk])).status_code == 404
    assert client.get(reverse("office:organisation_detail", args=[village.pk])).status_code == 200
    assert client.post("/office/switch/", {"organisation": township.pk}).status_code == 404


# ---- read-only users and weak roles ---------------------------------------------------------------------------------------------


def test_a_read_only_user_sees_but_cannot_post_edits(login, county_viewer, township, staff_record):
    client = login(county_viewer)
    assert client.get(reverse("office:organisation_detail", args=[township.pk])).status_code == 200
    assert client.post("/office/switch/", {"organisation": township.pk}).status_code == 302
    assert client.get("/office/staff/?year=2018").status_code == 200
    refused = [
        (
            reverse("office:organisation_edit", args=[township.pk]),
            {"kind": "township", "name": "改", "code": "qukou", "sort_order": 0},
        ),
        (
            reverse("office:organisation_create", args=[township.pk]),
            {"kind": "village", "name": "新村", "code": "xincun", "sort_order": 0},
        ),
        (reverse("office:organisation_move", args=[township.pk]), {"new_parent": township.parent_id}),
        (
            reverse("office:record_create", args=["staff"]),
            {"year": 2018, "name": "新人", "duty": "full_time"},
        ),
        (
            reverse("office:record_edit", args=["staff", staff_record.pk]),
            {"year": 2018, "name": "改名", "duty": "full_time"},
        ),
        (reverse("office:record_delete", args=["staff", staff_record.pk]), {}),
        (
            "/office/users/",
            {"form": "grant", "username": "county_viewer", "organisation": township.pk, "role": "admin"},
        ),
    ]
    for url, data in refused:
        assert client.post(url, data).status_code == 403, url
    assert client.get("/office/audit/").status_code == 403
    township.refresh_from_db()
    staff_record.refresh_from_db()
    assert township.name == "渠口乡人民政府" and staff_record.name == "马建军"
    assert not Organisation.objects.filter(code="xincun").exists()
    assert StaffMember.objects.count() == 1
    assert Membership.objects.filter(user=county_viewer).count() == 1


def test_a_clerk_cannot_manage_the_organisation_users_or_audit(login, clerk, township):
    client = login(clerk)
    assert client.get(reverse("office:organisation_edit", args=[township.pk])).status_code == 403
    assert client.get("/office/users/").status_code == 403
    assert client.get("/office/audit/").status_code == 403


# ---- wrong method ------------------------------------------------------------------------------------------------------------------


def test_post_only_views_refuse_get_with_405(login, admin, staff_record, clerk):
    client = login(admin)
    membership = Membership.objects.get(user=clerk)
    for url in (
        "/office/switch/",
        reverse("office:record_delete", args=["staff", staff_record.pk]),
        reverse("office:membership_revoke", args=[membership.pk]),
        reverse("accounts:logout"),
    ):
        assert client.get(url).status_code == 405, url
    assert StaffMember.objects.filter(pk=staff_record.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_form_views_refuse_put_and_delete_with_405(login, admin, township, staff_record):
    client = login(admin)
    for url in (
        reverse("office:organisation_edit", args=[township.pk]),
        reverse("office:organisation_move", args=[township.pk]),
        reverse("office:organisation_create", args=[township.pk]),
        reverse("office:record_create", args=["staff"]),
        reverse("office:record_edit", args=["staff", staff_record.pk]),
        "/office/users/",
        LOGIN,
        reverse("accounts:password_change"),
    ):
        assert client.put(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url


@pytest.mark.parametrize("name", ["dashboard", "organisations", "staff", "funding", "audit"])
def test_read_only_office_pages_refuse_post_with_405(login, admin, township, name):
    assert login(admin).post(reverse(f"office:{name}")).status_code == 405


def test_logout_by_post_ends_the_session(login, admin):
    client = login(admin)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get("/office/").status_code == 302


def test_the_admin_marks_an_internal_office_as_a_disclosure_organ_on_the_edit_form(login, admin, township):
    """Issue 14: 作为公开主体 on the organisation form, saved with the audit row and shown on the detail page."""
    from gongkai.orgs.services import org_insert

    office = org_insert(
        parent=township, kind=OrgKind.DEPARTMENT, name="渠口乡党政综合办公室", code="qukou-dzb"
    )
    assert office.is_disclosure_organ is False
    client = login(admin)
    page = client.get(reverse("office:organisation_edit", args=[office.pk])).content.decode()
    assert "作为公开主体（单独编报年度报告）" in page and 'name="is_disclosure_organ"' in page
    data = {"kind": OrgKind.DEPARTMENT, "name": office.name, "code": office.code, "sort_order": 0}
    data |= {"separate_review_duties": "on", "is_disclosure_organ": "on"}
    assert client.post(reverse("office:organisation_edit", args=[office.pk]), data).status_code == 302
    office.refresh_from_db()
    assert office.is_disclosure_organ is True
    assert AuditEvent.objects.get(action="orgs.update").after["is_disclosure_organ"] is True
    detail = client.get(reverse("office:organisation_detail", args=[office.pk])).content.decode()
    assert "是（单独编报年度报告）" in detail
