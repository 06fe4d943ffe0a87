"""Issue 10, 等保 level-3 controls on staff accounts (GB/T 22239-2019 三级): absolute session lifetime, disabling a
user with their sessions, the inactive-account job, 三员分立, audit of refused access and failed second factors,
forced password change, sensitive POST parameters and `Cache-Control: no-store` in the office."""

import datetime
import io
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts.context import LOGIN_AT_KEY
from gongkai.accounts.models import User
from gongkai.audit.models import AuditEvent
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.orgs.models import Membership, Role
from gongkai.orgs.services import membership_grant

from .conftest import PASSWORD, fresh, make_staff
from .test_security import invalid_token

LOGIN = "/office/login/"
PASSWORD_CHANGE = "/office/account/password/"


def post_login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client) -> bool:
    return client.get("/office/").status_code == 200


@pytest.fixture
def security_admin(township):
    return make_staff("anquan", organisation=township, role=Role.SECURITY_ADMIN, display_name="安全管理员")


@pytest.fixture
def worker(township):
    """A clerk whose password this module knows (the shared `clerk` fixture has another)."""
    return make_staff("worker", organisation=township, role=Role.CLERK, display_name="经办人")


@pytest.fixture
def auditor(township):
    return make_staff("shenji", organisation=township, role=Role.AUDIT_ADMIN, display_name="审计管理员")


# ---- absolute session lifetime ---------------------------------------------------------------------------------------


def age_session(client, hours: float) -> None:
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time() - hours * 3600)
    session.save()


def test_a_session_ends_eight_hours_after_login_however_active(client, worker):
    assert post_login(client, "worker").status_code == 302
    assert client.session[LOGIN_AT_KEY] <= time.time()
    age_session(client, 7.9)
    assert logged_in(client)  # the idle timeout alone would keep it alive for ever with activity
    age_session(client, 8.1)
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert not logged_in(client)


def test_the_absolute_lifetime_is_a_setting(settings, client, worker):
    settings.SESSION_ABSOLUTE_AGE = 3600
    post_login(client, "worker")
    age_session(client, 1.1)
    assert not logged_in(client)


# ---- disabling a user and ending their sessions ----------------------------------------------------------------------


def test_an_admin_disables_a_user_and_ends_all_their_sessions(login, admin, worker):
    clerk = worker
    phone, desk = Client(), Client(REMOTE_ADDR="10.0.0.9")
    post_login(phone, "worker")
    post_login(desk, "worker")
    assert logged_in(phone) and logged_in(desk)
    office = login(admin)
    sessions_before = Session.objects.count()

    response = office.post(reverse("office:user_disable", args=[clerk.pk]), {"reason": "调离"})
    assert response.status_code == 302

    assert not fresh(clerk).is_active
    assert not logged_in(phone) and not logged_in(desk)
    assert Session.objects.count() == sessions_before - 2
    event = AuditEvent.objects.get(action="accounts.user_disable")
    assert event.actor == admin and event.object_id == str(clerk.pk)
    assert event.after == {"is_active": False, "sessions_ended": 2, "reason": "调离"}
    assert post_login(Client(), "worker").status_code == 200  # cannot log in again


def test_a_disabled_user_can_be_enabled_again_and_it_is_audited(login, admin, clerk):
    client = login(admin)
    client.post(reverse("office:user_disable", args=[clerk.pk]))
    client.post(reverse("office:user_enable", args=[clerk.pk]))
    assert fresh(clerk).is_active
    assert AuditEvent.objects.filter(action="accounts.user_enable", actor=admin).count() == 1


def test_the_users_page_lists_accounts_with_the_disable_button(login, admin, clerk):
    page = login(admin).get("/office/users/").content.decode()
    assert reverse("office:user_disable", args=[clerk.pk]) in page
    assert reverse("office:user_disable", args=[admin.pk]) not in page  # not oneself


def test_a_security_admin_may_disable_a_user_too(login, security_admin, clerk):
    assert login(security_admin).post(reverse("office:user_disable", args=[clerk.pk])).status_code == 302
    assert not fresh(clerk).is_active


@pytest.mark.parametrize("who", ["clerk", "other_township_clerk", "auditor"])
def test_others_cannot_disable_a_user(request, login, admin, clerk, who):
    actor = request.getfixturevalue(who)
    response = login(actor).post(reverse("office:user_disable", args=[admin.pk]))
    assert response.status_code == 403
    assert fresh(admin).is_active
    assert not AuditEvent.objects.filter(action="accounts.user_disable").exists()


def test_an_admin_cannot_disable_a_superuser_or_an_account_with_a_role_elsewhere(
    login, admin, superuser, other_township, township
):
    wider = make_staff("wider", organisation=township, role=Role.CLERK)
    Membership.objects.create(user=wider, organisation=other_township, role=Role.CLERK)
    client = login(admin)
    assert client.post(reverse("office:user_disable", args=[superuser.pk])).status_code == 403
    assert client.post(reverse("office:user_disable", args=[wider.pk])).status_code == 403
    assert client.post(reverse("office:user_disable", args=[admin.pk])).status_code == 403


def test_disabling_refuses_get(login, admin, clerk):
    assert login(admin).get(reverse("office:user_disable", args=[clerk.pk])).status_code == 405


# ---- the inactive-account job ----------------------------------------------------------------------------------------


def test_the_daily_job_disables_accounts_inactive_for_n_days_and_audits_each(township, superuser):
    now = timezone.now()
    idle = make_staff(
        "idle", organisation=township, role=Role.CLERK, last_login=now - datetime.timedelta(days=91)
    )
    recent = make_staff(
        "recent", organisation=township, role=Role.CLERK, last_login=now - datetime.timedelta(days=89)
    )
    never = make_staff("never", organisation=township, role=Role.CLERK)
    User.objects.filter(pk=never.pk).update(date_joined=now - datetime.timedelta(days=100))
    new = make_staff("new", organisation=township, role=Role.CLERK)  # created today, never logged in
    User.objects.filter(pk=superuser.pk).update(last_login=now - datetime.timedelta(days=400))

    out = io.StringIO()
    call_command("accounts", "disable_inactive", "--days", "90", stdout=out)

    assert not fresh(idle).is_active and not fresh(never).is_active
    assert fresh(recent).is_active and fresh(new).is_active and fresh(superuser).is_active
    events = AuditEvent.objects.filter(action="accounts.user_disable").order_by("id")
    assert [e.object_repr for e in events] == ["idle", "never"]
    assert all(e.actor is None and e.actor_label == "系统" for e in events)
    assert events[0].after["reason"] == "连续90天未登录，自动停用"
    assert "共停用 2 个" in out.getvalue()


def test_the_job_reads_its_default_from_the_setting(settings, township):
    settings.ACCOUNT_INACTIVE_DAYS = 30
    idle = make_staff(
        "idle",
        organisation=township,
        role=Role.CLERK,
        last_login=timezone.now() - datetime.timedelta(days=31),
    )
    call_command("accounts", "disable_inactive", stdout=io.StringIO())
    assert not fresh(idle).is_active


def test_the_job_refuses_zero_days(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="正整数"):
        call_command("accounts", "disable_inactive", "--days", "0", stdout=io.StringIO())


# ---- 三员分立 -------------------------------------------------------------------------------------------------------------


def test_the_audit_admin_reads_the_log_and_changes_nothing(login, auditor, township, clerk):
    client = login(auditor)
    page = client.get("/office/audit/")
    assert page.status_code == 200
    assert "审计日志" in client.get("/office/").content.decode()
    assert client.get("/office/users/").status_code == 403
    assert client.get(reverse("office:organisation_edit", args=[township.pk])).status_code == 403
    assert (
        client.post(reverse("office:record_create", args=["staff"]), {"year": 2026, "name": "x"}).status_code
        == 403
    )


def test_the_system_admin_cannot_read_the_audit_log(login, admin):
    client = login(admin)
    assert client.get("/office/audit/").status_code == 403
    assert reverse("office:audit") not in client.get("/office/").content.decode()


def test_the_system_admin_cannot_grant_the_audit_role_to_himself_or_anyone(admin, clerk, township):
    for user in (admin, clerk):
        with pytest.raises(DomainError, match="三员分立|自己"):
            membership_grant(actor=fresh(admin), user=user, organisation=township, role=Role.AUDIT_ADMIN)
    assert not Membership.objects.filter(role=Role.AUDIT_ADMIN).exists()


def test_the_security_admin_grants_the_audit_role_but_not_to_himself(security_admin, clerk, township):
    membership_grant(actor=security_admin, user=clerk, organisation=township, role=Role.AUDIT_ADMIN)
    assert Membership.objects.filter(user=clerk, role=Role.AUDIT_ADMIN).exists()
    with pytest.raises(DomainError, match="自己"):
        membership_grant(
            actor=security_admin, user=security_admin, organisation=township, role=Role.AUDIT_ADMIN
        )


def test_one_person_holds_at_most_one_administrator_role(security_admin, admin, township):
    with pytest.raises(DomainError, match="已是管理员"):
        membership_grant(actor=security_admin, user=admin, organisation=township, role=Role.AUDIT_ADMIN)


def test_the_security_admin_does_not_grant_working_roles(security_admin, township):
    newcomer = make_staff("newcomer")
    with pytest.raises(DomainError):
        membership_grant(actor=security_admin, user=newcomer, organisation=township, role=Role.REVIEWER)


def test_without_separation_the_admin_reads_the_log(settings, login, admin):
    settings.SEPARATE_ADMIN_DUTIES = False
    assert login(admin).get("/office/audit/").status_code == 200


def test_a_clerk_cannot_grant_any_role(clerk, township):
    with pytest.raises(PermissionDenied):
        membership_grant(actor=clerk, user=clerk, organisation=township, role=Role.AUDIT_ADMIN)


# ---- audit of refused access and failed second factors ---------------------------------------------------------------


def test_a_refused_office_page_is_audited(login, clerk, township):
    response = login(clerk).get("/office/users/?x=1")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == clerk and event.object_repr == "GET /office/users/?x=1"
    assert event.organisation == township and event.ip_address == "127.0.0.1"


def test_a_failed_second_factor_is_audited(client, worker, township):
    clerk = worker
    device = TOTPDevice.objects.create(user=clerk, name="手机", confirmed=True)
    post_login(client, "worker")
    client.post("/office/login/verify/", {"token": invalid_token(device)})
    event = AuditEvent.objects.get(action="auth.two_factor_failed")
    assert event.object_id == str(clerk.pk) and event.actor is None and event.organisation == township


# ---- forced password change for an account an administrator created --------------------------------------------------


def test_an_account_created_by_an_admin_must_change_its_password_at_first_login(login, admin, township):
    login(admin).post(
        "/office/users/",
        {
            "form": "create",
            "username": "xinren",
            "display_name": "新人",
            "password": "Init-Passw0rd-1",
            "organisation": township.pk,
            "role": Role.CLERK,
        },
    )
    assert User.objects.get(username="xinren").must_change_password
    newcomer = Client()
    assert post_login(newcomer, "xinren", "Init-Passw0rd-1").status_code == 302
    response = newcomer.get("/office/")
    assert response.status_code == 302 and response["Location"] == PASSWORD_CHANGE
    assert "首次登录请先设置" in newcomer.get(PASSWORD_CHANGE).content.decode()
    same = {
        "old_password": "Init-Passw0rd-1",
        "new_password": "Init-Passw0rd-1",
        "new_password_again": "Init-Passw0rd-1",
    }
    assert "不能与当前密码相同" in newcomer.post(PASSWORD_CHANGE, same).content.decode()
    new = {
        "old_password": "Init-Passw0rd-1",
        "new_password": "Mine-Passw0rd-2",
        "new_password_again": "Mine-Passw0rd-2",
    }
    assert newcomer.post(PASSWORD_CHANGE, new).status_code == 302
    assert logged_in(newcomer)
    assert not User.objects.get(username="xinren").must_change_password


# ---- sensitive POST parameters and no-store -----------------------------------------------------------------------------


def reported_post(response) -> dict:
    """What Django's error report (mail to ADMINS, the debug page) would show of the request's POST data."""
    return SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)


def test_passwords_never_reach_an_error_report(client, login, clerk, admin, township):
    hidden = SafeExceptionReporterFilter.cleansed_substitute
    login_post = reported_post(post_login(client, "clerk", "Wrong-Passw0rd"))
    assert login_post["password"] == hidden and login_post["username"] == "clerk"
    change = reported_post(
        login(clerk).post(
            PASSWORD_CHANGE, {"old_password": "a", "new_password": "b", "new_password_again": "b"}
        )
    )
    assert change["old_password"] == change["new_password"] == change["new_password_again"] == hidden
    create = reported_post(
        login(admin).post("/office/users/", {"form": "create", "username": "u", "password": "Secret-123"})
    )
    assert create["password"] == hidden and create["username"] == "u"


def test_every_office_response_says_no_store_and_public_pages_do_not(client, login, clerk):
    for response in (client.get(LOGIN), login(clerk).get("/office/"), client.get("/office/audit/")):
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_an_applicants_own_pages_say_no_store_too(client, township):
    for url in ("/track/", "/org/qukou/apply/"):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
    assert "no-store" not in client.get("/org/qukou/").get("Cache-Control", "")
