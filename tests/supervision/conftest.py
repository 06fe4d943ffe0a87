import pytest

from gongkai.applications import services as application_services


@pytest.fixture
def register():
    """register(org, received_on) → an application registered by the system (its clock runs from that day)."""

    def _register(organisation, received_on):
        application, _code = application_services.application_register(
            organisation=organisation,
            actor=None,
            applicant=application_services.Applicant(
                "natural_person", "", "丁学军", "640221197811200035", "13895201234"
            ),
            request=application_services.Request("渠口乡2024年土地征收补偿方案", "", "", "paper", "pickup"),
            channel="in_person",
            received_on=received_on,
            today=received_on,
        )
        return application

    return _register
