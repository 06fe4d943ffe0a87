"""`gongkai demo` on an empty database: audited once, and refused in production."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from gongkai.audit.models import AuditEvent
from gongkai.orgs.models import Organisation


def test_the_first_run_is_audited_and_the_second_writes_nothing(db):
    call_command("demo", stdout=StringIO())
    event = AuditEvent.objects.get(action="demo.load")
    assert event.actor_label == "演示数据"
    count = AuditEvent.objects.count()
    call_command("demo", stdout=StringIO())
    assert AuditEvent.objects.count() == count


def test_the_demo_refuses_to_run_in_production(settings, db):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", stdout=StringIO())
    assert not Organisation.objects.exists()
    assert not apps.get_model("accounts", "User").objects.exists()
