"""`gongkai demo` on an empty database is refused in production (its audited first run is in test_demo.py)."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from gongkai.orgs.models import Organisation


def test_the_demo_refuses_to_run_in_production(settings, db):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", stdout=StringIO())
    assert not Organisation.objects.exists()
    assert not apps.get_model("accounts", "User").objects.exists()
