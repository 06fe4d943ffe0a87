"""Helpers for the foundation tests: a few extra actors."""

import pytest

from gongkai.accounts.models import User
from gongkai.orgs.models import Membership, Role

PASSWORD = "Found-Passw0rd-2026"


def make_staff(username: str, *, organisation=None, role=None, password: str = PASSWORD, **fields) -> User:
    user = User(username=username, display_name=fields.pop("display_name", username), **fields)
    user.set_password(password)
    user.save()
    if organisation is not None and role is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def county_admin(county):
    return make_staff("county_admin", organisation=county, role=Role.ADMIN, display_name="县管理员")


def fresh(user):
    """The same account without the per-request grant cache, as the next request would see it."""
    return User.objects.get(pk=user.pk)
