"""API tokens: created and revoked by an organisation's 管理员 in the office, hashed at rest, scoped, expiring,
recording their last use, audited; and the per-token rate limit."""

import datetime as dt

import pytest

from gongkai.api.models import ApiToken
from gongkai.api.services import TokenError, token_create, token_revoke
from gongkai.audit.models import AuditEvent
from gongkai.core.errors import PermissionDenied

pytestmark = pytest.mark.today("2026-03-16")
WHO = "/api/v1/staff/token"


def test_the_secret_is_stored_only_as_its_digest(clerk, make_token):
    secret = make_token(clerk)
    token = ApiToken.objects.get()
    assert secret not in (token.secret_hash, token.prefix)
    assert secret.startswith(f"gk_{token.prefix}_")
    assert len(token.secret_hash) == 64
    assert AuditEvent.objects.filter(action="api.token_create", object_id=str(token.pk)).exists()


def test_a_token_acts_as_its_holder_and_records_its_last_use(client, clerk, make_token, bearer):
    secret = make_token(clerk)
    assert ApiToken.objects.get().last_used_at is None
    body = client.get(WHO, **bearer(secret)).json()
    assert body["holder"] == "clerk" and body["organisation"] == "qukou"
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer ", "Bearer gk_nothing_here", "Token abc", "Bearer gk_0123456789ab_wrong-secret"],
)
def test_a_missing_or_wrong_token_gets_401_as_a_problem(client, db, header):
    response = client.get(WHO, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in response.json()["detail"]


def test_a_revoked_token_is_refused_from_the_next_request(client, admin, clerk, make_token, bearer):
    secret = make_token(clerk)
    assert client.get(WHO, **bearer(secret)).status_code == 200
    token_revoke(token=ApiToken.objects.get(), actor=admin)
    assert client.get(WHO, **bearer(secret)).status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


def test_an_expired_token_is_refused(client, clerk, make_token, bearer, time_machine):
    secret = make_token(clerk, expires_on=dt.date(2026, 3, 20))
    assert client.get(WHO, **bearer(secret)).status_code == 200
    time_machine.move_to(dt.datetime(2026, 3, 21, 0, 1, tzinfo=dt.UTC))
    assert client.get(WHO, **bearer(secret)).status_code == 401


def test_a_token_whose_holder_was_disabled_is_refused(client, clerk, make_token, bearer):
    secret = make_token(clerk)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    assert client.get(WHO, **bearer(secret)).status_code == 401


def test_only_the_organisations_administrator_creates_or_revokes_tokens(township, clerk, reviewer, admin):
    with pytest.raises(PermissionDenied):
        token_create(
            organisation=township,
            actor=reviewer,
            holder=clerk,
            name="x",
            scopes=["read"],
            expires_on=dt.date(2026, 4, 1),
        )
    token, _ = token_create(
        organisation=township,
        actor=admin,
        holder=clerk,
        name="x",
        scopes=["read"],
        expires_on=dt.date(2026, 4, 1),
    )
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, actor=clerk)


def test_a_holder_without_a_role_there_or_a_too_long_life_is_refused(
    township, admin, other_township_clerk, clerk
):
    with pytest.raises(TokenError, match="持有人"):
        token_create(
            organisation=township,
            actor=admin,
            holder=other_township_clerk,
            name="x",
            scopes=["read"],
            expires_on=dt.date(2026, 4, 1),
        )
    with pytest.raises(TokenError, match="最长"):
        token_create(
            organisation=township,
            actor=admin,
            holder=clerk,
            name="x",
            scopes=["read"],
            expires_on=dt.date(2028, 1, 1),
        )


def test_a_read_only_token_cannot_write(client, clerk, make_token, bearer):
    secret = make_token(clerk, scopes=["read"])
    response = client.post(
        "/api/v1/staff/items",
        {"title": "通知", "written_on": "2026-03-10"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert "写入" in response.json()["detail"]


def test_requests_beyond_the_per_token_budget_get_429(client, clerk, make_token, bearer, settings):
    settings.GONGKAI_API_LIMITS = {"per_token": 3, "per_address": 100}
    secret = make_token(clerk)
    statuses = [client.get(WHO, **bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(WHO, **bearer(secret))
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0
    other = make_token(clerk)  # another token has its own budget
    assert client.get(WHO, **bearer(other)).status_code == 200


# ---- the office screens -----------------------------------------------------------------------------------------

TOKENS = "/office/api/tokens/"


def test_the_administrator_creates_a_token_and_sees_its_secret_once(login, admin, clerk):
    client = login(admin)
    response = client.post(
        TOKENS,
        {"name": "12345热线", "holder": clerk.pk, "scopes": ["read", "write"], "expires_on": "2026-06-30"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert f"gk_{token.prefix}_" in response.content.decode()
    page = client.get(TOKENS).content.decode()
    assert "12345热线" in page and f"gk_{token.prefix}_" not in page  # listed, the secret never again


def test_the_administrator_revokes_a_token(login, admin, clerk, make_token):
    make_token(clerk)
    token = ApiToken.objects.get()
    response = login(admin).post(f"{TOKENS}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_token_screens_are_for_administrators_only(client, login, clerk, other_township_admin, admin):
    assert client.get(TOKENS).status_code == 302  # anonymous: to the login
    assert login(clerk).get(TOKENS).status_code == 403


def test_another_townships_administrator_cannot_revoke_ours(
    client, login, admin, clerk, make_token, other_township_admin
):
    make_token(clerk)
    token = ApiToken.objects.get()
    assert login(other_township_admin).post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_answers_only_post(login, admin, clerk, make_token):
    make_token(clerk)
    assert login(admin).get(f"{TOKENS}{ApiToken.objects.get().pk}/revoke/").status_code == 405
