"""Issue 10 #5: a lockout holds for (account, address); an address is throttled over all accounts; alerts go out."""

import pytest
from django.core import mail
from django.test import Client

from gongkai.accounts.lockout import ACCOUNT, ADDRESS, failure_score
from gongkai.audit.models import AuditEvent
from gongkai.orgs.models import Role

from .conftest import PASSWORD, make_staff

LOGIN = "/office/login/"
ADDRESS_A = "203.0.113.7"
ADDRESS_B = "198.51.100.20"


@pytest.fixture
def staff(township):
    return make_staff(
        "majianjun", organisation=township, role=Role.CLERK, display_name="马建军", email="ma@qukou.gov.cn"
    )


@pytest.fixture
def security_admin(county):
    return make_staff(
        "anquan",
        organisation=county,
        role=Role.SECURITY_ADMIN,
        display_name="县安全管理员",
        email="aq@pl.gov.cn",
    )


@pytest.fixture
def sent(settings):
    """The messages in Django's in-memory outbox, read when called (the list object can be replaced)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return lambda: list(mail.outbox)


def browser(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(client, username, times=5):
    return [post_login(client, username, "Wrong-Passw0rd").status_code for _ in range(times)]


def test_wrong_passwords_from_one_address_lock_the_account_at_that_address_only(staff):
    attacker = browser(ADDRESS_A)
    assert fail(attacker, "majianjun") == [200, 200, 200, 200, 429]
    assert post_login(attacker, "majianjun", PASSWORD).status_code == 429
    assert post_login(browser(ADDRESS_A), "majianjun", PASSWORD).status_code == 429  # any browser at A

    owner = browser(ADDRESS_B)
    response = post_login(owner, "majianjun", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert owner.get("/office/").status_code == 200


def test_a_good_login_elsewhere_does_not_lift_the_lock_at_the_attackers_address(staff):
    attacker = browser(ADDRESS_A)
    fail(attacker, "majianjun")
    assert post_login(browser(ADDRESS_B), "majianjun", PASSWORD).status_code == 302
    assert post_login(attacker, "majianjun", PASSWORD).status_code == 429


def test_one_address_is_throttled_across_accounts_at_its_own_higher_limit(settings, staff, township):
    settings.GONGKAI_ADDRESS_FAILURE_LIMIT = 13
    colleague = make_staff("colleague", organisation=township, role=Role.CLERK)
    attacker = browser(ADDRESS_A)
    for name in ("user1", "user2", "user3"):
        assert 429 not in fail(attacker, name, times=4)  # under the per-account limit each time
    assert fail(attacker, "user4", times=1) == [429]  # the 13th failure from A
    # the address is now throttled, for every account
    assert post_login(attacker, "colleague", PASSWORD).status_code == 429
    assert post_login(browser(ADDRESS_B), "colleague", PASSWORD).status_code == 302
    event = AuditEvent.objects.filter(action="auth.locked_out").latest("id")
    assert event.after == {"scope": ADDRESS} and event.ip_address == ADDRESS_A
    assert colleague.pk


def test_a_valid_login_from_the_address_does_not_reset_the_address_throttle(settings, staff, township):
    settings.GONGKAI_ADDRESS_FAILURE_LIMIT = 9
    make_staff("insider", organisation=township, role=Role.CLERK)
    attacker = browser(ADDRESS_A)
    fail(attacker, "user1", times=4)
    assert post_login(attacker, "insider", PASSWORD).status_code == 302  # the attacker's own account
    attacker.logout()
    fail(attacker, "user2", times=4)
    assert fail(attacker, "user3", times=1) == [429]  # 9 failures: a good login in between did not reset them


def test_the_owner_and_the_security_admin_are_told_once_per_lockout(sent, staff, security_admin):
    attacker = browser(ADDRESS_A)
    fail(attacker, "majianjun")
    fail(attacker, "majianjun", times=3)  # refused attempts during the lockout send nothing more
    assert len(sent()) == 2
    owner_mail = next(m for m in sent() if m.to == ["ma@qukou.gov.cn"])
    admin_mail = next(m for m in sent() if m.to == ["aq@pl.gov.cn"])
    assert "锁定" in owner_mail.subject
    assert ADDRESS_A in owner_mail.body and "majianjun" in owner_mail.body
    assert "其他地址的登录不受影响" in owner_mail.body
    assert "告警" in admin_mail.subject and ADDRESS_A in admin_mail.body
    audit = AuditEvent.objects.filter(action="auth.locked_out", object_repr="majianjun").first()
    assert audit.after == {"scope": ACCOUNT}


def test_a_security_admin_of_another_subtree_is_not_told(sent, staff, other_township):
    make_staff("outsider", organisation=other_township, role=Role.SECURITY_ADMIN, email="x@tongfu.gov.cn")
    fail(browser(ADDRESS_A), "majianjun")
    assert [m.to for m in sent()] == [["ma@qukou.gov.cn"]]


def test_the_platform_alert_addresses_hear_of_an_unknown_username_too(settings, sent, db):
    settings.SECURITY_ALERT_EMAILS = ["soc@county.gov.cn"]
    fail(browser(ADDRESS_A), "nosuchuser")
    assert [m.to for m in sent()] == [["soc@county.gov.cn"]]
    assert "nosuchuser" in sent()[0].body


def test_a_mail_server_that_is_down_does_not_break_the_login_page(settings, staff):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert fail(browser(ADDRESS_A), "majianjun")[-1] == 429


@pytest.mark.parametrize(
    ("account", "address", "locked", "scope"),
    [(4, 4, False, ACCOUNT), (5, 5, True, ACCOUNT), (1, 29, False, ADDRESS), (1, 30, True, ADDRESS)],
)
def test_the_failure_score_reaches_the_limit_exactly_when_either_count_does(account, address, locked, scope):
    score, decided_by = failure_score(
        account_failures=account, address_failures=address, account_limit=5, address_limit=30
    )
    assert (score >= 5) is locked
    assert decided_by == scope


# ---- the client address behind the reverse proxy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "127.0.0.1"),  # no proxy: the header is the client's own invention
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a forged entry left of the proxy's is ignored
        (2, "203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "", "127.0.0.1"),
        (2, "203.0.113.5", "127.0.0.1"),  # shorter than promised: not trusted
        (1, "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_address_is_read_through_the_trusted_hops_only(settings, rf, hops, forwarded, expected):
    from gongkai.core.clientaddr import client_address

    settings.TRUSTED_PROXY_COUNT = hops
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded) if forwarded else rf.get("/")
    assert client_address(request) == expected


def test_behind_one_proxy_the_lockout_holds_for_the_real_client_address(settings, staff):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ADDRESS_A)
    owner = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ADDRESS_B)
    assert fail(attacker, "majianjun")[-1] == 429
    assert post_login(owner, "majianjun", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.locked_out", ip_address=ADDRESS_A).exists()
