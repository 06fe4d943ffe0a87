import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.applications.clock import (
    APPLICANT_EVENTS,
    ClockError,
    ClockState,
    EventKind,
    PauseReason,
    check_event,
    compute_clock,
    next_events,
)
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


# -- what may be recorded next (`next_events`) ----------------------------------------------------------------

DECIDABLE = ["granted", "partly_granted", "unable_not_held", "refuse_third_party"]
PAUSES_OR_EXTENSION = {
    EventKind.THIRD_PARTY_CONSULTATION_OPENED,
    EventKind.OTHER_ORGAN_CONSULTATION_OPENED,
    EventKind.EXTENSION_APPROVED,
    EventKind.FEE_NOTICE_SENT,
}


def _data(draw, kind: EventKind, day: dt.date) -> dict:
    """The data a clerk would enter with an event of `kind` recorded on `day`."""
    if kind is EventKind.CORRECTION_REQUESTED:
        return {"deadline": day + dt.timedelta(days=draw(st.integers(0, 20)))}
    if kind is EventKind.EXTENSION_APPROVED:
        return {"workdays": draw(st.integers(min_value=1, max_value=20))}
    if kind in (EventKind.THIRD_PARTY_CONSULTATION_OPENED, EventKind.OTHER_ORGAN_CONSULTATION_OPENED):
        return {"letter_received_on": day + dt.timedelta(days=draw(st.integers(0, 5)))}
    if kind is EventKind.FEE_NOTICE_SENT:
        return {"received_on": day + dt.timedelta(days=draw(st.integers(0, 5)))}
    if kind is EventKind.DECIDED:
        return {"decision": draw(st.sampled_from(DECIDABLE))}
    return {}


OFFICE_KINDS = [kind for kind in EventKind if kind not in APPLICANT_EVENTS]


@st.composite
def walks(draw):
    """A history built the way the office builds one: each day, one of the events `next_events` offers."""
    day = draw(receipts)
    # sent on the public form, it waits for the organ's 确认收到 (Art. 31(3)); otherwise received that day
    online = draw(st.booleans())
    events = [("received", day, {"channel": "online", "awaiting_confirmation": True} if online else {})]
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        day += dt.timedelta(days=draw(st.integers(min_value=0, max_value=12)))
        offered = next_events(events, CAL, day)
        if not offered:
            break
        kind = draw(st.sampled_from(offered))
        events.append((kind.value, day, _data(draw, kind, day)))
    today = day + dt.timedelta(days=draw(st.integers(min_value=0, max_value=40)))
    return events, today


@settings(max_examples=150, deadline=None)
@given(walk=walks())
def test_the_events_offered_are_exactly_those_the_clock_accepts_today(walk):
    events, today = walk
    offered = set(next_events(events, CAL, today))
    for kind in OFFICE_KINDS:
        try:
            check_event(events, (kind, today), CAL)
        except ClockError:
            assert kind not in offered, kind
        else:
            assert kind in offered, kind
            compute_clock([*events, (kind, today)], CAL, today=today)  # still a possible history


@settings(max_examples=60, deadline=None)
@given(walk=walks(), back=st.integers(min_value=1, max_value=30))
def test_an_event_dated_before_the_last_one_recorded_is_offered_only_if_the_clock_accepts_it(walk, back):
    events, _today = walk
    day = events[-1][1] - dt.timedelta(days=back)
    offered = set(next_events(events, CAL, day))
    for kind in OFFICE_KINDS:
        try:
            check_event(events, (kind, day), CAL)
        except ClockError:
            assert kind not in offered, kind
        else:
            assert kind in offered, kind


@settings(max_examples=150, deadline=None)
@given(walk=walks())
def test_the_events_offered_follow_the_regulations(walk):
    events, today = walk
    offered = set(next_events(events, CAL, today))
    status = compute_clock(events, CAL, today=today)
    kinds = [e[0] for e in events]
    assert EventKind.RECEIVED not in offered  # one receipt, first (Art. 31)
    assert not offered & APPLICANT_EVENTS  # the applicant's own records are not office steps
    if status.state is ClockState.AWAITING_CONFIRMATION:
        assert offered == {
            EventKind.RECEIPT_CONFIRMED
        }  # nothing before the receipt is confirmed (Art. 31(3))
        return
    assert EventKind.RECEIPT_CONFIRMED not in offered
    if "archived" in kinds:
        assert offered == set()  # the last stage (Art. 45)
    elif status.state is ClockState.CLOSED:
        assert EventKind.ARCHIVED in offered
        assert offered <= {EventKind.DELIVERED, EventKind.ARCHIVED}
    elif PauseReason.CORRECTION in status.pause_reasons:
        assert EventKind.CORRECTION_RECEIVED in offered  # Art. 30
        assert offered <= {EventKind.CORRECTION_RECEIVED, EventKind.DEEMED_ABANDONED}
    elif "fee_notice_sent" in kinds and "fee_paid" not in kinds:
        assert EventKind.DECIDED not in offered
        assert (EventKind.FEE_PAID in offered) != (EventKind.DEEMED_ABANDONED in offered)
    else:
        assert EventKind.DECIDED in offered  # the organ may always answer (Art. 33)
    if status.state is ClockState.OVERDUE:
        assert not offered & PAUSES_OR_EXTENSION  # time run out cannot be paused or extended (Art. 33)
    if EventKind.CORRECTION_REQUESTED in offered:
        assert today <= status.correction_notice_due and "correction_requested" not in kinds  # Art. 30
    if EventKind.EXTENSION_APPROVED in offered:
        assert status.extension_workdays == 0  # once (Art. 33 ¶2)
