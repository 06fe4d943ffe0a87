import datetime as dt

import pytest

from gongkai.orgs.models import Membership, Role
from gongkai.participation import services


@pytest.fixture
def county_clerk(county, django_user_model):
    user = django_user_model.objects.create_user(username="county_clerk", password="x-Long-pass-123")
    Membership.objects.create(user=user, organisation=county, role=Role.CLERK)
    return user


@pytest.fixture
def ask():
    """ask(org, subject="…", body="…", today=…, **fields) → a public question, received that day."""

    def _ask(organisation, subject="村道什么时候硬化", body="请问我村三组的村道今年能否硬化？", **fields):
        fields.setdefault("today", dt.date(2026, 3, 2))
        return services.question_submit(organisation=organisation, subject=subject, body=body, **fields)

    return _ask


@pytest.fixture
def draft(township, publish):
    """A published 征求意见稿 of the township."""
    return publish(
        township,
        "渠口乡村规民约修订（征求意见稿）",
        body="第一条……",
        kind="draft_for_comment",
        published_on=dt.date(2026, 3, 2),
    )


@pytest.fixture
def consultation(township, clerk, draft):
    return services.consultation_open(
        organisation=township, actor=clerk, draft=draft, open_workdays=10, opens_on=dt.date(2026, 3, 2)
    )
