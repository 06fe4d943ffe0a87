"""Writes of key works: the plan copied from the kind, stage plans and not-applicable reasons, linking items,
kinds customised per organisation — each refused with its Chinese message, each audited."""

import datetime as dt

import pytest
from conftest import stage

from gongkai.audit.models import AuditEvent
from gongkai.catalog import services as catalog_services
from gongkai.keyworks import services
from gongkai.keyworks.models import KindStage, StageItem, WorkKind
from gongkai.keyworks.services import KeyWorkError


def test_a_new_work_copies_its_kind_s_stages_in_order_and_is_audited(make_work, major_project, village):
    work = make_work(villages=[village])
    assert [s.name for s in work.stages.all()] == [s.name for s in major_project.stages.all()]
    assert [s.name for s in work.stages.all()][0] == "审批、核准、备案"
    assert stage(work, "竣工").rule == "after_completion" and stage(work, "竣工").rule_days == 20
    assert list(work.villages.all()) == [village]
    assert AuditEvent.objects.filter(action="keyworks.work.create").count() == 1


def test_a_work_needs_a_title_and_an_end_after_its_start(make_work):
    with pytest.raises(KeyWorkError, match="请填写名称"):
        make_work(title="  ")
    with pytest.raises(KeyWorkError, match="结束日期不能早于开始日期"):
        make_work(ends_on=dt.date(2025, 1, 1))


def test_a_work_spans_only_villages_of_its_own_organisation(make_work, other_township):
    from gongkai.orgs.models import OrgKind
    from gongkai.orgs.services import org_insert

    elsewhere = org_insert(parent=other_township, kind=OrgKind.VILLAGE, name="通伏村", code="tongfucun")
    with pytest.raises(KeyWorkError, match="不是本机构所辖的村"):
        make_work(villages=[elsewhere])


def test_a_stage_marked_not_applicable_needs_its_reason(make_work, clerk):
    work = make_work()
    with pytest.raises(KeyWorkError, match="须说明理由"):
        services.stage_plan(stage=stage(work, "征收土地"), actor=clerk, not_applicable=True)
    services.stage_plan(
        stage=stage(work, "征收土地"), actor=clerk, not_applicable=True, not_applicable_reason="不新征收土地"
    )
    assert stage(work, "征收土地").not_applicable_reason == "不新征收土地"
    services.stage_plan(stage=stage(work, "征收土地"), actor=clerk, not_applicable=False)
    assert stage(work, "征收土地").not_applicable_reason == ""  # no stale reason once it applies again


def test_a_fixed_stage_needs_its_planned_date(make_work, clerk):
    work = make_work()
    with pytest.raises(KeyWorkError, match="计划公开日期"):
        services.stage_plan(stage=stage(work, "招标投标"), actor=clerk, planned_on=None)
    services.stage_plan(stage=stage(work, "招标投标"), actor=clerk, planned_on=dt.date(2025, 5, 31))
    assert stage(work, "招标投标").planned_on == dt.date(2025, 5, 31)
    assert AuditEvent.objects.filter(action="keyworks.stage.plan").count() == 1


def test_an_item_of_the_township_or_its_village_links_to_one_stage_only(
    make_work, clerk, publish, township, village
):
    work = make_work()
    own = publish(township, "项目立项的批复", published_on=dt.date(2025, 3, 20))
    villages = publish(village, "村道施工告知", published_on=dt.date(2025, 6, 10))
    services.item_link(stage=stage(work, "审批、核准、备案"), disclosure=own, actor=clerk)
    services.item_link(stage=stage(work, "施工"), disclosure=villages, actor=clerk)
    assert StageItem.objects.filter(stage__work=work).count() == 2
    with pytest.raises(KeyWorkError, match="已关联到重点工作"):
        services.item_link(stage=stage(work, "施工"), disclosure=own, actor=clerk)
    assert AuditEvent.objects.filter(action="keyworks.item.link").count() == 2


def test_items_of_another_township_and_retracted_items_are_refused(
    make_work, clerk, publish, other_township, township
):
    work = make_work()
    foreign = publish(other_township, "外乡的公告")
    with pytest.raises(KeyWorkError, match="只能关联本机构"):
        services.item_link(stage=stage(work, "施工"), disclosure=foreign, actor=clerk)
    retracted = publish(township, "撤回的公告")
    reviewer = retracted.events.filter(to_status="published").first().actor
    catalog_services.disclosure_retract(disclosure=retracted, actor=reviewer, comment="有误")
    retracted.refresh_from_db()
    with pytest.raises(KeyWorkError, match="已撤回"):
        services.item_link(stage=stage(work, "施工"), disclosure=retracted, actor=clerk)
    assert not StageItem.objects.exists()


def test_a_draft_can_be_linked_while_it_is_written_and_unlinked(make_work, clerk, township):
    work = make_work()
    draft = catalog_services.disclosure_create(
        organisation=township, actor=clerk, title="质量安全监督检查情况", written_on=dt.date(2025, 9, 1)
    )
    link = services.item_link(stage=stage(work, "质量安全监督"), disclosure=draft, actor=clerk)
    assert link.linked_by == clerk
    services.item_unlink(link=link, actor=clerk)
    assert not StageItem.objects.exists()
    assert AuditEvent.objects.filter(action="keyworks.item.unlink").count() == 1


def test_an_organisation_customises_a_default_kind_and_edits_its_own_copy(township, clerk, major_project):
    with pytest.raises(KeyWorkError, match="请先为本机构定制"):
        services.kind_stage_save(kind=major_project, actor=clerk, name="新阶段", category="execution")
    copy = services.kind_customise(organisation=township, kind=major_project, actor=clerk)
    assert copy.organisation == township and copy.based_on == major_project
    assert copy.stages.count() == major_project.stages.count()
    services.kind_stage_save(kind=copy, actor=clerk, name="资金使用", category="management", sort_order=55)
    assert [s.name for s in copy.stages.all()][-2:] == ["资金使用", "竣工"]
    assert major_project.stages.count() == 7  # the default is unchanged
    with pytest.raises(KeyWorkError, match="已有该类型的自定义版本"):
        services.kind_customise(organisation=township, kind=major_project, actor=clerk)
    first = copy.stages.first()
    services.kind_stage_remove(stage=first, actor=clerk)
    assert not KindStage.objects.filter(pk=first.pk).exists()


def test_a_work_made_from_a_customised_kind_keeps_its_plan_when_the_kind_changes(
    township, clerk, major_project
):
    copy = services.kind_customise(organisation=township, kind=major_project, actor=clerk)
    work = services.work_create(
        organisation=township, actor=clerk, title="乡村道路", kind=copy, starts_on=dt.date(2025, 1, 1)
    )
    services.kind_stage_save(kind=copy, actor=clerk, stage=copy.stages.first(), name="立项")
    assert work.stages.first().name == "审批、核准、备案"


def test_a_kind_of_another_township_cannot_be_used(
    other_township, other_township_clerk, township, clerk, major_project
):
    theirs = services.kind_customise(
        organisation=other_township, kind=major_project, actor=other_township_clerk
    )
    with pytest.raises(KeyWorkError, match="该类型属于其他机构"):
        services.work_create(
            organisation=township, actor=clerk, title="道路", kind=theirs, starts_on=dt.date(2025, 1, 1)
        )


def test_the_default_kinds_are_installed_once_with_their_stages_and_a_fresh_instance_has_none(clerk):
    assert services.kinds_install_defaults(actor=clerk) == 0  # the autouse fixture installed them
    WorkKind.objects.filter(organisation=None).delete()
    assert services.kinds_install_defaults(actor=clerk) == 6
    assert AuditEvent.objects.filter(action="keyworks.kind.install").count() == 2
    codes = set(WorkKind.objects.filter(organisation=None).values_list("code", flat=True))
    assert codes == {
        "five",
        "major_project",
        "land_rights",
        "relocation",
        "dilapidated_housing",
        "village_election",
    }
    five = WorkKind.objects.get(organisation=None, code="five")
    assert [s.get_category_display() for s in five.stages.all()] == [
        "决策公开",
        "执行公开",
        "管理公开",
        "服务公开",
        "结果公开",
    ]
