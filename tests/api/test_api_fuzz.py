"""schemathesis, a real OpenAPI fuzzer, against the live schema of /api/v1/ (served by the application itself,
called through its WSGI handler): no 5xx, every response as the schema says (status, media type, body), every
refusal a problem+json. Bounded examples per operation so the run stays under a minute."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.today("2026-03-16")

schema = schemathesis.pytest.from_fixture("live_schema")
MAX_EXAMPLES = 10


@pytest.fixture
def live_schema(db, settings, township, village, new_publish):
    settings.GONGKAI_API_LIMITS = {"per_token": 100_000, "per_address": 100_000}
    # The WSGI handler closes the database connection at the end of each request (close_old_connections), which
    # on PostgreSQL would end the test's transaction; Django's own test client unhooks it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(township, publish, admin):
    """A token with every scope for a 管理员, and a published item, so the fuzzer reaches past 401 and 404."""
    import datetime as dt

    from gongkai.api.services import token_create

    publish(township, "关于春耕的通知", body="<p>春耕备耕</p>", published_on=dt.date(2026, 3, 2))
    _token, secret = token_create(
        organisation=township,
        actor=admin,
        holder=admin,
        name="模糊测试",
        scopes=["read", "write", "personal_data"],
        expires_on=dt.date(2026, 12, 31),
    )
    return secret


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_its_schema_says(case, fuzz_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"},
        # A schema-valid request may still break a rule of the domain that JSON Schema cannot say (a GB 11643
        # checksum, the statutory clock): those are 422 problems by design. Every other check runs, including
        # negative_data_rejection (a request outside the schema must be refused).
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
