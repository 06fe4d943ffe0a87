"""Staff endpoints of /api/v1/staff/: a bearer token acts as its holder, through the same services as the office.

Each record is fetched inside the token's organisation subtree and the holder's own (404 outside, like the office);
the services then check the holder's role (403) and the rules of the domain (422, their Chinese message). The
token's scopes come on top: `read` for reads, `write` for writes, `personal_data` for an applicant's data in clear
(each such read writes `applications.personal_data_view`)."""

from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from ninja import Query, Router, Status
from pydantic import Field

from gongkai.api import schemas
from gongkai.api.auth import TokenAuth
from gongkai.api.permissions import covers, require_scope
from gongkai.api.problems import responses
from gongkai.applications import queries as application_queries
from gongkai.applications import services as application_services
from gongkai.applications.clock import EventKind
from gongkai.applications.permissions import can_see_personal_data
from gongkai.catalog import queries as catalog_queries
from gongkai.catalog import services as catalog_services
from gongkai.catalog.models import Status as ItemStatus
from gongkai.channels.models import Channel
from gongkai.core.errors import PermissionDenied
from gongkai.orgs.models import Organisation
from gongkai.orgs.permissions import can_edit_records
from gongkai.reports.models import ExternalFigures
from gongkai.reports.services import external_figures_save

router = Router(tags=["机构（需令牌）"], auth=TokenAuth())
READ = responses(403, 404, 422)
WRITE = responses(403, 404, 422)
STATUSES = dict(ItemStatus.choices)
CHANNELS = dict(Channel.choices)


def _org(token, code: str | None) -> Organisation:
    """The organisation named by `code` (default: the token's own), inside the token's reach."""
    organisation = Organisation.objects.filter(code=code).first() if code else token.organisation
    if organisation is None or not covers(token, organisation):
        raise Http404(f"令牌所属机构及其下级中没有代码为 {code} 的机构")
    return organisation


def _item(token, item_id: int):
    found = (
        catalog_queries.in_subtree(token.organisation)
        .select_related("organisation")
        .filter(pk=item_id)
        .first()
        if 0 < item_id < 2**63
        else None
    )
    if found is None or not covers(token, found.organisation):
        raise Http404("没有找到该信息")
    return found


def _application(token, application_id: int):
    found = (
        application_queries.in_subtree(token.organisation)
        .select_related("organisation")
        .filter(pk=application_id)
        .first()
        if 0 < application_id < 2**63
        else None
    )
    if found is None or not covers(token, found.organisation):
        raise Http404("没有找到该申请")
    return found


def staff_item_out(d) -> dict:
    return {
        "id": d.pk,
        "organisation": d.organisation.code,
        "status": d.status,
        "status_label": STATUSES.get(d.status, d.status),
        "index_no": d.index_no,
        "title": d.title,
        "kind": d.kind,
        "doc_no": d.doc_no,
        "written_on": d.written_on,
        "published_on": d.published_on,
        "due_on": d.due_on,
    }


def application_out(application, *, personal: bool) -> dict:
    clock = application_queries.clock_of(application, today=timezone.localdate())
    labels = {k.value: k.label for k in EventKind}
    out = {
        "id": application.pk,
        "case_number": application.case_number,
        "organisation": application.organisation.code,
        "applicant_type": application.applicant_type,
        "applicant_column": application.applicant_column,
        "channel": application.channel,
        "received_on": application.received_on,
        "stage": application.stage,
        "decision": application.decision or "",
        "decided_on": application.decided_on,
        "due_date": clock.due_on,
        "overdue": clock.state == "overdue" or bool(clock.answered_late),
        "info_title": application.info_title,
        "info_doc_no": application.info_doc_no,
        "events": [
            {"kind": e.kind, "kind_label": labels.get(e.kind, e.kind), "date": e.date, "note": e.note}
            for e in application.events.order_by("date", "id")
        ],
        "personal_data": None,
    }
    if personal:
        out["personal_data"] = {
            "applicant_name": application.applicant_name,
            "id_number": application.id_number or "",
            "phone": application.phone or "",
            "address": application.address or "",
            "email": application.email or "",
        }
    return out


@router.get("/token", response={200: schemas.TokenInfo, **responses(403)}, summary="当前令牌")
def token_info(request):
    token = request.auth
    return {
        "name": token.name,
        "organisation": token.organisation.code,
        "holder": token.holder.get_username(),
        "scopes": token.scopes,
        "expires_at": token.expires_at,
    }


# ---- 信息 (drafts) ----------------------------------------------------------------------------------------------


class StaffItemFilters(schemas.Schema):
    org: str | None = Field(None, max_length=63)
    status: str | None = Field(None, pattern="^(draft|secrecy_review|approval|published|retracted)$")
    cursor: int | None = Field(None, ge=1, le=2**62, description="上一页给出的 next_cursor")
    limit: int = Field(20, ge=1, le=100)


@router.get("/items", response={200: schemas.StaffItemPage, **READ}, summary="本机构的信息（含草稿）")
def staff_items(request, filters: Query[StaffItemFilters]):
    token = request.auth
    require_scope(token, "read")
    organisation = _org(token, filters.org)
    rows = catalog_queries.in_subtree(organisation).select_related("organisation").order_by("-id")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.cursor:
        rows = rows.filter(pk__lt=filters.cursor)
    chunk = list(rows[: filters.limit + 1])
    more = len(chunk) > filters.limit
    chunk = [d for d in chunk[: filters.limit] if covers(token, d.organisation)]
    return {
        "items": [staff_item_out(d) for d in chunk],
        "next_cursor": str(chunk[-1].pk) if more and chunk else None,
    }


@router.get("/items/{item_id}", response={200: schemas.StaffItemOut, **READ}, summary="信息（含草稿）")
def staff_item(request, item_id: int):
    require_scope(request.auth, "read")
    return staff_item_out(_item(request.auth, item_id))


@router.post("/items", response={201: schemas.StaffItemOut, **WRITE}, summary="起草信息（草稿）")
def draft_create(request, payload: schemas.DraftIn):
    token = request.auth
    require_scope(token, "write")
    organisation = _org(token, payload.organisation)
    fields = payload.dict(exclude={"organisation", "title", "written_on"})
    if fields.get("posting_days") is None:
        fields.pop("posting_days", None)
    draft = catalog_services.disclosure_create(
        organisation=organisation,
        actor=token.holder,
        title=payload.title,
        written_on=payload.written_on,
        **fields,
    )
    return Status(201, staff_item_out(draft))


@router.patch("/items/{item_id}", response={200: schemas.StaffItemOut, **WRITE}, summary="修改草稿")
def draft_update(request, item_id: int, payload: schemas.DraftPatch):
    token = request.auth
    require_scope(token, "write")
    draft = _item(token, item_id)
    fields = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None or k == "posting_days"}
    updated = catalog_services.disclosure_update(disclosure=draft, actor=token.holder, **fields)
    return staff_item_out(updated)


@router.post("/items/{item_id}/submit", response={200: schemas.StaffItemOut, **WRITE}, summary="提交审核")
def draft_submit(request, item_id: int, payload: schemas.SubmitIn):
    token = request.auth
    require_scope(token, "write")
    draft = _item(token, item_id)
    submitted = catalog_services.disclosure_submit(
        disclosure=draft, actor=token.holder, override_reason=payload.override_reason
    )
    return staff_item_out(submitted)


@router.post(
    "/items/{item_id}/channels", response={201: schemas.ChannelOut, **WRITE}, summary="登记其他渠道的发布"
)
def channel_record(request, item_id: int, payload: schemas.ChannelIn):
    token = request.auth
    require_scope(token, "write")
    item = _item(token, item_id)
    publication = catalog_services.disclosure_channel_record(
        disclosure=item,
        actor=token.holder,
        channel=payload.channel,
        published_on=payload.published_on,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": publication.pk,
            "channel": publication.channel,
            "channel_label": CHANNELS.get(publication.channel, publication.channel),
            "published_on": publication.published_on,
        },
    )


# ---- 依申请公开 ----------------------------------------------------------------------------------------------------


class ApplicationFilters(schemas.Schema):
    org: str | None = Field(None, max_length=63)
    cursor: int | None = Field(None, ge=1, le=2**62)
    limit: int = Field(20, ge=1, le=100)


@router.get(
    "/applications", response={200: schemas.ApplicationPage, **READ}, summary="申请列表（不含个人信息）"
)
def applications(request, filters: Query[ApplicationFilters]):
    token = request.auth
    require_scope(token, "read")
    organisation = _org(token, filters.org)
    rows = application_queries.in_subtree(organisation).select_related("organisation").order_by("-id")
    if filters.cursor:
        rows = rows.filter(pk__lt=filters.cursor)
    chunk = list(rows[: filters.limit + 1])
    more = len(chunk) > filters.limit
    chunk = [a for a in chunk[: filters.limit] if covers(token, a.organisation)]
    return {
        "items": [
            {
                "id": a.pk,
                "case_number": a.case_number,
                "organisation": a.organisation.code,
                "received_on": a.received_on,
                "stage": a.stage,
                "decision": a.decision or "",
            }
            for a in chunk
        ],
        "next_cursor": str(chunk[-1].pk) if more and chunk else None,
    }


@router.get(
    "/applications/{application_id}", response={200: schemas.ApplicationOut, **READ}, summary="申请（案件）"
)
def application(request, response: HttpResponse, application_id: int, personal: bool = False):
    """`personal=true` adds the applicant's data in clear: the token needs the `personal_data` scope and its
    holder a handling role (not 村级信息员, not 只读); each such read is audited."""
    add_never_cache_headers(response)  # no proxy or client cache keeps a case (GB/T 22239-2019 8.1.4.8)
    token = request.auth
    require_scope(token, "read")
    case = _application(token, application_id)
    if personal:
        require_scope(token, "personal_data")
        if not can_see_personal_data(token.holder, case):
            raise PermissionDenied("您没有权限查看申请人的个人信息")
        application_services.record_personal_data_view(
            application=case, actor=token.holder, purpose=f"接口读取（令牌 {token.name}）"
        )
    return application_out(case, personal=personal)


@router.post("/applications", response={201: schemas.RegisteredOut, **WRITE}, summary="登记线下收到的申请")
def application_register(request, payload: schemas.ApplicationIn):
    token = request.auth
    require_scope(token, "write")
    organisation = _org(token, payload.organisation)
    applicant = application_services.Applicant(**payload.applicant.dict())
    case_request = application_services.Request(
        info_title=payload.info_title,
        info_doc_no=payload.info_doc_no,
        info_description=payload.info_description,
        provision_form=payload.provision_form,
        delivery=payload.delivery,
    )
    case, code = application_services.application_register(
        organisation=organisation,
        actor=token.holder,
        applicant=applicant,
        request=case_request,
        channel=payload.channel,
        received_on=payload.received_on,
    )
    return Status(201, {"application": application_out(case, personal=False), "lookup_code": code})


def _record_event(case, actor, e: schemas.EventIn):
    common = {"application": case, "actor": actor, "date": e.date}
    match e.kind:
        case "correction_requested":
            if e.deadline is None:
                raise application_services.ApplicationError("请填写补正期限", field="deadline")
            return application_services.application_request_correction(
                **common, deadline=e.deadline, items=e.items
            )
        case "correction_received":
            return application_services.application_receive_correction(**common, note=e.note)
        case "extension_approved":
            return application_services.application_extend(**common, workdays=e.workdays, reason=e.reason)
        case "decided":
            return application_services.application_decide(
                **common, decision=e.decision, reply_text=e.reply_text, legal_basis=e.legal_basis
            )
        case "delivered":
            return application_services.application_deliver(**common, method=e.method, proof=e.proof)
        case _:
            return application_services.application_archive(**common)


@router.post(
    "/applications/{application_id}/events",
    response={201: schemas.ApplicationOut, **WRITE},
    summary="记录办理事项（补正、延期、答复、送达、归档）",
)
def application_event(request, application_id: int, payload: schemas.EventIn):
    token = request.auth
    require_scope(token, "write")
    case = _record_event(_application(token, application_id), token.holder, payload)
    return Status(201, application_out(case, personal=False))


# ---- 业务数据 (yearly figures from other systems) ------------------------------------------------------------------


def _figures_out(f: ExternalFigures) -> dict:
    return {
        "organisation": f.organisation.code,
        "year": f.year,
        "licensing_decisions": f.licensing_decisions,
        "penalty_decisions": f.penalty_decisions,
        "compulsion_decisions": f.compulsion_decisions,
        "admin_fees_wan": float(f.admin_fees_wan),
        "source_note": f.source_note,
    }


def _year(year: int) -> int:
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404("年度应在2000年至今年之间")
    return year


@router.get(
    "/organisations/{code}/figures/{year}", response={200: schemas.FiguresOut, **READ}, summary="年度业务数据"
)
def figures_read(request, code: str, year: int):
    token = request.auth
    require_scope(token, "read")
    organisation = _org(token, code)
    found = ExternalFigures.objects.filter(organisation=organisation, year=_year(year)).first()
    if found is None:
        raise Http404(f"{year}年的业务数据尚未录入")
    return _figures_out(found)


@router.put(
    "/organisations/{code}/figures/{year}",
    response={200: schemas.FiguresOut, **WRITE},
    summary="录入年度业务数据（行政许可、处罚、强制、收费）",
)
def figures_write(request, code: str, year: int, payload: schemas.FiguresIn):
    token = request.auth
    require_scope(token, "write")
    organisation = _org(token, code)
    # reports.services.external_figures_save refuses with a plain ReportError; the API answers a role refusal 403.
    if not can_edit_records(token.holder, organisation):
        raise PermissionDenied("您没有权限维护该机构的业务数据")
    figures = ExternalFigures.objects.filter(
        organisation=organisation, year=_year(year)
    ).first() or ExternalFigures(organisation=organisation, year=year)
    for name, value in payload.dict().items():
        setattr(
            figures,
            name,
            Decimal(str(value)).quantize(Decimal("0.0001")) if name == "admin_fees_wan" else value,
        )
    return _figures_out(external_figures_save(actor=token.holder, figures=figures))
