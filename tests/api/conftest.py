import datetime as dt

import pytest

from gongkai.api.services import token_create


@pytest.fixture
def make_token(admin):
    """make_token(holder, *, scopes=("read", "write"), organisation=None) → the secret of a token that `admin`
    (the township's 管理员) created in the office for `holder`."""

    def _make(holder, *, scopes=("read", "write"), organisation=None, actor=None, expires_on=None):
        from gongkai.orgs.models import Organisation

        organisation = organisation or Organisation.objects.get(code="qukou")
        _token, secret = token_create(
            organisation=organisation,
            actor=actor or admin,
            holder=holder,
            name="测试系统",
            scopes=list(scopes),
            expires_on=expires_on or dt.date.today() + dt.timedelta(days=30),
        )
        return secret

    return _make


@pytest.fixture
def bearer():
    def _headers(secret):
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return _headers
