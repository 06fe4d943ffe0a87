"""The demo gives the board real findings: questions, a consultation, stale village columns and a late township."""

from django.utils import timezone

from gongkai.orgs.models import Organisation
from gongkai.participation import queries as participation_queries
from gongkai.participation.models import ConsultationState
from gongkai.supervision import facts, queries


def test_the_demo_board_shows_the_late_township_and_the_stale_village_columns(demo):
    county = Organisation.objects.get(code="pingluo")
    rows = {row.organisation.code: row for row in queries.board(county, today=timezone.localdate())}
    assert set(rows) == {"qukou", "huangquqiao"}  # the 党政综合办公室 is an internal office, not a row
    late = rows["huangquqiao"].figures
    assert late["overdue_applications"] == 1 and late["late_items"] == 1 and late["stale_columns"] >= 1
    stale = queries.figure_records(demo, "stale_columns", today=timezone.localdate())
    assert any(r["organisation"].kind == "village" for r in stale)


def test_the_demo_has_questions_and_a_consultation_with_its_feedback(demo):
    public = participation_queries.public_questions(demo)
    assert public.count() == 3 and not public.filter(wants_private=True).exists()
    states = set(participation_queries.consultations_in(demo).values_list("state", flat=True))
    assert states == {ConsultationState.OPEN, ConsultationState.FEEDBACK_PUBLISHED}


def test_the_demo_construction_projects_late_stage_is_on_the_board_and_in_the_self_check(demo):
    """Issue 17: the 2025 project's one late stage shows on the county board and in the township's self-check."""
    county = Organisation.objects.get(code="pingluo")
    today = timezone.localdate()
    rows = {row.organisation.code: row for row in queries.board(county, today=today)}
    assert rows["qukou"].figures["key_work_gaps"] == 1
    assert rows["huangquqiao"].figures["key_work_gaps"] == 0
    (record,) = queries.figure_records(demo, "key_work_gaps", today=today)
    assert record["type"] == "keywork" and "质量安全监督" in record["label"]
    gaps = [f for f in queries.self_check(demo, today=today) if f.rule == "key_work_gap"]
    assert [f.level for f in gaps] == ["failing"] and gaps[0].object_id == record["pk"]


def test_an_internal_office_marked_as_a_disclosure_organ_gets_a_board_row_and_is_expected_to_file(demo):
    """Issue 14: the 党政综合办公室 files no report of its own, until it is marked as a disclosure organ."""
    county = Organisation.objects.get(code="pingluo")
    office = Organisation.objects.get(code="qukou-dangzhengban")
    today = timezone.localdate()
    assert facts.is_internal_office(office) and queries.report_status(office, today=today) is None
    office.is_disclosure_organ = True
    office.save(update_fields=["is_disclosure_organ"])
    office = Organisation.objects.select_related("parent").get(pk=office.pk)
    assert not facts.is_internal_office(office)
    rows = {row.organisation.code: row for row in queries.board(county, today=today)}
    assert set(rows) == {"qukou", "huangquqiao", "qukou-dangzhengban"}
    office_facts = facts.read(office, today=today)
    assert office_facts.has_home and office_facts.report_year == today.year - 1
    assert queries.report_status(office, today=today).year == today.year - 1
