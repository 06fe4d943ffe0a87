"""等保 2.0 security base: hashing, password policy and expiry, lockout, sessions and TOTP two-factor login."""

import datetime
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import gongkai.settings as project_settings
from gongkai.accounts.services import validate_new_password
from gongkai.audit.models import AuditEvent
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Role

from .conftest import PASSWORD, make_staff

LOGIN = "/office/login/"
VERIFY = "/office/login/verify/"
PASSWORD_CHANGE = "/office/account/password/"
TWO_FACTOR = "/office/account/two-factor/"
LOCKED_TEXT = "登录已暂时锁定"


@pytest.fixture
def staff(township):
    return make_staff("majianjun", organisation=township, role=Role.CLERK, display_name="马建军")


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def logged_in(client) -> bool:
    return client.get("/office/").status_code == 200


def comparable(page: str, username: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return page.replace(username, "USERNAME")


def valid_token(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def invalid_token(device) -> str:
    near = {f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=d):06d}" for d in range(-3, 4)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


# ---- hashing and the password policy -------------------------------------------------------------------------------------


def test_argon2_is_the_hasher_used_for_a_new_password(settings, db):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = make_staff("argon")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("password", ["abcdefgh", "abcd1234", "ABCDEFGH1", "Abc12!", "12345678"])
def test_the_dengbao_profile_refuses_a_weak_password(db, password):
    assert django_settings.PASSWORD_POLICY == "dengbao"
    with pytest.raises(DomainError):
        validate_new_password(password)


def test_the_dengbao_profile_explains_the_character_classes_in_chinese(db):
    with pytest.raises(DomainError, match="至少3类"):
        validate_new_password("abcd1234")


@pytest.mark.parametrize("password", ["Abcd1234", "abcd!234", "ABCD_efgh"])
def test_the_dengbao_profile_accepts_three_character_classes(db, password):
    validate_new_password(password)


def test_the_dengbao_profile_expires_passwords_after_90_days():
    assert django_settings.PASSWORD_MAX_AGE_DAYS == 90


def test_the_asvs_profile_wants_twelve_characters_and_no_expiry():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.contrib.auth.password_validation import validate_password as v; "
        "print(settings.PASSWORD_MAX_AGE_DAYS); "
        "v('zebra-lantern-harbour'); "
        'exec(\'try:\\n v("Abcd1234")\\nexcept Exception:\\n print("short refused")\')'
    )
    env = {**os.environ, "GONGKAI_PASSWORD_POLICY": "asvs", "DJANGO_SETTINGS_MODULE": "gongkai.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "short", "refused"]


# ---- password expiry -------------------------------------------------------------------------------------------------------------


def test_an_expired_password_must_be_changed_before_the_office_opens(client, staff):
    staff.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    staff.save(update_fields=["password_changed_at"])
    assert post_login(client, "majianjun", PASSWORD).status_code == 302
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"] == PASSWORD_CHANGE
    assert client.get("/office/staff/")["Location"] == PASSWORD_CHANGE
    page = client.get(PASSWORD_CHANGE).content.decode()
    assert "您的密码已超过有效期" in page

    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": PASSWORD,
            "new_password": "Neu-Passw0rd-27",
            "new_password_again": "Neu-Passw0rd-27",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert logged_in(client)
    staff.refresh_from_db()
    assert staff.check_password("Neu-Passw0rd-27")
    assert timezone.now() - staff.password_changed_at < datetime.timedelta(minutes=1)
    assert AuditEvent.objects.filter(action="accounts.password_change", actor=staff).count() == 1


def test_a_password_changed_89_days_ago_still_works(client, staff):
    staff.password_changed_at = timezone.now() - datetime.timedelta(days=89)
    staff.save(update_fields=["password_changed_at"])
    post_login(client, "majianjun", PASSWORD)
    assert logged_in(client)


def test_the_password_change_refuses_a_weak_new_password_and_keeps_the_old_one(login, staff):
    client = login(staff)
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password": "abcdefgh", "new_password_again": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "至少3类" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_password_change_needs_the_current_password(login, staff):
    response = login(staff).post(
        PASSWORD_CHANGE,
        {"old_password": "wrong", "new_password": "Neu-Passw0rd-27", "new_password_again": "Neu-Passw0rd-27"},
    )
    assert "当前密码不正确" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


# ---- login, failures and lockout ------------------------------------------------------------------------------------------------


def test_a_good_login_opens_the_office_and_is_audited(client, staff):
    response = post_login(client, "majianjun", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert logged_in(client)
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == staff and event.ip_address == "127.0.0.1"


def test_login_follows_a_local_next_but_not_an_outside_one(client, staff):
    assert post_login(client, "majianjun", PASSWORD, next="/office/staff/")["Location"] == "/office/staff/"
    client.logout()
    assert post_login(client, "majianjun", PASSWORD, next="https://evil.example/")["Location"] == "/office/"


def test_a_wrong_password_and_an_unknown_user_get_the_same_page(client, staff):
    wrong = post_login(client, "majianjun", "Wrong-Passw0rd")
    unknown = post_login(client, "nosuchuser", "Wrong-Passw0rd")
    assert wrong.status_code == unknown.status_code == 200
    assert "用户名或密码错误" in wrong.content.decode()
    assert comparable(wrong.content.decode(), "majianjun") == comparable(
        unknown.content.decode(), "nosuchuser"
    )


def test_a_failed_login_is_audited_with_the_address(client, staff):
    post_login(client, "majianjun", "Wrong-Passw0rd")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_repr == "majianjun"
    assert event.ip_address == "127.0.0.1"
    assert event.actor is None


def fail_five_times(client, username):
    return [post_login(client, username, "Wrong-Passw0rd") for _ in range(5)]


def is_lockout(response) -> bool:
    return response.status_code == 429 or LOCKED_TEXT in response.content.decode()


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, staff):
    responses = fail_five_times(client, "majianjun")
    assert not any(is_lockout(r) for r in responses[:4])
    sixth = post_login(client, "majianjun", PASSWORD)
    assert is_lockout(sixth)
    assert sixth.status_code == 429
    assert LOCKED_TEXT in sixth.content.decode()
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action="auth.login_failed", object_repr="majianjun").count() >= 5
    assert AuditEvent.objects.filter(action="auth.locked_out", object_repr="majianjun").exists()
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_a_lockout_holds_from_another_browser_at_the_same_address(client, staff):
    from django.test import Client

    fail_five_times(client, "majianjun")
    other = Client()  # a fresh browser (no cookies) behind the same address
    assert is_lockout(post_login(other, "majianjun", PASSWORD))


def test_the_lockout_of_one_account_leaves_others_alone(client, staff, township):
    make_staff("colleague", organisation=township, role=Role.CLERK)
    fail_five_times(client, "majianjun")
    assert post_login(client, "colleague", PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_unknown_username_is_locked_out_the_same_way(client, staff):
    known = [r.status_code for r in fail_five_times(client, "majianjun")]
    unknown = [r.status_code for r in fail_five_times(client, "nosuchuser")]
    assert known == unknown
    known_sixth = post_login(client, "majianjun", PASSWORD)
    unknown_sixth = post_login(client, "nosuchuser", PASSWORD)
    assert known_sixth.status_code == unknown_sixth.status_code == 429
    assert comparable(known_sixth.content.decode(), "majianjun") == comparable(
        unknown_sixth.content.decode(), "nosuchuser"
    )
    assert AuditEvent.objects.filter(action="auth.login_failed", object_repr="nosuchuser").count() >= 5
    assert AuditEvent.objects.filter(action="auth.locked_out", object_repr="nosuchuser").exists()


def test_a_successful_login_resets_the_failure_count(client, staff):
    for _ in range(4):
        post_login(client, "majianjun", "Wrong-Passw0rd")
    post_login(client, "majianjun", PASSWORD)
    client.logout()
    for _ in range(4):
        post_login(client, "majianjun", "Wrong-Passw0rd")
    assert post_login(client, "majianjun", PASSWORD).status_code == 302


def test_an_inactive_account_cannot_log_in(client, staff):
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    response = post_login(client, "majianjun", PASSWORD)
    assert "用户名或密码错误" in response.content.decode()
    assert not logged_in(client)


# ---- sessions ----------------------------------------------------------------------------------------------------------------------


def test_a_successful_login_cycles_the_session_key(client, staff):
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    post_login(client, "majianjun", PASSWORD)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_sessions_expire_after_30_minutes_idle():
    assert django_settings.SESSION_COOKIE_AGE == 1800
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


def test_each_request_pushes_the_session_expiry_30_minutes_ahead(client, staff):
    post_login(client, "majianjun", PASSWORD)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert logged_in(client)
    expires = Session.objects.get(session_key=key).expire_date
    assert datetime.timedelta(minutes=29) < expires - timezone.now() <= datetime.timedelta(minutes=30)


def test_an_idle_session_past_its_expiry_is_logged_out(client, staff):
    post_login(client, "majianjun", PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# ---- TOTP two-factor login -------------------------------------------------------------------------------------------------------


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)


def test_a_user_with_a_device_must_enter_a_code_after_the_password(client, device):
    response = post_login(client, "majianjun", PASSWORD)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not logged_in(client)
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_a_wrong_code_is_refused(client, device):
    post_login(client, "majianjun", PASSWORD)
    response = client.post(VERIFY, {"token": invalid_token(device)})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert not logged_in(client)


def test_the_right_code_logs_in(client, device):
    post_login(client, "majianjun", PASSWORD, next="/office/funding/")
    response = client.post(VERIFY, {"token": valid_token(device)})
    assert response.status_code == 302 and response["Location"] == "/office/funding/"
    assert logged_in(client)
    assert AuditEvent.objects.filter(action="auth.login", actor=device.user).count() == 1


def test_the_code_step_is_not_reachable_without_the_password(client, device):
    response = client.post(VERIFY, {"token": valid_token(device)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not logged_in(client)


def test_a_session_without_a_verified_device_is_turned_away(login, device):
    client = login(device.user)  # a password-only session, e.g. one made before the device was added
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_with_two_factor_required_a_user_without_a_device_is_sent_to_set_it_up(settings, login, staff):
    settings.REQUIRE_TWO_FACTOR = True
    client = login(staff)
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    page = client.get(TWO_FACTOR).content.decode()
    assert "等级保护三级" in page


def test_without_the_requirement_a_user_without_a_device_works_normally(settings, login, staff):
    settings.REQUIRE_TWO_FACTOR = False
    assert logged_in(login(staff))


def test_the_setup_page_confirms_a_device_with_a_valid_token(settings, login, staff):
    settings.REQUIRE_TWO_FACTOR = True
    client = login(staff)
    assert client.post(TWO_FACTOR, {"start": "1"}).status_code == 302
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    page = client.get(TWO_FACTOR).content.decode()
    assert "data:image/svg+xml;base64," in page
    response = client.post(TWO_FACTOR, {"token": valid_token(device)})
    assert response.status_code == 302 and response["Location"] == "/office/"
    device.refresh_from_db()
    assert device.confirmed
    assert logged_in(client)
    assert AuditEvent.objects.filter(action="accounts.two_factor_enable", actor=staff).count() == 1


def test_the_setup_page_refuses_a_wrong_token(settings, login, staff):
    settings.REQUIRE_TWO_FACTOR = True
    client = login(staff)
    client.post(TWO_FACTOR, {"start": "1"})
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(TWO_FACTOR, {"token": invalid_token(device)})
    assert response.status_code == 200
    assert "验证码不正确或已过期，请重新输入" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/office/")["Location"] == TWO_FACTOR


# ---- the Django admin is staff-facing too ------------------------------------------------------------------------------------------


@pytest.fixture
def root(db):
    return make_staff("rootadmin", is_superuser=True, is_staff=True)


def admin_login(client, username):
    """The admin site has no login of its own: staff log in through the office and come back."""
    return client.post("/office/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})


def test_the_admin_opens_for_a_superuser(client, root):
    admin_login(client, "rootadmin")
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_sends_staff_to_the_office_login(client, root):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/office/login/?next=/admin/"


def test_the_admin_login_is_locked_out_like_the_office_login(client, root):
    for _ in range(5):
        client.post(
            "/office/login/", {"username": "rootadmin", "password": "Wrong-Passw0rd", "next": "/admin/"}
        )
    assert is_lockout(admin_login(client, "rootadmin"))
    assert client.get("/admin/").status_code == 302


def test_a_superuser_with_a_device_cannot_reach_the_admin_with_a_password_alone(client, root):
    TOTPDevice.objects.create(user=root, name="手机", confirmed=True)
    admin_login(client, "rootadmin")
    assert client.get("/admin/").status_code != 200


def test_with_two_factor_required_the_admin_is_closed_to_a_superuser_without_a_device(settings, client, root):
    settings.REQUIRE_TWO_FACTOR = True
    admin_login(client, "rootadmin")
    assert client.get("/admin/").status_code != 200


def test_an_expired_password_closes_the_admin_too(client, root):
    root.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    root.save(update_fields=["password_changed_at"])
    admin_login(client, "rootadmin")
    assert client.get("/admin/").status_code != 200
