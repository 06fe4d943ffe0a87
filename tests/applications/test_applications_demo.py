import re

from django.urls import reverse

from gongkai.applications import queries, services
from gongkai.applications.clock import ClockState
from gongkai.applications.decisions import DECISION_CODES
from gongkai.applications.models import Application
from gongkai.core.identifiers import is_valid_id_number
from gongkai.demo import applications as demo_applications
from gongkai.demo import township as demo_township
from gongkai.orgs.models import Organisation
from gongkai.oversight import queries as oversight_queries


def load_again():
    """A second run of the loaders over the demo that tests/conftest.py loaded once for the whole run."""
    second = demo_township.Loader()
    demo_township.load(second)
    demo_applications.load(second)
    return second


def test_the_demo_covers_every_decision_type_and_loads_only_once(demo):
    assert Application.objects.filter(organisation__code="qukou").exists()
    assert load_again().created == []
    county = Organisation.objects.get(code="pingluo")
    decided = set(Application.objects.exclude(decision="").values_list("decision", flat=True))
    assert decided == set(DECISION_CODES)
    assert not Application.objects.filter(received_on__year=2018).exists()
    years = {y: queries.table_b(county, y) for y in range(2019, 2027)}
    assert all(years[y][("received", "total")] > 0 for y in years)
    assert years[2020][("carried_in", "total")] >= 1 and years[2023][("carried_in", "total")] >= 1
    assert oversight_queries.table_c(county, 2019)[("admin_review", "upheld")] == 1
    assert oversight_queries.table_c(county, 2023)[("direct", "upheld")] == 1


def test_the_demo_has_open_cases_due_around_today(demo):
    qukou = Organisation.objects.get(code="qukou")
    from django.utils import timezone

    states = {row.state for row in queries.queue(organisation=qukou.parent, today=timezone.localdate())}
    assert {ClockState.DUE_SOON, ClockState.NORMAL, ClockState.PAUSED, ClockState.OVERDUE} <= states


def test_no_valid_id_number_appears_on_the_public_pages_of_a_demo_case(client, demo):
    application = Application.objects.filter(organisation__code="qukou", decision="granted").first()
    # A tracking session as the applicant would have it, without knowing the (discarded) code.
    Application.objects.filter(pk=application.pk).update(lookup_hash=services.lookup_hash("DEMOCODE2345"))
    client.post(
        reverse("applications_portal:track"), {"case_number": application.case_number, "code": "DEMOCODE2345"}
    )
    pages = [
        client.get(reverse("applications_portal:track")).content.decode(),
        client.get(reverse("applications_portal:apply", args=["qukou"])).content.decode(),
    ]
    for page in pages:
        for candidate in re.findall(r"\d{17}[\dXx]", page):
            assert not is_valid_id_number(candidate)
