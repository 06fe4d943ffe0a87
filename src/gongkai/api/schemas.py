"""The API's request and response shapes (pydantic, through django-ninja); the OpenAPI schema is built from them."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, StrictFloat, StrictInt

from gongkai.api.models import Scope


def _iso_date_only(value):
    """A date is a 'YYYY-MM-DD' string, never a number of seconds since 1970 (pydantic's lax mode takes both)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and len(value) == 10):
        return value
    raise ValueError("应为日期（YYYY-MM-DD）")


Day = Annotated[dt.date, BeforeValidator(_iso_date_only)]
KIND = Literal["document", "notice", "news", "interpretation", "posting", "other"]


class OrganisationOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None = Field(None, description="上级机构代码")


class AttachmentOut(Schema):
    id: int
    name: str
    file_type: str
    size: int
    url: str


class ItemOut(Schema):
    id: int
    index_no: str | None = Field(None, description="索引号")
    title: str = Field(description="名称")
    kind: str
    kind_label: str
    organisation: str = Field(description="发布机构代码")
    organisation_name: str = Field(description="发布机构")
    doc_no: str = Field(description="文号")
    written_on: dt.date = Field(description="成文日期")
    published_on: dt.date | None = Field(None, description="发布日期")
    validity: str = Field(description="有效性")
    url: str


class ItemDetailOut(ItemOut):
    summary: str
    body: str
    subject: str | None = Field(None, description="主题分类")
    area: str | None = Field(None, description="目录领域")
    effective_on: dt.date | None = None
    repealed_on: dt.date | None = None
    posting_starts_on: dt.date | None = None
    posting_ends_on: dt.date | None = None
    attachments: list[AttachmentOut]


class ItemPage(Schema):
    items: list[ItemOut]
    next_cursor: str | None = Field(None, description="下一页的游标；为空表示没有更多")


class SearchHitOut(Schema):
    item: ItemOut
    snippet: str = Field(description="摘要（纯文本）")


class SearchOut(Schema):
    q: str
    total: int
    capped: bool
    page: int
    pages: int
    hits: list[SearchHitOut]


class NamedDate(Schema):
    date: dt.date
    name: str


class DeadlineOut(Schema):
    start: dt.date
    days: int
    org: str | None
    due_date: dt.date
    provisional: bool
    holidays_crossed: list[NamedDate]
    adjusted_workdays_crossed: list[NamedDate]
    description: str


# ---- staff ---------------------------------------------------------------------------------------------------


class DraftIn(Schema):
    organisation: str | None = Field(None, description="机构代码；缺省为令牌所属机构", max_length=63)
    title: str = Field(min_length=1, max_length=300)
    written_on: Day
    kind: KIND = "notice"
    summary: str = Field("", max_length=5000)
    body: str = Field("", max_length=200_000)
    doc_no: str = Field("", max_length=80)
    document_class: Literal["ordinary", "normative", "rule"] = "ordinary"
    posting_days: StrictInt | None = Field(None, ge=1, le=60)


class DraftPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    written_on: Day | None = None
    kind: KIND | None = None
    summary: str | None = Field(None, max_length=5000)
    body: str | None = Field(None, max_length=200_000)
    doc_no: str | None = Field(None, max_length=80)
    document_class: Literal["ordinary", "normative", "rule"] | None = None
    posting_days: StrictInt | None = Field(None, ge=1, le=60)


class StaffItemOut(Schema):
    id: int
    organisation: str
    status: str
    status_label: str
    index_no: str | None
    title: str
    kind: str
    doc_no: str
    written_on: dt.date
    published_on: dt.date | None
    due_on: dt.date | None = Field(None, description="公开时限（条例第二十六条）")


class StaffItemPage(Schema):
    items: list[StaffItemOut]
    next_cursor: str | None = None


class SubmitIn(Schema):
    override_reason: str = Field("", max_length=500, description="隐私检查放行理由（仅审核人、管理员）")


class ChannelIn(Schema):
    channel: str = Field(max_length=30, description="发布渠道代码")
    published_on: Day
    note: str = Field("", max_length=200)


class ChannelOut(Schema):
    id: int
    channel: str
    channel_label: str
    published_on: dt.date


class ApplicantIn(Schema):
    applicant_type: Literal["natural_person", "organisation"]
    applicant_column: str = Field("natural_person", max_length=40)
    name: str = Field(min_length=1, max_length=120)
    id_number: str = Field(max_length=40)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    email: str = Field("", max_length=254)


class ApplicationIn(Schema):
    organisation: str | None = Field(None, max_length=63)
    applicant: ApplicantIn
    info_title: str = Field("", max_length=300)
    info_doc_no: str = Field("", max_length=100)
    info_description: str = Field("", max_length=2000)
    provision_form: Literal["paper", "electronic"]
    delivery: Literal["post", "email", "pickup"]
    channel: Literal["in_person", "post", "letter", "fax", "online", "email"]
    received_on: Day


class EventOut(Schema):
    kind: str
    kind_label: str
    date: dt.date
    note: str


class PersonalData(Schema):
    applicant_name: str
    id_number: str
    phone: str
    address: str
    email: str


class ApplicationOut(Schema):
    id: int
    case_number: str
    organisation: str
    applicant_type: str
    applicant_column: str
    channel: str
    received_on: dt.date
    stage: str
    decision: str
    decided_on: dt.date | None
    due_date: dt.date | None = Field(None, description="答复期限（条例第三十三条）")
    overdue: bool
    info_title: str
    info_doc_no: str
    events: list[EventOut]
    personal_data: PersonalData | None = Field(
        None, description="仅在 personal=true 且令牌有 personal_data 权限范围时给出；每次读取记入审计"
    )


class ApplicationSummary(Schema):
    id: int
    case_number: str
    organisation: str
    received_on: dt.date
    stage: str
    decision: str


class ApplicationPage(Schema):
    items: list[ApplicationSummary]
    next_cursor: str | None = None


class RegisteredOut(Schema):
    application: ApplicationOut
    lookup_code: str = Field(description="查询码（交给申请人，仅此一次）")


class EventIn(Schema):
    """One event of a case; the fields each kind needs (others are ignored)."""

    kind: Literal[
        "correction_requested",
        "correction_received",
        "extension_approved",
        "decided",
        "delivered",
        "archived",
    ]
    date: Day
    deadline: Day | None = Field(None, description="补正期限（correction_requested）")
    items: str = Field("", max_length=2000, description="需补正的内容（correction_requested）")
    note: str = Field("", max_length=2000)
    workdays: StrictInt = Field(20, ge=1, le=20, description="延长的工作日（extension_approved）")
    reason: str = Field("", max_length=2000, description="延期理由（extension_approved）")
    decision: str = Field("", max_length=40, description="答复类型代码（decided）")
    reply_text: str = Field("", max_length=20_000, description="答复内容（decided）")
    legal_basis: str = Field("", max_length=2000)
    method: str = Field("", max_length=16, description="送达方式（delivered）")
    proof: str = Field("", max_length=300)


class FiguresIn(Schema):
    licensing_decisions: StrictInt = Field(0, ge=0, le=10**9)
    penalty_decisions: StrictInt = Field(0, ge=0, le=10**9)
    compulsion_decisions: StrictInt = Field(0, ge=0, le=10**9)
    admin_fees_wan: StrictFloat | StrictInt = Field(0, ge=0, le=10**7)
    source_note: str = Field(min_length=1, max_length=300)


class FiguresOut(FiguresIn):
    organisation: str
    year: int


class TokenInfo(Schema):
    name: str
    organisation: str
    holder: str
    scopes: list[Literal[tuple(Scope.values)]]  # type: ignore[valid-type]
    expires_at: dt.datetime
