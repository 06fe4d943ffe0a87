"""The statutory clock of an application (依申请公开), as a pure function of its events and a calendar.

The answer period is 20 working days from receipt (Art. 33 ¶2), counted in a `WorkCalendar` passed in: the day of
an event is not counted, the due date is the Nth working day after it (regulations.md §6). Events:

==================================  ==================================================================================
``received``                        the receipt date under Art. 31; the clock starts. Exactly one, first. An
                                    application sent on the public form carries ``data["awaiting_confirmation"]``:
                                    its date is then the submission date, and the clock does not start yet.
``receipt_confirmed``               the organ confirms an online application (Art. 31(3): 以互联网渠道提交的，以
                                    行政机关确认之日为收到申请之日): the receipt date, on or after the submission;
                                    the 7-day correction window and the 20 days count from it. Only then may
                                    anything else be recorded.
``contact_updated``                 the applicant changed their phone, e-mail or address after a correction was
                                    asked for (``data["fields"]``: which ones, never their values). No effect
                                    on the clock.
``correction_requested``            补正 notice: only once, within 7 working days of receipt (Art. 30). The answer
                                    clock does not run while the applicant corrects. ``data["deadline"]``: the
                                    date by which the applicant must correct (optional).
``correction_received``             the corrected request arrives: the 20 days restart from this date (Art. 30, 33).
``deemed_abandoned``                not corrected, or fee not paid, in time: closed as row （六）1 or （六）2.
``third_party_consultation_opened`` consultation of a third party (Art. 32); ``data["letter_received_on"]``: when
                                    the third party received the letter (defaults to the event date). The third
                                    party answers within 15 working days of receiving it.
``third_party_consultation_closed`` the answer arrived, or the organ ended the consultation.
``other_organ_consultation_opened`` consultation of co-making organs (Art. 34), 15 working days, silence = consent.
``other_organ_consultation_closed``
``extension_approved``              延期 approved by the head of the disclosure office (Art. 33 ¶2):
                                    ``data["workdays"]`` ≤ 20 (default 20), once, before the current due date.
``fee_notice_sent``                 收费通知 (国办函〔2020〕109号); ``data["received_on"]``: when the applicant received
                                    it (defaults to the event date). Payment is due 20 working days after that.
``fee_paid``
``decided``                         the answer is made (``data["decision"]``: a code of `decisions`); closes the clock.
``delivered``                       the answer is delivered to the applicant.
``archived``                        归档, the last stage of Art. 45.
==================================  ==================================================================================

How pauses are counted (Art. 33 ¶3: consultation time is not counted):

- The clock stops on the day a pause opens and resumes on the day after it closes. Every working day from the
  opening day through the closing day inclusive is left out of the count, so the due date moves later by exactly
  the number of those paused working days that would otherwise have been counted. (The receipt day is never
  counted, so a pause opened on the day of receipt does not add that day twice.)
- A consultation pauses the clock for at most the 15 working days the consulted party has to answer (counted
  from its receipt of the letter): after that the time counts again even if the consultation is not yet recorded
  as closed, because the organ must then decide on its own (Art. 32) or treat silence as consent (Art. 34).
- Waiting for the fee pauses the clock until payment (configurable: ``fee_pauses_clock``, an open point in
  regulations.md §4). It is not capped: a fee unpaid after 20 working days ends the application (row （六）2).
- While waiting for a correction the clock does not run at all; it restarts from the corrected request.
- While a pause is open, ``due_on`` is the earliest possible due date: the one that applies if the pause ends today.
- A pause, an extension and a fee notice must begin on or before the current due date: time that has already run
  out cannot be paused or extended. Hence a case is never overdue while paused.

Other sequence rules: a 补正 comes before any extension, consultation or fee notice (it is told 一次性, at the
start); no answer while a 补正 or a payment is awaited (record ``deemed_abandoned`` once its deadline has passed);
after ``decided``/``deemed_abandoned`` only ``delivered`` and ``archived``; nothing after ``archived``.

States on ``today``: 已办结 once decided or abandoned; 暂停计时 while a pause is active or a 补正 is awaited;
otherwise 已超期 after the due date, 即将到期 when at most 3 working days remain after today (0 on the due date
itself), else 正常.

What may be recorded next (`next_events`): exactly the kinds of event that the sequence rules above accept
when dated ``today``, tried one by one against the real replay, so the list can never disagree with what
recording the event would do. In particular: nothing once archived (Art. 45); only ``delivered`` and
``archived`` once decided or abandoned; only ``correction_received`` (and ``deemed_abandoned`` once its deadline
has passed) while a 补正 is awaited (Art. 30); no pause, extension or fee notice once the due date has passed
(Art. 33 ¶2, ¶3); ``decided`` whenever the organ is not waiting for the applicant (Art. 33). Who may record an
event (an extension needs the head of the disclosure office) is a question for `permissions`, not for the clock.

Waiting for the fee stops the clock (``FEE_PAUSES_CLOCK``): the open point of regulations.md §4, decided here once
for every caller.

Everything here is pure: no database, no ``today()``; the caller passes ``today`` and the calendar.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from gongkai.applications.decisions import ABANDONED_FEE_UNPAID, ABANDONED_NO_CORRECTION, DECISIONS
from gongkai.core.errors import DomainError
from gongkai.workdays.calendar import Deadline, WorkCalendar, provisional_reason

ANSWER_WORKDAYS = 20  # Art. 33 ¶2
CORRECTION_NOTICE_WORKDAYS = 7  # Art. 30
MAX_EXTENSION_WORKDAYS = 20  # Art. 33 ¶2
CONSULTATION_REPLY_WORKDAYS = 15  # Art. 32, 34
FEE_PAYMENT_WORKDAYS = 20  # 国办函〔2020〕109号 as applied by provincial rules (regulations.md §4)
DUE_SOON_WORKDAYS = 3
FEE_PAUSES_CLOCK = True  # regulations.md §4 (open point), decided here


class EventKind(StrEnum):
    RECEIVED = "received"
    RECEIPT_CONFIRMED = "receipt_confirmed"
    CORRECTION_REQUESTED = "correction_requested"
    CORRECTION_RECEIVED = "correction_received"
    DEEMED_ABANDONED = "deemed_abandoned"
    THIRD_PARTY_CONSULTATION_OPENED = "third_party_consultation_opened"
    THIRD_PARTY_CONSULTATION_CLOSED = "third_party_consultation_closed"
    OTHER_ORGAN_CONSULTATION_OPENED = "other_organ_consultation_opened"
    OTHER_ORGAN_CONSULTATION_CLOSED = "other_organ_consultation_closed"
    EXTENSION_APPROVED = "extension_approved"
    FEE_NOTICE_SENT = "fee_notice_sent"
    FEE_PAID = "fee_paid"
    DECIDED = "decided"
    DELIVERED = "delivered"
    ARCHIVED = "archived"
    CONTACT_UPDATED = "contact_updated"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.RECEIVED: "收到申请",
    EventKind.RECEIPT_CONFIRMED: "确认收到",
    EventKind.CORRECTION_REQUESTED: "告知补正",
    EventKind.CORRECTION_RECEIVED: "收到补正",
    EventKind.DEEMED_ABANDONED: "视为放弃申请",
    EventKind.THIRD_PARTY_CONSULTATION_OPENED: "征求第三方意见",
    EventKind.THIRD_PARTY_CONSULTATION_CLOSED: "第三方意见征求结束",
    EventKind.OTHER_ORGAN_CONSULTATION_OPENED: "征求其他机关意见",
    EventKind.OTHER_ORGAN_CONSULTATION_CLOSED: "其他机关意见征求结束",
    EventKind.EXTENSION_APPROVED: "批准延期答复",
    EventKind.FEE_NOTICE_SENT: "发出收费通知",
    EventKind.FEE_PAID: "申请人缴费",
    EventKind.DECIDED: "作出答复",
    EventKind.DELIVERED: "送达答复",
    EventKind.ARCHIVED: "归档",
    EventKind.CONTACT_UPDATED: "申请人更新联系方式",
}
# Recorded by the applicant (from /track/), not offered to the office as a next step.
APPLICANT_EVENTS = frozenset({EventKind.CONTACT_UPDATED})
EVENT_CHOICES = [(kind.value, label) for kind, label in EVENT_LABELS.items()]


class PauseReason(StrEnum):
    CORRECTION = "correction"
    THIRD_PARTY = "third_party"
    OTHER_ORGAN = "other_organ"
    FEE = "fee"

    @property
    def label(self) -> str:
        return {
            "correction": "等待申请人补正（第三十条）",
            "third_party": "征求第三方意见（第三十二条）",
            "other_organ": "征求其他机关意见（第三十四条）",
            "fee": "等待申请人缴纳信息处理费（国办函〔2020〕109号）",
        }[self.value]


class ClockState(StrEnum):
    NORMAL = "normal"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    CLOSED = "closed"
    AWAITING_CONFIRMATION = "awaiting_confirmation"

    @property
    def label(self) -> str:
        return {
            "normal": "正常",
            "due_soon": "即将到期",
            "overdue": "已超期",
            "paused": "暂停计时",
            "closed": "已办结",
            "awaiting_confirmation": "待确认收到",
        }[self.value]


_OPEN = {
    EventKind.THIRD_PARTY_CONSULTATION_OPENED: PauseReason.THIRD_PARTY,
    EventKind.OTHER_ORGAN_CONSULTATION_OPENED: PauseReason.OTHER_ORGAN,
}
_CLOSE = {
    EventKind.THIRD_PARTY_CONSULTATION_CLOSED: PauseReason.THIRD_PARTY,
    EventKind.OTHER_ORGAN_CONSULTATION_CLOSED: PauseReason.OTHER_ORGAN,
}
_CONSULTED = {PauseReason.THIRD_PARTY: "第三方", PauseReason.OTHER_ORGAN: "其他机关"}
_CLOSING = {EventKind.DECIDED, EventKind.DEEMED_ABANDONED}


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    date: dt.date
    data: Mapping[str, Any] = field(default_factory=dict)


class ClockError(DomainError):
    """An impossible event sequence. `event` is the offending event (None: the sequence as a whole)."""

    def __init__(self, message: str, *, event: ClockEvent | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.event = event


@dataclass(frozen=True)
class Pause:
    reason: PauseReason
    opened_on: dt.date
    closed_on: dt.date | None  # None: still open
    cap: dt.date | None  # last day the pause may stop the clock (consultation reply due); None: uncapped

    def span(self, until: dt.date) -> tuple[dt.date, dt.date]:
        """The inclusive dates this pause keeps out of the count, if it is still open on `until`."""
        last = self.closed_on if self.closed_on is not None else max(until, self.opened_on)
        if self.cap is not None:
            last = min(last, self.cap)
        return (self.opened_on, last)

    def is_active(self, day: dt.date) -> bool:
        first, last = self.span(day)
        return first <= day <= last


@dataclass(frozen=True)
class ClockStatus:
    received_on: dt.date
    counting_from: (
        dt.date | None
    )  # receipt, or receipt of the corrected request; None while awaiting correction
    due_on: dt.date | None
    deadline: Deadline | None  # the answer deadline with the holidays and 调休 it crossed
    extension_workdays: int
    paused: bool
    pause_reasons: tuple[PauseReason, ...]
    pauses: tuple[Pause, ...]
    provisional: bool  # some deadline counts a day of a year whose arrangement is not yet announced
    provisional_reason: str  # e.g. "2028年放假安排尚未公布，按《全国年节及纪念日放假办法》推算"; "" when firm
    state: ClockState
    workdays_left: int | None  # working days after `today` up to the due date (0 on the due date)
    next_step: str
    correction_notice_due: dt.date  # the last day to ask for a correction
    consultation_reply_due: dt.date | None
    fee_payment_due: dt.date | None
    closed_on: dt.date | None
    decision: str | None
    answered_late: bool | None
    submitted_on: dt.date | None = None  # an online application's submission date (Art. 31(3))
    awaiting_confirmation: bool = False  # sent online, receipt not yet confirmed by the organ

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def pause_reason_text(self) -> str:
        return "；".join(reason.label for reason in self.pause_reasons)


def _as_event(raw) -> ClockEvent:
    if isinstance(raw, ClockEvent):
        event = raw
    elif isinstance(raw, Mapping):
        event = ClockEvent(raw["kind"], raw["date"], raw.get("data") or {})
    else:
        kind, date, *rest = raw
        event = ClockEvent(kind, date, (rest[0] if rest else None) or {})
    try:
        kind = EventKind(event.kind)
    except ValueError:
        raise ClockError(f"未知的办理事项：{event.kind}", event=event) from None
    if not isinstance(event.date, dt.date) or isinstance(event.date, dt.datetime):
        raise ClockError(f"“{kind.label}”的日期无效", event=event, field="date")
    return ClockEvent(kind, event.date, dict(event.data or {}))


def _optional_date(event: ClockEvent, key: str, label: str) -> dt.date | None:
    value = event.data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ClockError(f"{label}日期无效：{value}", event=event, field=key) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ClockError(f"{label}日期无效", event=event, field=key)
    return value


def _d(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class _Replay:
    """Walks the events in date order, refusing impossible steps and keeping what the clock needs."""

    def __init__(self, calendar: WorkCalendar, fee_pauses_clock: bool):
        self.calendar = calendar
        self.fee_pauses_clock = fee_pauses_clock
        self.received_on: dt.date | None = None
        self.submitted_on: dt.date | None = None
        self.awaiting_confirmation = False
        self.counting_from: dt.date | None = None
        self.correction_notice_due: dt.date | None = None
        self.correction_requested: ClockEvent | None = None
        self.correction_deadline: dt.date | None = None
        self.correction_received = False
        self.extension = 0
        self.pauses: list[Pause] = []
        self.open: dict[PauseReason, int] = {}  # reason → index into pauses
        self.reply_due: dict[PauseReason, Deadline] = {}
        self.fee_due: Deadline | None = None
        self.fee_notice: ClockEvent | None = None
        self.fee_paid = False
        self.closed: ClockEvent | None = None
        self.decision: str | None = None
        self.delivered = False
        self.archived = False
        self.extras: list[Deadline] = []  # other deadlines computed, for `provisional`

    def fork(self) -> _Replay:
        """An independent copy, to try one more event without replaying the history."""
        twin = copy.copy(self)
        twin.pauses, twin.extras = list(self.pauses), list(self.extras)
        twin.open, twin.reply_due = dict(self.open), dict(self.reply_due)
        return twin

    # -- state ---------------------------------------------------------------------------------------
    @property
    def awaiting_correction(self) -> bool:
        return self.correction_requested is not None and not self.correction_received

    @property
    def awaiting_fee(self) -> bool:
        return self.fee_notice is not None and not self.fee_paid

    def answer_deadline(self, until: dt.date) -> Deadline | None:
        """The answer deadline with open pauses assumed to end on `until`."""
        if self.counting_from is None:
            return None
        spans = [pause.span(until) for pause in self.pauses]
        return self.calendar.deadline(self.counting_from, ANSWER_WORKDAYS + self.extension, paused=spans)

    def _require_running(self, event: ClockEvent, what: str) -> Deadline:
        if self.awaiting_correction:
            raise ClockError(f"等待申请人补正期间答复期限尚未起算，不能{what}", event=event)
        due = self.answer_deadline(event.date)
        if event.date > due.due:
            raise ClockError(
                f"答复期限已于{_d(due.due)}届满，之后不能再{what}；请尽快作出答复", event=event, field="date"
            )
        return due

    # -- events --------------------------------------------------------------------------------------
    def apply(self, event: ClockEvent) -> None:
        kind = EventKind(event.kind)
        if kind is EventKind.RECEIVED:
            if self.received_on is not None:
                raise ClockError("一件申请只能有一个收到日期", event=event)
            if event.data.get("awaiting_confirmation"):
                # Art. 31(3): sent online, received when the organ confirms it; nothing counts before that.
                self.submitted_on = self.received_on = event.date
                self.awaiting_confirmation = True
                self.correction_notice_due = self.calendar.add_workdays(
                    event.date, CORRECTION_NOTICE_WORKDAYS
                )
                return
            self._start(event.date)
            return
        if self.received_on is None:
            raise ClockError(f"尚未登记收到申请，不能记录“{kind.label}”", event=event)
        if event.date < self.received_on:
            raise ClockError(f"“{kind.label}”的日期早于收到申请之日（{_d(self.received_on)}）", event=event)
        if self.archived:
            raise ClockError(f"申请已归档，不能再记录“{kind.label}”", event=event)
        if self.closed is not None and kind not in (EventKind.DELIVERED, EventKind.ARCHIVED):
            raise ClockError(f"申请已于{_d(self.closed.date)}办结，不能再记录“{kind.label}”", event=event)
        if self.awaiting_confirmation and kind is not EventKind.RECEIPT_CONFIRMED:
            raise ClockError(
                f"网上提交的申请尚未确认收到，不能记录“{kind.label}”：请先“确认收到”（第三十一条第（三）项）",
                event=event,
            )
        getattr(self, f"_{kind.value}")(event)

    def _start(self, day: dt.date) -> None:
        self.received_on = self.counting_from = day
        window = self.calendar.deadline(day, CORRECTION_NOTICE_WORKDAYS)
        self.extras.append(window)
        self.correction_notice_due = window.due

    def _receipt_confirmed(self, event: ClockEvent) -> None:
        if not self.awaiting_confirmation:
            raise ClockError("只有网上提交、尚待确认的申请才需要确认收到", event=event)
        # Art. 31(3): the day the organ confirms is the receipt date; Art. 30 and 33 count from it.
        self.awaiting_confirmation = False
        self._start(event.date)

    def _contact_updated(self, event: ClockEvent) -> None:
        if self.correction_requested is None:
            raise ClockError("告知补正后，申请人才能在网上更新联系方式", event=event)

    def _correction_requested(self, event: ClockEvent) -> None:
        if self.correction_requested is not None:
            raise ClockError("补正只能一次性告知，本申请已告知过补正（第三十条）", event=event)
        if self.extension or self.pauses:
            raise ClockError(
                "已延期、征求意见或发出收费通知后不能再要求补正；补正应在先一次性告知（第三十条）",
                event=event,
            )
        if event.date > self.correction_notice_due:
            raise ClockError(
                f"补正须在收到申请之日起{CORRECTION_NOTICE_WORKDAYS}个工作日内告知，即不晚于"
                f"{_d(self.correction_notice_due)}；{_d(event.date)}已超过该期限（第三十条）",
                event=event,
                field="date",
            )
        deadline = _optional_date(event, "deadline", "补正期限")
        if deadline is not None and deadline < event.date:
            raise ClockError("补正期限不能早于告知补正之日", event=event, field="deadline")
        self.correction_requested = event
        self.correction_deadline = deadline
        self.counting_from = None

    def _correction_received(self, event: ClockEvent) -> None:
        if self.correction_requested is None:
            raise ClockError("未告知补正，不能记录收到补正", event=event)
        if self.correction_received:
            raise ClockError("已记录收到补正，补正只有一次", event=event)
        self.correction_received = True
        # Art. 30: the period restarts from receipt of the corrected request.
        self.counting_from = event.date

    def _deemed_abandoned(self, event: ClockEvent) -> None:
        if self.awaiting_correction:
            if self.correction_deadline is not None and event.date <= self.correction_deadline:
                raise ClockError(
                    f"补正期限至{_d(self.correction_deadline)}，期限届满前不能视为放弃申请",
                    event=event,
                    field="date",
                )
            self.decision = ABANDONED_NO_CORRECTION
        elif self.awaiting_fee:
            if event.date <= self.fee_due.due:
                raise ClockError(
                    f"缴费期限至{_d(self.fee_due.due)}，期限届满前不能视为放弃申请", event=event, field="date"
                )
            self.decision = ABANDONED_FEE_UNPAID
        else:
            raise ClockError("只有申请人逾期未补正或逾期未缴费时，才能视为放弃申请", event=event)
        self._close_pauses(event.date)
        self.closed = event

    def _consultation_opened(self, event: ClockEvent, reason: PauseReason) -> None:
        who = _CONSULTED[reason]
        if reason in self.open:
            raise ClockError(f"向{who}征求意见尚未结束，不能重复开始", event=event)
        self._require_running(event, f"征求{who}意见并暂停计时")
        letter = _optional_date(event, "letter_received_on", "征求意见函送达") or event.date
        if letter < event.date:
            raise ClockError("征求意见函的送达日期不能早于发函日期", event=event, field="letter_received_on")
        # Art. 32/34: the consulted party answers within 15 working days of receiving the letter.
        reply_due = self.calendar.deadline(letter, CONSULTATION_REPLY_WORKDAYS)
        self.extras.append(reply_due)
        self.reply_due[reason] = reply_due
        self.open[reason] = len(self.pauses)
        self.pauses.append(Pause(reason, event.date, None, reply_due.due))

    def _consultation_closed(self, event: ClockEvent, reason: PauseReason) -> None:
        if reason not in self.open:
            raise ClockError(f"没有正在进行的向{_CONSULTED[reason]}征求意见，不能记录结束", event=event)
        self._end_pause(reason, event.date)

    def _third_party_consultation_opened(self, event):
        self._consultation_opened(event, PauseReason.THIRD_PARTY)

    def _other_organ_consultation_opened(self, event):
        self._consultation_opened(event, PauseReason.OTHER_ORGAN)

    def _third_party_consultation_closed(self, event):
        self._consultation_closed(event, PauseReason.THIRD_PARTY)

    def _other_organ_consultation_closed(self, event):
        self._consultation_closed(event, PauseReason.OTHER_ORGAN)

    def _extension_approved(self, event: ClockEvent) -> None:
        if self.extension:
            raise ClockError("延期只能批准一次（第三十三条）", event=event)
        workdays = event.data.get("workdays", MAX_EXTENSION_WORKDAYS)
        if isinstance(workdays, bool) or not isinstance(workdays, int) or workdays < 1:
            raise ClockError("延期天数应为1至20个工作日", event=event, field="workdays")
        if workdays > MAX_EXTENSION_WORKDAYS:
            raise ClockError(
                f"延长答复期限最长不得超过{MAX_EXTENSION_WORKDAYS}个工作日，不能延期{workdays}个工作日（第三十三条）",
                event=event,
                field="workdays",
            )
        self._require_running(event, "批准延期")
        self.extension = workdays

    def _fee_notice_sent(self, event: ClockEvent) -> None:
        if self.fee_notice is not None:
            raise ClockError("本申请已发出过收费通知", event=event)
        self._require_running(event, "发出收费通知")
        received = _optional_date(event, "received_on", "收费通知送达") or event.date
        if received < event.date:
            raise ClockError("收费通知的送达日期不能早于发出日期", event=event, field="received_on")
        # Pay within 20 working days counted from the day after the notice is received.
        self.fee_due = self.calendar.deadline(received, FEE_PAYMENT_WORKDAYS)
        self.extras.append(self.fee_due)
        self.fee_notice = event
        if self.fee_pauses_clock:
            self.open[PauseReason.FEE] = len(self.pauses)
            self.pauses.append(Pause(PauseReason.FEE, event.date, None, None))

    def _fee_paid(self, event: ClockEvent) -> None:
        if self.fee_notice is None:
            raise ClockError("未发出收费通知，不能记录缴费", event=event)
        if self.fee_paid:
            raise ClockError("已记录缴费", event=event)
        if event.date > self.fee_due.due:
            raise ClockError(
                f"缴费期限已于{_d(self.fee_due.due)}届满，逾期未缴费的视为放弃申请，不能再记录缴费",
                event=event,
                field="date",
            )
        self.fee_paid = True
        if PauseReason.FEE in self.open:
            self._end_pause(PauseReason.FEE, event.date)

    def _decided(self, event: ClockEvent) -> None:
        if self.awaiting_correction:
            raise ClockError(
                "申请人尚未补正：收到补正后再作答复，逾期未补正的记录“视为放弃申请”", event=event
            )
        if self.awaiting_fee:
            raise ClockError("申请人尚未缴费：缴费后再作答复，逾期未缴费的记录“视为放弃申请”", event=event)
        code = event.data.get("decision")
        if code is not None and code not in DECISIONS:
            raise ClockError(f"未知的答复类型：{code}", event=event, field="decision")
        self._close_pauses(event.date)
        self.decision = code
        self.closed = event

    def _delivered(self, event: ClockEvent) -> None:
        if self.closed is None:
            raise ClockError("尚未作出答复，不能记录送达", event=event)
        if self.delivered:
            raise ClockError("已记录送达", event=event)
        self.delivered = True

    def _archived(self, event: ClockEvent) -> None:
        if self.closed is None:
            raise ClockError("尚未办结，不能归档（第四十五条：登记、审核、办理、答复、归档）", event=event)
        self.archived = True

    def _end_pause(self, reason: PauseReason, day: dt.date) -> None:
        index = self.open.pop(reason)
        pause = self.pauses[index]
        self.pauses[index] = Pause(pause.reason, pause.opened_on, day, pause.cap)

    def _close_pauses(self, day: dt.date) -> None:
        for reason in list(self.open):
            self._end_pause(reason, day)


def validate_events(
    events: Iterable, calendar: WorkCalendar, *, fee_pauses_clock: bool = FEE_PAUSES_CLOCK
) -> list[ClockEvent]:
    """Refuse an impossible sequence with a precise Chinese message (`ClockError`); return the events as
    `ClockEvent`s in date order (same-day events keep their given order)."""
    _state, ordered = _replay(events, calendar, fee_pauses_clock)
    return ordered


def _replay(
    events: Iterable, calendar: WorkCalendar, fee_pauses_clock: bool
) -> tuple[_Replay, list[ClockEvent]]:
    ordered = sorted((_as_event(e) for e in events), key=lambda e: e.date)
    if not ordered:
        raise ClockError("尚未登记收到申请")
    replay = _Replay(calendar, fee_pauses_clock)
    for event in ordered:
        replay.apply(event)
    return replay, ordered


def compute_clock(
    events: Iterable,
    calendar: WorkCalendar,
    *,
    today: dt.date,
    fee_pauses_clock: bool = FEE_PAUSES_CLOCK,
) -> ClockStatus:
    """The clock of an application on `today`. Events are `ClockEvent`s, (kind, date[, data]) tuples or
    {"kind", "date", "data"} dicts; an impossible sequence raises `ClockError`. See the module docstring for
    how pauses, corrections and extensions are counted."""
    r, _ordered = _replay(events, calendar, fee_pauses_clock)
    until = r.closed.date if r.closed is not None else today
    deadline = r.answer_deadline(until)
    due_on = deadline.due if deadline else None
    active = tuple(p.reason for p in r.pauses if p.closed_on is None and p.is_active(today))
    if r.awaiting_correction:
        active = (PauseReason.CORRECTION, *active)
    consultation_due = [r.reply_due[reason].due for reason in r.open if reason in r.reply_due]
    counted = [d for d in (deadline, *r.extras) if d is not None]
    provisional = any(d.provisional for d in counted)
    provisional_years = {year for d in counted for year in d.provisional_years}

    workdays_left = None
    answered_late = None
    if r.closed is not None:
        state = ClockState.CLOSED
        if r.closed.kind == EventKind.DECIDED and due_on is not None:
            answered_late = r.closed.date > due_on
    elif r.awaiting_confirmation:
        state = ClockState.AWAITING_CONFIRMATION
    elif active:
        state = ClockState.PAUSED
    else:
        workdays_left = calendar.workdays_between(today, due_on)
        if today > due_on:
            state = ClockState.OVERDUE
        elif workdays_left <= DUE_SOON_WORKDAYS:
            state = ClockState.DUE_SOON
        else:
            state = ClockState.NORMAL

    status = ClockStatus(
        received_on=r.received_on,
        counting_from=r.counting_from,
        due_on=due_on,
        deadline=deadline,
        extension_workdays=r.extension,
        paused=bool(active),
        pause_reasons=active,
        pauses=tuple(r.pauses),
        provisional=provisional,
        provisional_reason=provisional_reason(provisional_years) if provisional else "",
        state=state,
        workdays_left=workdays_left,
        next_step="",
        correction_notice_due=r.correction_notice_due,
        consultation_reply_due=max(consultation_due) if consultation_due else None,
        fee_payment_due=r.fee_due.due if r.fee_due else None,
        closed_on=r.closed.date if r.closed else None,
        decision=r.decision,
        answered_late=answered_late,
        submitted_on=r.submitted_on,
        awaiting_confirmation=r.awaiting_confirmation,
    )
    return _with_next_step(status, r, today)


def _with_next_step(s: ClockStatus, r: _Replay, today: dt.date) -> ClockStatus:
    return replace(s, next_step=_next_step(s, r, today))


def _next_step(s: ClockStatus, r: _Replay, today: dt.date) -> str:
    if r.archived:
        return "已归档，无需进一步办理"
    if s.state is ClockState.CLOSED:
        if r.closed.kind == EventKind.DEEMED_ABANDONED:
            return "视为放弃申请，本机关不再处理；办理材料整理归档（第四十五条）"
        if not r.delivered:
            return "将答复书送达申请人，并记录送达日期"
        return "将申请、答复及送达材料整理归档（第四十五条）"
    if r.awaiting_confirmation:
        return (
            f"网上申请于{_d(r.submitted_on)}提交，待确认收到：核对后记录“确认收到”，确认之日为收到申请之日，"
            "答复期限自该日起算20个工作日（第三十一条第（三）项、第三十三条）"
        )
    if r.awaiting_correction:
        if r.correction_deadline is not None and today > r.correction_deadline:
            return (
                f"补正期限已于{_d(r.correction_deadline)}届满；申请人无正当理由逾期未补正的，"
                "记录“视为放弃申请”，不再处理（第三十条）"
            )
        return "等待申请人补正；收到补正后答复期限重新起算20个工作日（第三十条）"
    if r.awaiting_fee:
        if today > r.fee_due.due:
            return f"缴费期限已于{_d(r.fee_due.due)}届满；申请人逾期未缴费的，记录“视为放弃申请”，不再处理"
        return f"等待申请人缴纳信息处理费，缴费期限至{_d(r.fee_due.due)}；缴费后继续办理"
    if s.paused:
        reason = s.pause_reasons[0]
        reply = _d(r.reply_due[reason].due)
        if reason is PauseReason.THIRD_PARTY:
            return (
                f"等待第三方意见，答复期限至{reply}；逾期未提出意见的，由本机关依照条例规定决定（第三十二条）"
            )
        return f"等待其他机关意见，答复期限至{reply}；逾期未提出意见的视为同意公开（第三十四条）"
    stale = [reason for reason in r.open if reason in r.reply_due]
    due = _d(s.due_on)
    if stale:
        who = _CONSULTED[stale[0]]
        return (
            f"向{who}征求意见的答复期限已于{_d(r.reply_due[stale[0]].due)}届满，计时已恢复；"
            f"请记录征求意见结束，并最迟于{due}作出答复"
        )
    if s.state is ClockState.OVERDUE:
        return f"已超过答复期限（{due}），应立即作出答复（第三十三条）"
    if (
        today <= r.correction_notice_due
        and r.correction_requested is None
        and r.counting_from == r.received_on
    ):
        return (
            f"审核申请内容：不明确的，最迟于{_d(r.correction_notice_due)}一次性告知补正（第三十条）；"
            f"否则最迟于{due}作出答复（第三十三条）"
        )
    if s.state is ClockState.DUE_SOON and not r.extension:
        return (
            f"答复期限为{due}，仅剩{s.workdays_left}个工作日；确需延期的，经政府信息公开工作机构负责人同意并告知申请人，"
            f"可延长不超过{MAX_EXTENSION_WORKDAYS}个工作日（第三十三条）"
        )
    return f"最迟于{due}作出答复（第三十三条）"


def check_event(
    events: Sequence, new_event, calendar: WorkCalendar, *, fee_pauses_clock: bool = FEE_PAUSES_CLOCK
) -> ClockEvent:
    """Whether `new_event` may be added to `events`; raises `ClockError` if not. For services recording events."""
    validate_events([*events, new_event], calendar, fee_pauses_clock=fee_pauses_clock)
    return _as_event(new_event)


def next_events(
    events: Iterable, calendar: WorkCalendar, today: dt.date, *, fee_pauses_clock: bool = FEE_PAUSES_CLOCK
) -> tuple[EventKind, ...]:
    """The kinds of event that the office may record next, dated `today`, in the order of `EventKind`: each kind
    whose event (with its optional data left out) `check_event` would accept; the applicant's own records
    (`APPLICANT_EVENTS`) are not steps of the office and are left out. ``received`` alone for an empty history;
    an impossible history raises `ClockError`, since nothing can be added to it. See the module docstring."""
    events = list(events)
    if not events:
        return (EventKind.RECEIVED,)
    replay, ordered = _replay(events, calendar, fee_pauses_clock)
    allowed = []
    for kind in EventKind:
        if kind in APPLICANT_EVENTS:
            continue
        trial = _as_event(ClockEvent(kind, today))
        try:
            if ordered[-1].date <= today:  # the new event comes last: try it on a copy of the replay
                replay.fork().apply(trial)
            else:
                _replay([*ordered, trial], calendar, fee_pauses_clock)
        except ClockError:
            continue
        allowed.append(kind)
    return tuple(allowed)
