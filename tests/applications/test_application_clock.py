import datetime as dt

import pytest

from gongkai.applications.clock import (
    ClockError,
    ClockEvent,
    ClockState,
    EventKind,
    PauseReason,
    check_event,
    compute_clock,
    next_events,
    validate_events,
)
from gongkai.workdays.calendar import WorkCalendar

D = dt.date
CAL = WorkCalendar()
RECEIVED = ("received", D(2025, 3, 3))  # Monday; 20 working days → Monday 2025-03-31


def clock(*events, today, calendar=CAL, **kwargs):
    return compute_clock(list(events), calendar, today=today, **kwargs)


# -- the answer period ---------------------------------------------------------------------------------


def test_the_answer_is_due_twenty_working_days_after_receipt():
    status = clock(RECEIVED, today=D(2025, 3, 4))
    assert status.due_on == D(2025, 3, 31)
    assert status.state is ClockState.NORMAL
    assert status.state_label == "正常"
    assert not status.paused
    assert not status.provisional


def test_the_worked_example_crosses_national_day_and_names_it():
    status = clock(("received", D(2025, 9, 26)), today=D(2025, 9, 29))
    assert status.due_on == D(2025, 10, 30)
    assert status.deadline.holiday_names == ("国庆节", "中秋节")
    assert [d.date for d in status.deadline.adjusted_workdays] == [D(2025, 9, 28), D(2025, 10, 11)]


def test_a_case_with_three_working_days_left_is_due_soon():
    status = clock(RECEIVED, today=D(2025, 3, 26))
    assert status.workdays_left == 3
    assert status.state is ClockState.DUE_SOON
    assert status.state_label == "即将到期"
    assert "延长不超过20个工作日" in status.next_step


def test_a_case_with_four_working_days_left_is_normal():
    status = clock(RECEIVED, today=D(2025, 3, 25))
    assert status.workdays_left == 4
    assert status.state is ClockState.NORMAL


def test_on_the_due_date_the_case_is_due_soon_with_no_working_day_left():
    status = clock(RECEIVED, today=D(2025, 3, 31))
    assert status.workdays_left == 0
    assert status.state is ClockState.DUE_SOON


def test_the_day_after_the_due_date_the_case_is_overdue():
    status = clock(RECEIVED, today=D(2025, 4, 1))
    assert status.state is ClockState.OVERDUE
    assert status.state_label == "已超期"
    assert "应立即作出答复" in status.next_step


def test_early_on_the_next_step_reminds_of_the_seven_day_correction_window():
    status = clock(RECEIVED, today=D(2025, 3, 4))
    assert status.correction_notice_due == D(2025, 3, 12)
    assert "2025年3月12日" in status.next_step
    assert "补正" in status.next_step


def test_events_may_be_given_as_clock_events_tuples_or_dicts_in_any_order():
    as_tuples = clock(("decided", D(2025, 3, 20)), RECEIVED, today=D(2025, 3, 21))
    as_objects = clock(
        ClockEvent("received", D(2025, 3, 3)), ClockEvent("decided", D(2025, 3, 20)), today=D(2025, 3, 21)
    )
    as_dicts = clock(
        {"kind": "received", "date": D(2025, 3, 3)},
        {"kind": "decided", "date": D(2025, 3, 20)},
        today=D(2025, 3, 21),
    )
    assert as_tuples == as_objects == as_dicts


# -- correction (补正, Art. 30) -------------------------------------------------------------------------


def test_a_correction_stops_the_clock_until_the_corrected_request_arrives():
    status = clock(
        ("received", D(2025, 9, 26)), ("correction_requested", D(2025, 9, 30)), today=D(2025, 10, 9)
    )
    assert status.paused
    assert status.pause_reasons == (PauseReason.CORRECTION,)
    assert status.state is ClockState.PAUSED
    assert status.due_on is None
    assert "等待申请人补正" in status.next_step


def test_a_correction_restarts_the_twenty_days_from_the_corrected_request():
    status = clock(
        ("received", D(2025, 9, 26)),
        ("correction_requested", D(2025, 9, 30)),
        ("correction_received", D(2025, 10, 15)),
        today=D(2025, 10, 16),
    )
    assert status.counting_from == D(2025, 10, 15)
    assert status.due_on == D(2025, 11, 12)
    assert status.state is ClockState.NORMAL


def test_the_correction_window_is_seven_working_days_across_national_day():
    status = clock(("received", D(2025, 9, 26)), today=D(2025, 9, 26))
    assert status.correction_notice_due == D(2025, 10, 13)
    clock(("received", D(2025, 9, 26)), ("correction_requested", D(2025, 10, 13)), today=D(2025, 10, 13))


def test_a_correction_requested_after_seven_working_days_is_refused():
    with pytest.raises(ClockError, match="7个工作日内告知，即不晚于2025年10月13日") as caught:
        clock(("received", D(2025, 9, 26)), ("correction_requested", D(2025, 10, 14)), today=D(2025, 10, 14))
    assert caught.value.event.kind == EventKind.CORRECTION_REQUESTED


def test_a_second_correction_is_refused():
    with pytest.raises(ClockError, match="补正只能一次性告知"):
        clock(
            RECEIVED,
            ("correction_requested", D(2025, 3, 4)),
            ("correction_requested", D(2025, 3, 5)),
            today=D(2025, 3, 6),
        )


def test_a_second_correction_after_the_first_was_answered_is_refused_too():
    with pytest.raises(ClockError, match="补正只能一次性告知"):
        clock(
            RECEIVED,
            ("correction_requested", D(2025, 3, 4)),
            ("correction_received", D(2025, 3, 5)),
            ("correction_requested", D(2025, 3, 6)),
            today=D(2025, 3, 6),
        )


def test_a_corrected_request_without_a_correction_notice_is_refused():
    with pytest.raises(ClockError, match="未告知补正"):
        clock(RECEIVED, ("correction_received", D(2025, 3, 5)), today=D(2025, 3, 6))


def test_an_uncorrected_request_past_its_deadline_is_deemed_abandoned_as_row_six_one():
    events = [
        ("received", D(2025, 9, 26)),
        ("correction_requested", D(2025, 9, 30), {"deadline": D(2025, 10, 20)}),
    ]
    waiting = clock(*events, today=D(2025, 10, 21))
    assert "视为放弃申请" in waiting.next_step
    closed = clock(*events, ("deemed_abandoned", D(2025, 10, 21)), today=D(2025, 10, 22))
    assert closed.state is ClockState.CLOSED
    assert closed.decision == "other_no_correction"
    assert closed.answered_late is None


def test_abandonment_before_the_correction_deadline_is_refused():
    with pytest.raises(ClockError, match="补正期限至2025年10月20日"):
        clock(
            ("received", D(2025, 9, 26)),
            ("correction_requested", D(2025, 9, 30), {"deadline": D(2025, 10, 20)}),
            ("deemed_abandoned", D(2025, 10, 20)),
            today=D(2025, 10, 20),
        )


def test_abandonment_without_a_pending_correction_or_fee_is_refused():
    with pytest.raises(ClockError, match="逾期未补正或逾期未缴费"):
        clock(RECEIVED, ("deemed_abandoned", D(2025, 3, 20)), today=D(2025, 3, 20))


def test_a_decision_while_the_correction_is_pending_is_refused():
    with pytest.raises(ClockError, match="申请人尚未补正"):
        clock(
            RECEIVED,
            ("correction_requested", D(2025, 3, 4)),
            ("decided", D(2025, 3, 10)),
            today=D(2025, 3, 10),
        )


# -- consultation (征求意见, Art. 32, 34) -----------------------------------------------------------------


def test_consultation_days_are_not_counted_from_the_opening_day_through_the_closing_day():
    status = clock(
        RECEIVED,
        ("third_party_consultation_opened", D(2025, 3, 10)),
        ("third_party_consultation_closed", D(2025, 3, 14)),
        today=D(2025, 3, 20),
    )
    # Five working days paused (Mon 10 to Fri 14 March); 2025-04-04 is 清明节.
    assert status.deadline.paused_workdays == 5
    assert status.due_on == D(2025, 4, 8)
    assert "清明节" in status.deadline.holiday_names
    assert not status.paused


def test_an_open_consultation_pauses_the_clock_and_names_the_reply_deadline():
    status = clock(RECEIVED, ("third_party_consultation_opened", D(2025, 3, 10)), today=D(2025, 3, 20))
    assert status.paused
    assert status.state is ClockState.PAUSED
    assert status.state_label == "暂停计时"
    assert status.pause_reasons == (PauseReason.THIRD_PARTY,)
    assert status.pause_reason_text == "征求第三方意见（第三十二条）"
    assert status.consultation_reply_due == D(2025, 3, 31)
    assert "2025年3月31日" in status.next_step
    assert "第三十二条" in status.next_step


def test_while_paused_the_due_date_is_the_one_that_applies_if_the_pause_ends_today():
    status = clock(RECEIVED, ("third_party_consultation_opened", D(2025, 3, 10)), today=D(2025, 3, 14))
    closed_today = clock(
        RECEIVED,
        ("third_party_consultation_opened", D(2025, 3, 10)),
        ("third_party_consultation_closed", D(2025, 3, 14)),
        today=D(2025, 3, 14),
    )
    assert status.due_on == closed_today.due_on == D(2025, 4, 8)


def test_the_reply_period_counts_from_the_letter_being_received():
    status = clock(
        RECEIVED,
        ("third_party_consultation_opened", D(2025, 3, 10), {"letter_received_on": D(2025, 3, 12)}),
        today=D(2025, 3, 13),
    )
    assert status.consultation_reply_due == D(2025, 4, 2)


def test_a_consultation_pauses_for_at_most_the_fifteen_day_reply_period():
    status = clock(RECEIVED, ("third_party_consultation_opened", D(2025, 3, 10)), today=D(2025, 4, 10))
    assert not status.paused
    expected = CAL.deadline(D(2025, 3, 3), 20, paused=[(D(2025, 3, 10), D(2025, 3, 31))])
    assert status.due_on == expected.due == D(2025, 4, 23)
    assert "请记录征求意见结束" in status.next_step


def test_an_other_organ_consultation_pauses_and_silence_means_consent():
    status = clock(RECEIVED, ("other_organ_consultation_opened", D(2025, 3, 10)), today=D(2025, 3, 12))
    assert status.pause_reasons == (PauseReason.OTHER_ORGAN,)
    assert "视为同意公开" in status.next_step


def test_overlapping_consultations_pause_the_union_of_their_days():
    status = clock(
        RECEIVED,
        ("third_party_consultation_opened", D(2025, 3, 10)),
        ("other_organ_consultation_opened", D(2025, 3, 12)),
        ("third_party_consultation_closed", D(2025, 3, 14)),
        ("other_organ_consultation_closed", D(2025, 3, 18)),
        today=D(2025, 3, 19),
    )
    assert status.deadline.paused_workdays == 7


def test_a_paused_case_is_not_overdue_even_long_after_the_original_due_date():
    status = clock(RECEIVED, ("third_party_consultation_opened", D(2025, 3, 28)), today=D(2025, 4, 10))
    assert status.state is ClockState.PAUSED
    assert status.due_on > D(2025, 4, 10)


def test_closing_a_consultation_that_is_not_open_is_refused():
    with pytest.raises(ClockError, match="没有正在进行的向第三方征求意见"):
        clock(RECEIVED, ("third_party_consultation_closed", D(2025, 3, 10)), today=D(2025, 3, 10))


def test_opening_the_same_consultation_twice_is_refused():
    with pytest.raises(ClockError, match="尚未结束，不能重复开始"):
        clock(
            RECEIVED,
            ("third_party_consultation_opened", D(2025, 3, 10)),
            ("third_party_consultation_opened", D(2025, 3, 11)),
            today=D(2025, 3, 11),
        )


def test_a_consultation_opened_after_the_due_date_cannot_pause_the_clock():
    with pytest.raises(ClockError, match="答复期限已于2025年3月31日届满"):
        clock(RECEIVED, ("third_party_consultation_opened", D(2025, 4, 1)), today=D(2025, 4, 1))


def test_a_consultation_cannot_open_while_waiting_for_a_correction():
    with pytest.raises(ClockError, match="等待申请人补正期间"):
        clock(
            RECEIVED,
            ("correction_requested", D(2025, 3, 4)),
            ("third_party_consultation_opened", D(2025, 3, 5)),
            today=D(2025, 3, 5),
        )


# -- extension (延期, Art. 33) ---------------------------------------------------------------------------


def test_an_extension_adds_up_to_twenty_working_days_to_the_due_date():
    status = clock(RECEIVED, ("extension_approved", D(2025, 3, 28)), today=D(2025, 4, 1))
    assert status.extension_workdays == 20
    # 2025-04-04 清明节 skipped, Sunday 2025-04-27 is a 劳动节 make-up working day.
    assert status.due_on == D(2025, 4, 28)
    assert status.state is ClockState.NORMAL


def test_a_shorter_extension_adds_only_its_days():
    status = clock(RECEIVED, ("extension_approved", D(2025, 3, 28), {"workdays": 5}), today=D(2025, 4, 1))
    assert status.due_on == CAL.add_workdays(D(2025, 3, 31), 5)


def test_an_extended_case_is_not_overdue_before_its_extended_due_date():
    status = clock(RECEIVED, ("extension_approved", D(2025, 3, 31)), today=D(2025, 4, 15))
    assert status.state is ClockState.NORMAL


def test_an_extension_of_more_than_twenty_working_days_is_refused():
    with pytest.raises(ClockError, match="最长不得超过20个工作日，不能延期21个工作日") as caught:
        clock(RECEIVED, ("extension_approved", D(2025, 3, 28), {"workdays": 21}), today=D(2025, 3, 28))
    assert caught.value.field == "workdays"


def test_a_second_extension_is_refused():
    with pytest.raises(ClockError, match="延期只能批准一次"):
        clock(
            RECEIVED,
            ("extension_approved", D(2025, 3, 20), {"workdays": 5}),
            ("extension_approved", D(2025, 3, 27), {"workdays": 5}),
            today=D(2025, 3, 28),
        )


def test_an_extension_after_the_due_date_is_refused():
    with pytest.raises(ClockError, match="答复期限已于2025年3月31日届满，之后不能再批准延期"):
        clock(RECEIVED, ("extension_approved", D(2025, 4, 1)), today=D(2025, 4, 1))


@pytest.mark.parametrize("workdays", [0, -3, "20", True])
def test_an_extension_must_be_a_positive_whole_number_of_working_days(workdays):
    with pytest.raises(ClockError, match="延期"):
        clock(RECEIVED, ("extension_approved", D(2025, 3, 20), {"workdays": workdays}), today=D(2025, 3, 20))


# -- fees -------------------------------------------------------------------------------------------------


FEE_NOTICE = ("fee_notice_sent", D(2025, 3, 10), {"received_on": D(2025, 3, 11)})


def test_waiting_for_the_fee_pauses_the_clock_and_payment_is_due_in_twenty_working_days():
    status = clock(RECEIVED, FEE_NOTICE, today=D(2025, 3, 20))
    assert status.paused
    assert status.pause_reasons == (PauseReason.FEE,)
    assert status.fee_payment_due == D(2025, 4, 9)
    assert "缴费期限至2025年4月9日" in status.next_step


def test_payment_is_due_twenty_working_days_after_the_notice_is_received_across_national_day():
    received = ("received", D(2025, 9, 24))
    notice = ("fee_notice_sent", D(2025, 9, 25), {"received_on": D(2025, 9, 26)})
    assert clock(received, notice, today=D(2025, 9, 26)).fee_payment_due == D(2025, 10, 30)


def test_payment_resumes_the_clock_with_the_waiting_days_added():
    status = clock(RECEIVED, FEE_NOTICE, ("fee_paid", D(2025, 3, 20)), today=D(2025, 3, 21))
    assert status.deadline.paused_workdays == 9
    assert status.due_on == D(2025, 4, 14)


def test_the_fee_pause_can_be_switched_off():
    status = clock(
        RECEIVED, FEE_NOTICE, ("fee_paid", D(2025, 3, 20)), today=D(2025, 3, 21), fee_pauses_clock=False
    )
    assert status.due_on == D(2025, 3, 31)


def test_an_unpaid_fee_after_twenty_working_days_ends_as_row_six_two():
    with pytest.raises(ClockError, match="缴费期限至2025年4月9日"):
        clock(RECEIVED, FEE_NOTICE, ("deemed_abandoned", D(2025, 4, 9)), today=D(2025, 4, 9))
    status = clock(RECEIVED, FEE_NOTICE, ("deemed_abandoned", D(2025, 4, 10)), today=D(2025, 4, 10))
    assert status.decision == "other_fee_unpaid"
    assert status.state is ClockState.CLOSED


def test_a_payment_after_the_payment_deadline_is_refused():
    with pytest.raises(ClockError, match="缴费期限已于2025年4月9日届满"):
        clock(RECEIVED, FEE_NOTICE, ("fee_paid", D(2025, 4, 10)), today=D(2025, 4, 10))


def test_a_payment_without_a_fee_notice_is_refused():
    with pytest.raises(ClockError, match="未发出收费通知"):
        clock(RECEIVED, ("fee_paid", D(2025, 3, 10)), today=D(2025, 3, 10))


# -- closing ---------------------------------------------------------------------------------------------


def test_a_decided_case_is_closed_and_the_next_step_is_delivery_then_archiving():
    decided = clock(RECEIVED, ("decided", D(2025, 3, 20), {"decision": "granted"}), today=D(2025, 4, 20))
    assert decided.state is ClockState.CLOSED
    assert decided.state_label == "已办结"
    assert decided.decision == "granted"
    assert decided.answered_late is False
    assert "送达" in decided.next_step
    delivered = clock(
        RECEIVED, ("decided", D(2025, 3, 20)), ("delivered", D(2025, 3, 21)), today=D(2025, 4, 20)
    )
    assert "归档" in delivered.next_step
    archived = clock(
        RECEIVED,
        ("decided", D(2025, 3, 20)),
        ("delivered", D(2025, 3, 21)),
        ("archived", D(2025, 3, 24)),
        today=D(2025, 4, 20),
    )
    assert archived.next_step == "已归档，无需进一步办理"


def test_a_late_answer_is_recorded_as_late():
    status = clock(RECEIVED, ("decided", D(2025, 4, 2)), today=D(2025, 4, 2))
    assert status.answered_late is True


def test_a_decision_ends_an_open_consultation():
    status = clock(
        RECEIVED,
        ("third_party_consultation_opened", D(2025, 3, 10)),
        ("decided", D(2025, 3, 12)),
        today=D(2025, 3, 20),
    )
    assert not status.paused
    assert status.pauses[0].closed_on == D(2025, 3, 12)


def test_an_unknown_decision_code_is_refused():
    with pytest.raises(ClockError, match="未知的答复类型"):
        clock(RECEIVED, ("decided", D(2025, 3, 20), {"decision": "approved"}), today=D(2025, 3, 20))


def test_nothing_but_delivery_and_archiving_may_follow_a_decision():
    with pytest.raises(ClockError, match="已于2025年3月20日办结，不能再记录“批准延期答复”"):
        clock(
            RECEIVED,
            ("decided", D(2025, 3, 20)),
            ("extension_approved", D(2025, 3, 21)),
            today=D(2025, 3, 21),
        )


def test_delivery_before_a_decision_is_refused():
    with pytest.raises(ClockError, match="尚未作出答复，不能记录送达"):
        clock(RECEIVED, ("delivered", D(2025, 3, 20)), today=D(2025, 3, 20))


def test_archiving_an_open_case_is_refused():
    with pytest.raises(ClockError, match="尚未办结，不能归档"):
        clock(RECEIVED, ("archived", D(2025, 3, 20)), today=D(2025, 3, 20))


def test_nothing_may_follow_archiving():
    with pytest.raises(ClockError, match="申请已归档"):
        clock(
            RECEIVED,
            ("decided", D(2025, 3, 20)),
            ("archived", D(2025, 3, 21)),
            ("delivered", D(2025, 3, 22)),
            today=D(2025, 3, 22),
        )


# -- sequence as a whole -----------------------------------------------------------------------------------


def test_a_sequence_without_a_receipt_is_refused():
    with pytest.raises(ClockError, match="尚未登记收到申请"):
        clock(today=D(2025, 3, 3))
    with pytest.raises(ClockError, match="尚未登记收到申请"):
        clock(("decided", D(2025, 3, 3)), today=D(2025, 3, 3))


def test_two_receipts_are_refused():
    with pytest.raises(ClockError, match="只能有一个收到日期"):
        clock(RECEIVED, ("received", D(2025, 3, 4)), today=D(2025, 3, 4))


def test_an_event_before_receipt_is_refused():
    with pytest.raises(ClockError, match="尚未登记收到申请"):
        clock(RECEIVED, ("extension_approved", D(2025, 3, 1)), today=D(2025, 3, 4))


def test_an_unknown_event_kind_is_refused():
    with pytest.raises(ClockError, match="未知的办理事项：withdrawn"):
        clock(RECEIVED, ("withdrawn", D(2025, 3, 4)), today=D(2025, 3, 4))


def test_a_datetime_instead_of_a_date_is_refused():
    with pytest.raises(ClockError, match="日期无效"):
        clock(("received", dt.datetime(2025, 3, 3, 9, 0)), today=D(2025, 3, 4))


def test_validate_events_returns_the_events_in_date_order():
    ordered = validate_events([("decided", D(2025, 3, 20)), RECEIVED], CAL)
    assert [e.kind for e in ordered] == [EventKind.RECEIVED, EventKind.DECIDED]


def test_check_event_accepts_a_possible_next_event_and_refuses_an_impossible_one():
    history = [RECEIVED, ("extension_approved", D(2025, 3, 20), {"workdays": 10})]
    assert check_event(history, ("decided", D(2025, 4, 1)), CAL).kind == EventKind.DECIDED
    with pytest.raises(ClockError, match="延期只能批准一次"):
        check_event(history, ("extension_approved", D(2025, 3, 25)), CAL)


# -- what may be recorded next ------------------------------------------------------------------------------

K = EventKind
PAUSE_OR_EXTEND = {
    K.THIRD_PARTY_CONSULTATION_OPENED,
    K.OTHER_ORGAN_CONSULTATION_OPENED,
    K.EXTENSION_APPROVED,
    K.FEE_NOTICE_SENT,
}


def test_nothing_but_the_receipt_may_start_a_case():
    assert next_events([], CAL, D(2025, 3, 3)) == (K.RECEIVED,)


def test_a_new_case_may_be_corrected_paused_extended_charged_or_answered():
    assert next_events([RECEIVED], CAL, D(2025, 3, 4)) == (
        K.CORRECTION_REQUESTED,
        K.THIRD_PARTY_CONSULTATION_OPENED,
        K.OTHER_ORGAN_CONSULTATION_OPENED,
        K.EXTENSION_APPROVED,
        K.FEE_NOTICE_SENT,
        K.DECIDED,
    )


def test_a_correction_is_no_longer_offered_after_seven_working_days():
    assert K.CORRECTION_REQUESTED in next_events([RECEIVED], CAL, D(2025, 3, 12))  # the 7th working day
    assert K.CORRECTION_REQUESTED not in next_events([RECEIVED], CAL, D(2025, 3, 13))


def test_while_a_correction_is_awaited_only_its_receipt_and_after_its_deadline_abandonment_are_offered():
    history = [RECEIVED, ("correction_requested", D(2025, 3, 4), {"deadline": D(2025, 3, 14)})]
    assert next_events(history, CAL, D(2025, 3, 14)) == (K.CORRECTION_RECEIVED,)
    assert next_events(history, CAL, D(2025, 3, 17)) == (K.CORRECTION_RECEIVED, K.DEEMED_ABANDONED)


def test_an_overdue_case_may_only_be_answered_not_paused_or_extended():
    allowed = next_events([RECEIVED], CAL, D(2025, 4, 1))
    assert allowed == (K.DECIDED,)
    assert not PAUSE_OR_EXTEND & set(allowed)


def test_only_the_open_consultation_may_be_closed_and_not_opened_again():
    history = [RECEIVED, ("third_party_consultation_opened", D(2025, 3, 10))]
    allowed = next_events(history, CAL, D(2025, 3, 12))
    assert K.THIRD_PARTY_CONSULTATION_CLOSED in allowed
    assert K.THIRD_PARTY_CONSULTATION_OPENED not in allowed
    assert K.OTHER_ORGAN_CONSULTATION_CLOSED not in allowed
    assert K.OTHER_ORGAN_CONSULTATION_OPENED in allowed


def test_while_the_fee_is_awaited_there_is_no_answer_and_an_unpaid_fee_ends_in_abandonment():
    waiting = next_events([RECEIVED, FEE_NOTICE], CAL, D(2025, 3, 20))
    assert K.FEE_PAID in waiting and K.DECIDED not in waiting and K.DEEMED_ABANDONED not in waiting
    late = next_events([RECEIVED, FEE_NOTICE], CAL, D(2025, 4, 10))  # payment was due on 9 April
    assert K.DEEMED_ABANDONED in late and K.FEE_PAID not in late


def test_an_extension_is_offered_once():
    history = [RECEIVED, ("extension_approved", D(2025, 3, 20), {"workdays": 10})]
    assert K.EXTENSION_APPROVED not in next_events(history, CAL, D(2025, 3, 21))


def test_after_the_answer_only_delivery_and_archiving_then_nothing():
    decided = [RECEIVED, ("decided", D(2025, 3, 20), {"decision": "granted"})]
    assert next_events(decided, CAL, D(2025, 3, 21)) == (K.DELIVERED, K.ARCHIVED)
    delivered = [*decided, ("delivered", D(2025, 3, 21))]
    assert next_events(delivered, CAL, D(2025, 3, 24)) == (K.ARCHIVED,)
    assert next_events([*delivered, ("archived", D(2025, 3, 24))], CAL, D(2025, 3, 25)) == ()


def test_next_events_refuses_an_impossible_history():
    with pytest.raises(ClockError, match="延期只能批准一次"):
        next_events(
            [RECEIVED, ("extension_approved", D(2025, 3, 10)), ("extension_approved", D(2025, 3, 11))],
            CAL,
            D(2025, 3, 12),
        )


# -- calendar -----------------------------------------------------------------------------------------------


def test_a_calendar_change_moves_an_open_case_due_date():
    before = clock(RECEIVED, today=D(2025, 3, 10))
    local = CAL.with_overrides({D(2025, 3, 20): (False, "地方假日")})
    after = clock(RECEIVED, today=D(2025, 3, 10), calendar=local)
    assert before.due_on == D(2025, 3, 31)
    assert after.due_on == D(2025, 4, 1)
    assert "地方假日" in after.deadline.holiday_names


def test_a_calendar_change_does_not_reopen_a_decided_case():
    local = CAL.with_overrides({D(2025, 3, 20): (False, "地方假日")})
    status = clock(RECEIVED, ("decided", D(2025, 3, 18)), today=D(2025, 4, 10), calendar=local)
    assert status.state is ClockState.CLOSED


def test_a_case_running_into_a_year_without_data_is_provisional():
    status = clock(("received", D(2099, 12, 15)), today=D(2099, 12, 16))
    assert status.provisional
    assert status.deadline.provisional


def test_a_decided_case_in_a_year_without_data_still_reports_its_deadline_as_provisional():
    status = clock(("received", D(2099, 12, 15)), ("decided", D(2099, 12, 16)), today=D(2099, 12, 16))
    assert status.provisional
    assert status.answered_late is False
