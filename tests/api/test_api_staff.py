"""Staff endpoints: the office's rules through the API — the same services, the same role × organisation matrix,
the token's subtree and scopes on top; personal data only with its scope, each read audited."""

import datetime as dt

import pytest

from gongkai.accounts.models import User
from gongkai.applications import permissions as application_permissions
from gongkai.audit.models import AuditEvent
from gongkai.catalog import permissions as catalog_permissions
from gongkai.catalog.models import Disclosure, Status
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.models import Membership, Organisation, Role
from gongkai.reports.models import ExternalFigures

pytestmark = pytest.mark.today("2026-03-16")
JSON = "application/json"
VALID_ID = "640221199003020027"


def application_body(org_code=None):
    return {
        "organisation": org_code,
        "applicant": {
            "applicant_type": "natural_person",
            "name": "张三",
            "id_number": VALID_ID,
            "phone": "13800138000",
        },
        "info_title": "2025年农村低保资金发放情况",
        "provision_form": "electronic",
        "delivery": "email",
        "channel": "letter",
        "received_on": "2026-03-10",
    }


def test_a_token_made_in_the_office_drafts_an_item_that_the_reviewers_then_publish_in_the_office(
    client, login, township, clerk, reviewer, admin, make_token, bearer
):
    secret = make_token(clerk)
    created = client.post(
        "/api/v1/staff/items",
        {"title": "关于春季防火的通知", "written_on": "2026-03-12", "body": "<p>各村：做好春季防火。</p>"},
        content_type=JSON,
        **bearer(secret),
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/staff/items/{item_id}", {"doc_no": "渠政发〔2026〕3号"}, content_type=JSON, **bearer(secret)
    )
    assert patched.json()["doc_no"] == "渠政发〔2026〕3号"
    submitted = client.post(f"/api/v1/staff/items/{item_id}/submit", {}, content_type=JSON, **bearer(secret))
    assert submitted.json()["status"] == "secrecy_review"

    office = login(reviewer)
    office.post(f"/office/catalog/{item_id}/do/review_pass/", {"comment": "无涉密内容"})
    login(admin).post(f"/office/catalog/{item_id}/do/approve/", {"comment": "同意发布"})
    item = Disclosure.objects.get(pk=item_id)
    assert item.status == Status.PUBLISHED and item.created_by == clerk
    assert client.get(f"/api/v1/items/{item_id}").json()["index_no"] == item.index_no
    channel = client.post(
        f"/api/v1/staff/items/{item_id}/channels",
        {"channel": "wechat", "published_on": "2026-03-16"},
        content_type=JSON,
        **bearer(secret),
    )
    assert channel.status_code == 201 and channel.json()["channel_label"] == "微信公众号"


def test_a_published_item_cannot_be_edited_through_the_api(
    client, township, clerk, make_token, bearer, publish
):
    item = publish(township, "已发布的通知", published_on=dt.date(2026, 3, 2))
    response = client.patch(
        f"/api/v1/staff/items/{item.pk}", {"title": "改"}, content_type=JSON, **bearer(make_token(clerk))
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "只有草稿可以修改" in response.json()["detail"]


def test_personal_data_needs_its_scope_and_every_read_is_audited(client, clerk, make_token, bearer):
    secret = make_token(clerk, scopes=["read", "write"])
    registered = client.post(
        "/api/v1/staff/applications", application_body(), content_type=JSON, **bearer(secret)
    )
    assert registered.status_code == 201, registered.content
    case_id = registered.json()["application"]["id"]
    assert registered.json()["application"]["personal_data"] is None
    plain = client.get(f"/api/v1/staff/applications/{case_id}", **bearer(secret)).json()
    assert VALID_ID not in str(plain) and "张三" not in str(plain)
    refused = client.get(f"/api/v1/staff/applications/{case_id}", {"personal": "true"}, **bearer(secret))
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="applications.personal_data_view").count() == 0

    personal = make_token(clerk, scopes=["read", "personal_data"])
    body = client.get(
        f"/api/v1/staff/applications/{case_id}", {"personal": "true"}, **bearer(personal)
    ).json()
    assert body["personal_data"]["id_number"] == VALID_ID
    again = client.get(f"/api/v1/staff/applications/{case_id}", {"personal": "true"}, **bearer(personal))
    assert "no-store" in again["Cache-Control"]
    client.get(f"/api/v1/staff/applications/{case_id}", {"personal": "true"}, **bearer(personal))
    assert AuditEvent.objects.filter(action="applications.personal_data_view").count() == 3


def test_a_village_clerk_never_reads_personal_data_whatever_the_token_says(
    client, township, village, village_clerk, clerk, make_token, bearer
):
    case_id = client.post(
        "/api/v1/staff/applications",
        application_body("qukoucun"),
        content_type=JSON,
        **bearer(make_token(clerk)),
    ).json()["application"]["id"]
    secret = make_token(village_clerk, scopes=["read", "personal_data"], organisation=village)
    response = client.get(f"/api/v1/staff/applications/{case_id}", {"personal": "true"}, **bearer(secret))
    assert response.status_code == 403


def test_events_of_a_case_go_through_the_clock(client, clerk, reviewer, make_token, bearer):
    secret = make_token(clerk)
    case_id = client.post(
        "/api/v1/staff/applications", application_body(), content_type=JSON, **bearer(secret)
    ).json()["application"]["id"]
    url = f"/api/v1/staff/applications/{case_id}/events"
    early = client.post(
        url,
        {"kind": "delivered", "date": "2026-03-12", "method": "email"},
        content_type=JSON,
        **bearer(secret),
    )
    assert early.status_code == 422  # nothing to deliver before a decision: the clock's own refusal
    extension = client.post(
        url,
        {"kind": "extension_approved", "date": "2026-03-12", "reason": "需调取档案"},
        content_type=JSON,
        **bearer(secret),
    )
    assert (
        extension.status_code == 403
    )  # a clerk does not approve extensions (Art. 33 ¶2), in the API as in the office
    decided = client.post(
        url,
        {"kind": "decided", "date": "2026-03-13", "decision": "granted", "reply_text": "予以公开，见附件。"},
        content_type=JSON,
        **bearer(secret),
    )
    assert decided.status_code == 201, decided.content
    assert decided.json()["stage"] == "closed" and decided.json()["decision"] == "granted"
    assert [e["kind"] for e in decided.json()["events"]] == ["received", "decided"]


def test_yearly_figures_are_entered_with_their_source(client, township, clerk, make_token, bearer):
    secret = make_token(clerk)
    url = "/api/v1/staff/organisations/qukou/figures/2025"
    assert client.get(url, **bearer(secret)).status_code == 404
    body = {
        "licensing_decisions": 12,
        "penalty_decisions": 3,
        "admin_fees_wan": 1.25,
        "source_note": "县审批局系统导出",
    }
    saved = client.put(url, body, content_type=JSON, **bearer(secret))
    assert saved.status_code == 200, saved.content
    assert ExternalFigures.objects.get(organisation=township, year=2025).licensing_decisions == 12
    assert client.get(url, **bearer(secret)).json()["admin_fees_wan"] == 1.25


# ---- the office's role × organisation matrix, through the API ----------------------------------------------------

ROLES = [Role.ADMIN, Role.REVIEWER, Role.CLERK, Role.VILLAGE_CLERK, Role.READONLY]
TARGETS = ["qukou", "qukoucun", "tongfu-xiang"]


def _holder(role, township, village):
    where = village if role == Role.VILLAGE_CLERK else township
    holder = User.objects.create(username=f"matrix-{role}", display_name=f"矩阵{role}")
    Membership.objects.create(user=holder, organisation=where, role=role)
    return holder, where


def _expected(token_org, target, allowed) -> set[int]:
    if not target.path.startswith(token_org.path):
        return {404}  # outside the token's subtree: not found, as outside the office user's subtree
    return {200, 201} if allowed else {403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target_code", TARGETS)
def test_the_api_grants_what_the_office_grants(
    client, admin, township, village, other_township, make_token, bearer, role, target_code
):
    holder, where = _holder(role, township, village)
    secret = make_token(holder, scopes=["read", "write", "personal_data"], organisation=where)
    target = Organisation.objects.get(code=target_code)
    auth = bearer(secret)

    draft = client.post(
        "/api/v1/staff/items",
        {"organisation": target_code, "title": "矩阵测试", "written_on": "2026-03-10"},
        content_type=JSON,
        **auth,
    )
    assert draft.status_code in _expected(where, target, catalog_permissions.can_draft(holder, target))

    registered = client.post(
        "/api/v1/staff/applications", application_body(target_code), content_type=JSON, **auth
    )
    assert registered.status_code in _expected(
        where, target, application_permissions.can_handle(holder, target)
    )

    figures = client.put(
        f"/api/v1/staff/organisations/{target_code}/figures/2025",
        {"licensing_decisions": 1, "source_note": "测试"},
        content_type=JSON,
        **auth,
    )
    assert figures.status_code in _expected(where, target, org_permissions.can_edit_records(holder, target))

    listing = client.get("/api/v1/staff/applications", {"org": target_code}, **auth)
    assert listing.status_code in _expected(where, target, org_permissions.can_view(holder, target))


def test_a_nul_character_is_refused_as_a_problem_before_it_reaches_the_database(
    client, clerk, make_token, bearer
):
    """Found by the OpenAPI fuzzer on PostgreSQL: `?org=…%00` reached the query and PostgreSQL refused the NUL (500).
    No API field may hold one: 422 problem+json in Chinese, in the query and in a JSON body, and nothing saved."""
    secret = make_token(clerk)
    listed = client.get("/api/v1/staff/items?org=qukou%00&limit=40", **bearer(secret))
    assert listed.status_code == 422
    assert listed["Content-Type"].startswith("application/problem+json")
    assert "空字符" in listed.json()["detail"] and listed.json()["field"] == "query"
    before = Disclosure.objects.count()
    created = client.post(
        "/api/v1/staff/items",
        {"title": "关于\x00春季防火的通知", "written_on": "2026-03-12"},
        content_type=JSON,
        **bearer(secret),
    )
    assert created.status_code == 422 and created.json()["field"] == "body"
    assert Disclosure.objects.count() == before
    assert client.get("/api/v1/staff/items?org=qukou&limit=40", **bearer(secret)).status_code == 200
