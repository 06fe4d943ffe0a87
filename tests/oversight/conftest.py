import datetime as dt

import pytest

from gongkai.applications import services


@pytest.fixture
def register():
    """register(org, received_on) → (application, lookup code), registered by the system."""

    def _register(organisation, received_on):
        return services.application_register(
            organisation=organisation,
            actor=None,
            applicant=services.Applicant("natural_person", "", "丁学军", "640221197811200035", "13895201234"),
            request=services.Request("渠口乡2024年土地征收补偿方案", "", "", "paper", "pickup"),
            channel="in_person",
            received_on=received_on,
            today=dt.date(2026, 11, 29),
        )

    return _register
