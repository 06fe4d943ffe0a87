"""Public endpoints: the portal's visibility rules, keyset pages, item detail with attachments, docs without CDN."""

import datetime as dt
import io

import pytest
from docx import Document

from gongkai.catalog import services

pytestmark = pytest.mark.today("2026-03-16")


def _docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pages_follow_the_cursor_newest_first_without_gaps_or_repeats(client, township, village, publish):
    for day in range(1, 8):
        publish(township if day % 2 else village, f"通知{day}", published_on=dt.date(2026, 3, day))
    seen, cursor = [], None
    while True:
        params = {"org": "qukou", "limit": 3} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/items", params).json()
        seen += [item["title"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [f"通知{day}" for day in range(7, 0, -1)]
    own = client.get("/api/v1/items", {"org": "qukou", "own_only": "true", "limit": 100}).json()["items"]
    assert {item["organisation"] for item in own} == {"qukou"}


def test_drafts_scheduled_and_retracted_items_are_not_public(client, township, clerk, reviewer, publish):
    draft = services.disclosure_create(
        organisation=township, actor=clerk, title="草稿", written_on=dt.date(2026, 3, 1)
    )
    later = publish(
        township,
        "定时发布",
        published_on=dt.date(2026, 3, 16),
        publish_at=dt.datetime(2026, 3, 20, 2, tzinfo=dt.UTC),
    )
    gone = publish(township, "撤回的", published_on=dt.date(2026, 3, 2))
    services.disclosure_retract(disclosure=gone, actor=reviewer, comment="有误")
    for item in (draft, later, gone):
        response = client.get(f"/api/v1/items/{item.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/items", {"org": "qukou"}).json()["items"] == []
    assert client.get("/api/v1/search", {"q": "撤回的"}).json()["hits"] == []


def test_an_items_detail_lists_its_attachments_with_their_public_address(
    client, township, clerk, reviewer, admin
):
    draft = services.disclosure_create(
        organisation=township,
        actor=clerk,
        title="附件通知",
        written_on=dt.date(2026, 3, 10),
        body="<p>见附件</p>",
    )
    services.attachment_add(disclosure=draft, actor=clerk, name="方案.docx", data=_docx("实施方案"))
    services.disclosure_submit(disclosure=draft, actor=clerk)
    services.disclosure_review_pass(disclosure=draft, actor=reviewer)
    services.disclosure_approve(disclosure=draft, actor=admin)
    body = client.get(f"/api/v1/items/{draft.pk}").json()
    [attachment] = body["attachments"]
    assert attachment["name"] == "方案.docx" and attachment["file_type"] == "docx"
    assert client.get(attachment["url"]).status_code == 200


def test_organisations_and_an_unknown_one(client, township, village):
    codes = [o["code"] for o in client.get("/api/v1/organisations").json()]
    assert {"pingluo", "qukou", "qukoucun"} <= set(codes)
    assert client.get("/api/v1/organisations/qukoucun").json()["parent"] == "qukou"
    missing = client.get("/api/v1/organisations/nowhere")
    assert missing.status_code == 404 and "nowhere" in missing.json()["detail"]


def test_a_bad_parameter_is_a_problem_with_a_chinese_detail(client, township):
    response = client.get("/api/v1/items", {"org": "qukou", "limit": "500"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "请求参数有误：limit：过大"


def test_the_deadline_calculator_answers_in_v1_as_before(client, db):
    body = client.get("/api/v1/deadline", {"start": "2025-09-26", "days": 20}).json()
    assert body["due_date"] == "2025-10-30"
    assert (
        client.get("/api/deadline", {"start": "2025-09-26", "days": "20"}).json()["due_date"] == "2025-10-30"
    )


def test_the_docs_load_only_this_sites_own_files(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/staff/items" in schema["paths"]
