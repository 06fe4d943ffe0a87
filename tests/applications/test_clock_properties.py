import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.applications.clock import ClockState, compute_clock
from gongkai.workdays.calendar import WorkCalendar

CAL = WorkCalendar()
receipts = st.dates(min_value=dt.date(2019, 5, 15), max_value=dt.date(2027, 6, 30))


@st.composite
def cases(draw):
    """A valid event history: receipt, maybe a consultation opened before the due date, maybe an extension."""
    received = draw(receipts)
    events = [("received", received)]
    if draw(st.booleans()):
        opened = CAL.add_workdays(received, draw(st.integers(min_value=0, max_value=19)))
        kind = draw(st.sampled_from(["third_party", "other_organ"]))
        events.append((f"{kind}_consultation_opened", opened))
        if draw(st.booleans()):
            events.append(
                (f"{kind}_consultation_closed", opened + dt.timedelta(days=draw(st.integers(0, 30))))
            )
    if draw(st.booleans()):
        when = CAL.add_workdays(received, draw(st.integers(min_value=1, max_value=15)))
        events.append(
            ("extension_approved", when, {"workdays": draw(st.integers(min_value=1, max_value=20))})
        )
    today = received + dt.timedelta(days=draw(st.integers(min_value=0, max_value=120)))
    return events, today


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_the_due_date_of_any_valid_case_is_a_working_day(case):
    events, today = case
    status = compute_clock(events, CAL, today=today)
    assert CAL.is_workday(status.due_on)


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_a_paused_case_is_never_overdue_and_its_due_date_lies_ahead(case):
    events, today = case
    status = compute_clock(events, CAL, today=today)
    if status.paused:
        assert status.state is ClockState.PAUSED
        assert status.due_on > today


@settings(max_examples=200, deadline=None)
@given(a=receipts, gap=st.integers(min_value=0, max_value=60))
def test_a_later_receipt_never_gives_an_earlier_due_date(a, gap):
    b = a + dt.timedelta(days=gap)
    due_a = compute_clock([("received", a)], CAL, today=a).due_on
    due_b = compute_clock([("received", b)], CAL, today=b).due_on
    assert due_b >= due_a


@settings(max_examples=100, deadline=None)
@given(received=receipts, first=st.integers(0, 19), length=st.integers(0, 30))
def test_a_closed_consultation_moves_the_due_date_by_exactly_its_counted_paused_days(received, first, length):
    opened = CAL.add_workdays(received, first)
    closed = opened + dt.timedelta(days=length)
    status = compute_clock(
        [
            ("received", received),
            ("third_party_consultation_opened", opened),
            ("third_party_consultation_closed", closed),
        ],
        CAL,
        today=closed,
    )
    assert status.due_on == CAL.add_workdays(received, 20 + status.deadline.paused_workdays)
    assert CAL.workdays_between(received, status.due_on) == 20 + status.deadline.paused_workdays
