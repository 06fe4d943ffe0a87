"""Import of a township's past applications (for Table B's 上年结转 and the years before Gongkai), each row through
the same services as a letter registered in the office: `application_register` with the original receipt date,
then `application_decide` with the original decision and date when the case was answered. A row without a
decision stays open: it is carried over like any open case.

Rows are keyed by the Chinese headers of `COLUMNS` (a spreadsheet read by catalog.spreadsheets). The dry run tries
every row and rolls back, listing each row's problems (row numbers as in the spreadsheet, header = row 1); a real
run imports every row in one transaction, or none.
"""

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.decisions import APPLICANTS, DECISION_TYPES
from gongkai.applications.models import ApplicantKind, Application, Channel, Delivery, ProvisionForm
from gongkai.audit.services import audit_record
from gongkai.core.errors import DomainError
from gongkai.core.text import cell_date

COLUMNS = (
    "收到申请日期",
    "申请渠道",
    "申请人类别",
    "申请人姓名或名称",
    "证件号码",
    "联系电话",
    "通信地址",
    "电子邮箱",
    "所需信息名称",
    "文号",
    "内容描述",
    "提供形式",
    "获取方式",
    "答复类型",
    "答复日期",
    "答复内容",
)
REQUIRED = ("收到申请日期", "申请渠道", "申请人类别", "申请人姓名或名称", "证件号码")
DEFAULT_REPLY = "见答复告知书（历史记录导入）"


class HistoryError(DomainError):
    pass


@dataclasses.dataclass
class HistoryResult:
    rows: int = 0
    errors: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    created: list[Application] = dataclasses.field(default_factory=list)


class _Rollback(Exception):
    pass


def _date(value, label: str) -> dt.date:
    try:
        return cell_date(value)
    except ValueError:
        raise HistoryError(f"{label}“{value}”不是有效日期（应为 2024-03-15）") from None


def _pick(value, choices, label: str, default: str | None = None) -> str:
    text = str(value or "").strip()
    if not text and default is not None:
        return default
    for code, name in choices:
        if text in (code, name) or name.startswith(text) and text:
            return code
    raise HistoryError(f"{label}“{text}”无效，应为：{'、'.join(n for _, n in choices)}")


def _import_row(*, organisation, actor, row: dict, today: dt.date) -> Application:
    for label in REQUIRED:
        if not str(row.get(label) or "").strip():
            raise HistoryError(f"缺少“{label}”")
    column = _pick(row["申请人类别"], [(c.code, c.label) for c in APPLICANTS.values()], "申请人类别")
    kind = ApplicantKind.NATURAL_PERSON if column == "natural_person" else ApplicantKind.ORGANISATION
    applicant = services.Applicant(
        applicant_type=kind,
        applicant_column=column,
        name=str(row["申请人姓名或名称"]).strip(),
        id_number=str(row["证件号码"]).strip(),
        phone=str(row.get("联系电话") or "").strip(),
        address=str(row.get("通信地址") or "").strip() or "（历史记录未载）",
        email=str(row.get("电子邮箱") or "").strip(),
    )
    request = services.Request(
        info_title=str(row.get("所需信息名称") or "").strip(),
        info_doc_no=str(row.get("文号") or "").strip(),
        info_description=str(row.get("内容描述") or "").strip(),
        provision_form=_pick(row.get("提供形式"), ProvisionForm.choices, "提供形式", ProvisionForm.PAPER),
        delivery=_pick(row.get("获取方式"), Delivery.choices, "获取方式", Delivery.PICKUP),
    )
    case, _code = services.application_register(
        organisation=organisation,
        actor=actor,
        applicant=applicant,
        request=request,
        channel=_pick(row["申请渠道"], Channel.choices, "申请渠道"),
        received_on=_date(row["收到申请日期"], "收到申请日期"),
        today=today,
    )
    if str(row.get("答复类型") or "").strip():
        decision = _pick(row["答复类型"], [(d.code, d.display) for d in DECISION_TYPES], "答复类型")
        if not str(row.get("答复日期") or "").strip():
            raise HistoryError("有答复类型时须填写“答复日期”")
        case = services.application_decide(
            application=case,
            actor=actor,
            date=_date(row["答复日期"], "答复日期"),
            decision=decision,
            reply_text=str(row.get("答复内容") or "").strip() or DEFAULT_REPLY,
            today=today,
        )
    return case


def applications_import(
    *, organisation, actor, rows: list[dict], dry_run: bool, today: dt.date | None = None
):
    """Import past applications of `organisation` (the actor must be allowed to register and decide there, as in
    the office). Writes one `applications.history_import` audit row besides each case's own."""
    today = today or timezone.localdate()
    if not rows:
        raise HistoryError("文件中没有数据行")
    result = HistoryResult(rows=len(rows))
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):
                try:
                    with transaction.atomic():
                        result.created.append(
                            _import_row(organisation=organisation, actor=actor, row=row, today=today)
                        )
                except DomainError as exc:
                    result.errors.append((number, exc.message))
            if dry_run or result.errors:
                raise _Rollback
            audit_record(
                actor=actor,
                action="applications.history_import",
                obj=organisation,
                object_type="applications.application",
                object_repr=f"导入历史申请 {len(result.created)} 件",
                after={"rows": len(rows), "application_ids": [a.pk for a in result.created]},
            )
    except _Rollback:
        if not dry_run:
            number, message = result.errors[0]
            raise HistoryError(f"导入未完成，全部{len(rows)}行均未导入：第{number}行：{message}") from None
    return result
