"""`gongkai transitions`: the workflows' state tables as Markdown, printed from the TRANSITIONS data itself.

docs/architecture.md carries this output; a test fails when the two drift apart.
"""

from django.core.management.base import BaseCommand

from gongkai.catalog.models import TRANSITIONS as DISCLOSURE_TRANSITIONS
from gongkai.catalog.models import Status
from gongkai.channels.models import TRANSITIONS as DISPATCH_TRANSITIONS
from gongkai.channels.models import DispatchStatus
from gongkai.oversight.models import REMEDY_TRANSITIONS, RemedyResult
from gongkai.participation.models import (
    CONSULTATION_TRANSITIONS,
    QUESTION_TRANSITIONS,
    ConsultationState,
    QuestionState,
)
from gongkai.reports.models import TRANSITIONS as REPORT_TRANSITIONS
from gongkai.reports.models import ReportState

WORKFLOWS = [
    (
        "信息 (catalog.Disclosure.status)",
        "catalog.services._transition",
        "a DisclosureEvent and an audit row",
        DISCLOSURE_TRANSITIONS,
        Status,
    ),
    (
        "年度报告 (reports.AnnualReport.state)",
        "reports.services._transition",
        "a ReportEvent and an audit row",
        REPORT_TRANSITIONS,
        ReportState,
    ),
    (
        "行政复议/行政诉讼 (oversight.Remedy.result)",
        "oversight.services.remedy_decide",
        "an audit row",
        REMEDY_TRANSITIONS,
        RemedyResult,
    ),
    (
        "分发 (channels.Dispatch.status)",
        "channels.services (_claim_row, _finish, _staff_move, _receipt_move)",
        "an attempt row (workers) or an audit row (staff)",
        DISPATCH_TRANSITIONS,
        DispatchStatus,
    ),
    (
        "留言 (participation.Question.state)",
        "participation.services._question_move",
        "a QuestionEvent and an audit row (待答复 → 待答复 is a 转办)",
        QUESTION_TRANSITIONS,
        QuestionState,
    ),
    (
        "意见征集 (participation.Consultation.state)",
        "participation.services._consultation_move",
        "an audit row",
        CONSULTATION_TRANSITIONS,
        ConsultationState,
    ),
]


def transition_tables() -> str:
    parts = []
    for title, service, writes, table, choices in WORKFLOWS:
        label = dict(choices.choices)
        order = list(label)
        lines = [f"#### {title}", "", f"Changed only by `{service}`: compare-and-set, then {writes}.", ""]
        lines += ["| from | may move to |", "|---|---|"]
        for state in order:
            if state not in table:
                continue
            targets = sorted(table[state], key=order.index)
            moves = "、".join(f"{label[t]} `{t}`" for t in targets) or "— (final)"
            lines.append(f"| {label[state]} `{state}` | {moves} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


class Command(BaseCommand):
    help = "Print the workflows' transition tables (the source of docs/architecture.md's tables)."

    def handle(self, *args, **options):
        self.stdout.write(transition_tables(), ending="")
