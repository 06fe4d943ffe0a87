"""The key work screens: the public timeline and list, the office's list, detail, plan, link and kinds — each with
its happy path, the anonymous visitor, staff of another township and the wrong method."""

import datetime as dt

import pytest
from conftest import stage

from gongkai.keyworks import services
from gongkai.keyworks.models import KeyWork, StageItem, WorkKind


@pytest.fixture
def work(make_work, clerk, publish, township):
    work = make_work(title="渠口乡农村道路提升改造工程", completed_on=dt.date(2025, 10, 28))
    approval = publish(township, "项目立项的批复", published_on=dt.date(2025, 3, 20))
    services.item_link(stage=stage(work, "审批、核准、备案"), disclosure=approval, actor=clerk)
    services.stage_plan(
        stage=stage(work, "征收土地"), actor=clerk, not_applicable=True, not_applicable_reason="不新征收土地"
    )
    return work


# ---- public ----------------------------------------------------------------------------------------------------


@pytest.mark.today("2025-12-01")
def test_anyone_reads_the_timeline_stage_by_stage(citizen, work):
    page = citizen.get(f"/org/qukou/work/{work.pk}/").content.decode()
    assert "渠口乡农村道路提升改造工程" in page
    for name in ("审批、核准、备案", "招标投标", "征收土地", "竣工"):
        assert name in page
    assert "项目立项的批复" in page and "本阶段不适用：不新征收土地" in page
    assert "待公开" in page and "国办发〔2017〕94号" in page
    assert page.index("审批、核准、备案") < page.index("招标投标") < page.index("竣工")


def test_staff_of_another_township_see_the_same_public_page(login, other_township_staff, work):
    assert login(other_township_staff).get(f"/org/qukou/work/{work.pk}/").status_code == 200


def test_a_work_not_public_or_under_another_code_is_404(citizen, work, clerk, other_township):
    assert citizen.get(f"/org/{other_township.code}/work/{work.pk}/").status_code == 404
    services.work_update(work=work, actor=clerk, is_public=False)
    assert citizen.get(f"/org/qukou/work/{work.pk}/").status_code == 404
    assert "渠口乡农村道路" not in citizen.get("/org/qukou/work/").content.decode()


def test_post_to_the_public_pages_is_not_allowed(citizen, work):
    assert citizen.post(f"/org/qukou/work/{work.pk}/").status_code == 405
    assert citizen.post("/org/qukou/work/").status_code == 405


@pytest.mark.today("2025-12-01")
def test_the_column_and_its_menu_lead_to_the_work_and_the_item_leads_back(citizen, work):
    home = citizen.get("/org/qukou/").content.decode()
    assert f'href="/org/qukou/work/{work.pk}/"' in home and "重点工作全过程公开" in home
    assert 'href="/org/qukou/work/"' in home  # the column's menu entry (portal_nav)
    item = stage(work, "审批、核准、备案").links.get().disclosure
    page = citizen.get(f"/item/{item.pk}/").content.decode()
    assert "所属重点工作" in page and f"/org/qukou/work/{work.pk}/#stage-" in page


def test_search_shows_the_work_above_the_items(citizen, work):
    page = citizen.get("/search/", {"q": "道路提升"}).content.decode()
    assert f"/org/qukou/work/{work.pk}/" in page and "<mark>道路提升</mark>" in page


# ---- office ----------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, work):
    for url in (
        "/office/keyworks/",
        f"/office/keyworks/{work.pk}/",
        "/office/keyworks/new/",
        "/office/keyworks/kinds/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/office/login/" in response["Location"]
    assert client.post(f"/office/keyworks/{work.pk}/link/", {}).status_code == 302
    assert not StageItem.objects.filter(stage__name="施工").exists()


@pytest.mark.today("2025-12-01")
def test_a_clerk_lists_and_reads_the_township_s_works_with_their_gaps(login, clerk, work):
    client = login(clerk)
    listing = client.get("/office/keyworks/").content.decode()
    assert "渠口乡农村道路提升改造工程" in listing and "招标投标：逾期未公开" not in listing
    detail = client.get(f"/office/keyworks/{work.pk}/").content.decode()
    assert "项目立项的批复" in detail and "关联信息" in detail


def test_a_clerk_creates_a_work_from_a_kind_and_plans_a_stage(login, clerk, township, village):
    client = login(clerk)
    five = WorkKind.objects.get(organisation=None, code="five")
    response = client.post(
        "/office/keyworks/new/",
        {
            "title": "2025年农村危房改造",
            "kind": five.pk,
            "starts_on": "2025-03-01",
            "villages": [village.pk],
            "responsible": clerk.pk,
            "is_public": "on",
        },
    )
    created = KeyWork.objects.get(title="2025年农村危房改造")
    assert response.status_code == 302 and response["Location"] == f"/office/keyworks/{created.pk}/"
    assert created.stages.count() == 5 and list(created.villages.all()) == [village]
    decision = stage(created, "决策公开")
    response = client.post(
        f"/office/keyworks/stages/{decision.pk}/plan/",
        {"rule": "fixed", "rule_days": 0, "planned_on": "2025-04-30", "basis": ""},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.planned_on == dt.date(2025, 4, 30)


def test_a_not_applicable_stage_without_reason_is_refused_on_the_form(login, clerk, work):
    bidding = stage(work, "招标投标")
    page = login(clerk).post(
        f"/office/keyworks/stages/{bidding.pk}/plan/",
        {"rule": "fixed", "rule_days": 0, "planned_on": "2025-05-31", "not_applicable": "on"},
    )
    assert page.status_code == 200 and "标为不适用时须说明理由" in page.content.decode()
    bidding.refresh_from_db()
    assert not bidding.not_applicable


def test_a_clerk_links_an_item_by_its_index_number_and_unlinks_it(login, clerk, work, publish, township):
    item = publish(township, "施工进展", published_on=dt.date(2025, 7, 1))
    client = login(clerk)
    construction = stage(work, "施工")
    response = client.post(
        f"/office/keyworks/{work.pk}/link/", {"stage": construction.pk, "item": item.index_no}
    )
    assert response.status_code == 302
    link = StageItem.objects.get(disclosure=item)
    assert link.stage == construction
    client.post(f"/office/keyworks/{work.pk}/links/{link.pk}/unlink/")
    assert not StageItem.objects.filter(disclosure=item).exists()


def test_an_item_of_another_township_is_not_found_for_linking(login, clerk, work, publish, other_township):
    foreign = publish(other_township, "外乡的通知")
    response = login(clerk).post(
        f"/office/keyworks/{work.pk}/link/",
        {"stage": stage(work, "施工").pk, "item": str(foreign.pk)},
        follow=True,
    )
    assert "没有找到信息" in response.content.decode()
    assert not StageItem.objects.filter(disclosure=foreign).exists()


def test_staff_of_another_township_get_404_on_the_work(login, other_township_staff, work):
    client = login(other_township_staff)
    assert client.get(f"/office/keyworks/{work.pk}/").status_code == 404
    assert client.get(f"/office/keyworks/{work.pk}/edit/").status_code == 404
    assert client.get(f"/office/keyworks/stages/{stage(work, '施工').pk}/plan/").status_code == 404
    assert (
        client.post(
            f"/office/keyworks/{work.pk}/link/", {"stage": stage(work, "施工").pk, "item": "1"}
        ).status_code
        == 404
    )
    assert "渠口乡农村道路" not in client.get("/office/keyworks/").content.decode()


def test_read_only_staff_read_but_cannot_plan(login, county_viewer, work):
    client = login(county_viewer)
    client.post("/office/switch/", {"organisation": work.organisation_id})
    assert client.get(f"/office/keyworks/{work.pk}/").status_code == 200
    assert client.get(f"/office/keyworks/{work.pk}/edit/").status_code == 403
    assert client.get("/office/keyworks/new/").status_code == 403


def test_wrong_methods_are_refused(login, clerk, work):
    client = login(clerk)
    assert client.post("/office/keyworks/").status_code == 405
    assert client.post(f"/office/keyworks/{work.pk}/").status_code == 405
    assert client.get(f"/office/keyworks/{work.pk}/link/").status_code == 405
    link = StageItem.objects.filter(stage__work=work).first()
    assert client.get(f"/office/keyworks/{work.pk}/links/{link.pk}/unlink/").status_code == 405


def test_a_clerk_customises_a_kind_and_adds_a_stage(login, clerk, township):
    client = login(clerk)
    relocation = WorkKind.objects.get(organisation=None, code="relocation")
    assert "易地扶贫搬迁" in client.get("/office/keyworks/kinds/").content.decode()
    assert client.get(f"/office/keyworks/kinds/{relocation.pk}/customise/").status_code == 405
    client.post(f"/office/keyworks/kinds/{relocation.pk}/customise/")
    own = WorkKind.objects.get(organisation=township, code="relocation")
    response = client.post(
        f"/office/keyworks/kinds/{own.pk}/stages/new/",
        {"name": "后续扶持", "category": "service", "sort_order": 100, "rule": "none", "rule_days": 0},
    )
    assert response.status_code == 302
    assert [s.name for s in own.stages.all()][-1] == "后续扶持"
    # the default kind cannot be edited directly
    assert client.get(f"/office/keyworks/kinds/{relocation.pk}/stages/new/").status_code in (403, 404)


@pytest.mark.today("2025-12-01")
def test_the_township_dashboard_flags_a_late_stage(login, clerk, work):
    services.stage_plan(stage=stage(work, "质量安全监督"), actor=clerk, planned_on=dt.date(2025, 9, 30))
    page = login(clerk).get("/office/").content.decode()
    assert "重点工作公开缺项" in page
    assert "“质量安全监督”逾期未公开（应于2025年9月30日前公开）" in page


def test_without_default_kinds_the_clerk_is_sent_to_install_them(login, clerk, township):
    WorkKind.objects.all().delete()
    client = login(clerk)
    response = client.get("/office/keyworks/new/")
    assert response.status_code == 302 and response["Location"] == "/office/keyworks/kinds/"
    assert "载入默认类型" in client.get("/office/keyworks/kinds/").content.decode()
    assert client.get("/office/keyworks/kinds/install/").status_code == 405
    client.post("/office/keyworks/kinds/install/")
    assert WorkKind.objects.filter(organisation=None).count() == 6
    assert client.get("/office/keyworks/new/").status_code == 200


def test_a_read_only_user_cannot_install_the_default_kinds(login, county_viewer):
    WorkKind.objects.all().delete()
    assert login(county_viewer).post("/office/keyworks/kinds/install/").status_code == 403
    assert not WorkKind.objects.exists()
