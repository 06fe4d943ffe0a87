import datetime as dt

import pytest

from gongkai.keyworks import services
from gongkai.keyworks.models import WorkKind


@pytest.fixture(autouse=True)
def default_kinds(db):
    """The default kinds, installed as the office's button or the demo installs them."""
    services.kinds_install_defaults(actor="测试")


@pytest.fixture
def major_project():
    return WorkKind.objects.get(organisation=None, code="major_project")


@pytest.fixture
def make_work(township, clerk, major_project):
    """make_work(**fields) → a key work of the township planned by its clerk (a 重大建设项目 unless `kind`)."""

    def _make(**fields):
        fields.setdefault("organisation", township)
        fields.setdefault("title", "渠口乡农村道路提升改造工程")
        fields.setdefault("kind", major_project)
        fields.setdefault("starts_on", dt.date(2025, 3, 1))
        return services.work_create(actor=clerk, **fields)

    return _make


def stage(work, name):
    return work.stages.get(name=name)
