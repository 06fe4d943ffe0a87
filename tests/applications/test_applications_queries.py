import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import queries, services
from gongkai.applications.decisions import APPLICANT_CODES, DECISION_CODES
from gongkai.applications.models import Application, Stage
from gongkai.oversight import services as oversight_services

D = dt.date


def _row(org, column, received_on, decided_on=None, decision="", n=[0]):  # noqa: B006
    n[0] += 1
    return Application(
        organisation=org,
        case_number=f"T-{n[0]:06d}",
        applicant_type="natural_person" if column == "natural_person" else "organisation",
        applicant_column=column,
        applicant_name="测试",
        received_on=received_on,
        decided_on=decided_on,
        decision=decision,
        stage=Stage.CLOSED if decided_on else Stage.OPEN,
        provision_form="paper",
        delivery="pickup",
        channel="in_person",
    )


def test_table_b_agrees_with_hand_counted_cases(township, village, other_township, county, register, data):
    # Through the services, so the decided_on/decision copy is exercised too.
    a, _ = register(township, D(2024, 12, 20))  # carried into 2025, granted in 2025
    b, _ = register(township, D(2025, 3, 3), applicant=data.company())  # business, partly granted in 2025
    c, _ = register(township, D(2025, 12, 22))  # carried out of 2025, decided 2026
    d, _ = register(township, D(2025, 6, 2))  # correction, abandoned in 2025
    e, _ = register(other_township, D(2025, 4, 1))  # outside the subtree of the township
    f, _ = register(township, D(2023, 5, 5))  # decided in 2023: nowhere in 2025
    services.application_decide(
        application=a, actor=None, date=D(2025, 1, 10), decision="granted", reply_text="公开"
    )
    services.application_decide(
        application=b, actor=None, date=D(2025, 3, 20), decision="partly_granted", reply_text="部分公开"
    )
    services.application_decide(
        application=c, actor=None, date=D(2026, 1, 8), decision="unable_not_held", reply_text="不掌握"
    )
    services.application_request_correction(
        application=d, actor=None, date=D(2025, 6, 3), deadline=D(2025, 6, 13), items="写明名称"
    )
    services.application_deem_abandoned(application=d, actor=None, date=D(2025, 6, 16))
    services.application_decide(
        application=e, actor=None, date=D(2025, 4, 2), decision="granted", reply_text="公开"
    )
    services.application_decide(
        application=f, actor=None, date=D(2023, 5, 6), decision="granted", reply_text="公开"
    )

    t = queries.table_b(township, 2025)
    assert (t[("received", "natural_person")], t[("received", "business")], t[("received", "total")]) == (
        2,
        1,
        3,
    )
    assert t[("carried_in", "natural_person")] == 1
    assert t[("granted", "natural_person")] == 1
    assert t[("partly_granted", "business")] == 1
    assert t[("other_no_correction", "natural_person")] == 1
    assert t[("total", "total")] == 3
    assert t[("carried_out", "natural_person")] == 1
    assert t[("carried_out", "total")] == 1
    # received 3 + carried_in 1 + three decision rows + total 3 + carried_out 1, twice with the total column
    assert sum(t.values()) == 2 * (3 + 1 + 3 + 3 + 1)
    assert len(t) == 25 * 7
    assert [x.case_number for x in queries.table_b_records(township, 2025, "carried_out")] == [c.case_number]
    assert list(queries.table_b_records(township, 2025, "partly_granted", "business")) == [b]
    # The county sees its whole subtree.
    assert queries.table_b(county, 2025)[("received", "total")] == 4
    t26 = queries.table_b(township, 2026)
    assert t26[("carried_in", "natural_person")] == 1
    assert t26[("unable_not_held", "natural_person")] == 1


column = st.sampled_from(APPLICANT_CODES)
history = st.lists(
    st.tuples(
        column,
        st.integers(min_value=0, max_value=4 * 365),  # received, days after 2023-01-01
        st.one_of(
            st.none(), st.integers(min_value=0, max_value=400)
        ),  # decided that many days later, or never
        st.sampled_from(DECISION_CODES),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=history, year=st.integers(min_value=2023, max_value=2026))
def test_new_plus_carried_in_equals_total_plus_carried_out_in_every_column(township, history, year):
    Application.objects.all().delete()
    base = D(2023, 1, 1)
    rows = []
    for col, received, decided, decision in history:
        received_on = base + dt.timedelta(days=received)
        decided_on = received_on + dt.timedelta(days=decided) if decided is not None else None
        rows.append(_row(township, col, received_on, decided_on, decision if decided_on else ""))
    Application.objects.bulk_create(rows)
    t = queries.table_b(township, year)
    for c in (*APPLICANT_CODES, "total"):
        assert t[("received", c)] + t[("carried_in", c)] == t[("total", c)] + t[("carried_out", c)]
        assert t[("total", c)] == sum(t[(code, c)] for code in DECISION_CODES)
    for r in queries.TABLE_B_ROWS:
        assert t[(r, "total")] == sum(t[(r, c)] for c in APPLICANT_CODES)
    # Year to year: this year's carried_out is next year's carried_in.
    assert queries.table_b(township, year + 1)[("carried_in", "total")] == t[("carried_out", "total")]


def test_the_queue_filters_by_derived_state(township, register):
    overdue, _ = register(township, D(2026, 9, 1))
    fresh, _ = register(
        township, D(2026, 11, 25), request=services.Request("另一项信息", "", "", "paper", "pickup")
    )
    paused, _ = register(
        township, D(2026, 11, 23), request=services.Request("第三项信息", "", "", "paper", "pickup")
    )
    services.application_open_consultation(
        application=paused,
        actor=None,
        party="other_organ",
        date=D(2026, 11, 24),
        consulted="县自然资源局",
        today=D(2026, 11, 24),
    )
    today = D(2026, 11, 27)
    assert [r.application for r in queries.queue(organisation=township, today=today, state="overdue")] == [
        overdue
    ]
    assert [r.application for r in queries.queue(organisation=township, today=today, state="normal")] == [
        fresh
    ]
    assert [r.application for r in queries.queue(organisation=township, today=today, state="paused")] == [
        paused
    ]
    assert len(queries.queue(organisation=township, today=today)) == 3


def test_without_its_children_an_organ_counts_only_its_own_cases(township, village, register):
    from decimal import Decimal

    from gongkai.applications.models import FeeNotice
    from gongkai.oversight import queries as oversight_queries

    own, _ = register(township, D(2025, 3, 3))
    villages, _ = register(village, D(2025, 3, 4))
    for application, amount in ((own, "10.00"), (villages, "30.00")):
        FeeNotice.objects.create(
            application=application,
            basis="per_page",
            quantity=40,
            amount_quoted=Decimal(amount),
            sent_on=D(2025, 3, 10),
            received_on=D(2025, 3, 11),
            amount_collected=Decimal(amount),
            paid_on=D(2025, 3, 12),
        )
    for organisation, application in ((township, own), (village, villages)):
        oversight_services.remedy_create(
            organisation=organisation,
            actor=None,
            kind="admin_review",
            filed_on=D(2025, 5, 6),
            application=application,
        )
        oversight_services.complaint_create(
            organisation=organisation,
            actor=None,
            received_on=D(2025, 6, 1),
            channel="phone",
            subject="未按时答复",
            content="申请超过二十个工作日未答复。",
        )

    assert queries.table_b(township, 2025)[("received", "total")] == 2
    assert queries.table_b(township, 2025, include_children=False)[("received", "total")] == 1
    assert list(queries.table_b_records(township, 2025, "received", include_children=False)) == [own]
    assert oversight_queries.table_c(township, 2025)[("admin_review", "total")] == 2
    assert oversight_queries.table_c(township, 2025, include_children=False)[("admin_review", "total")] == 1
    assert (
        oversight_queries.table_c_records(township, 2025, "admin_review", include_children=False).count() == 1
    )
    assert queries.fees_collected(township, 2025) == Decimal("40.00")
    assert queries.fees_collected(township, 2025, include_children=False) == Decimal("10.00")
    assert oversight_queries.complaint_count(township, 2025) == 2
    assert oversight_queries.complaint_count(township, 2025, include_children=False) == 1
