"""The demo's key works: 渠口乡's 2018 宅基地确权颁证, whose items leave the 2018 figures as the report printed
them, and the 2025 road project with its one late stage on the dashboard and the county board."""

import datetime as dt

from django.utils import timezone

from gongkai.catalog import queries as catalog_queries
from gongkai.keyworks import queries
from gongkai.keyworks.models import KeyWork, StageItem
from gongkai.keyworks.rules import State
from gongkai.reports.compile import compile_report
from gongkai.reports.sources import common_figures
from gongkai.workdays.queries import calendar_for


def _timeline(work, today=None):
    return queries.timeline(
        work, today=today or timezone.localdate(), calendar=calendar_for(work.organisation), public=True
    )


def test_the_2018_land_rights_work_links_2018_items_and_keeps_the_2018_figures(demo):
    work = KeyWork.objects.get(organisation=demo, title="渠口乡2018年宅基地确权颁证")
    timeline = _timeline(work)
    assert {row.stage.name: row.state for row in timeline.stages} == {
        "实施方案": State.PUBLISHED,
        "办理流程": State.PUBLISHED,
        "权籍调查": State.PUBLISHED,
        "登记公告": State.NOT_APPLICABLE,
        "颁证结果": State.PUBLISHED,
    }
    assert work.villages.count() == 13
    linked_2018 = StageItem.objects.filter(stage__work=work, disclosure__published_on__year=2018)
    assert linked_2018.count() == 7
    # The items were already counted: the 2018 figures are the report's.
    figures = common_figures(demo, 2018, include_children=True)
    assert figures["items_distinct"] == 506 and figures["documents_issued"] == 120
    assert (figures["website"], figures["wechat"], figures["boards"]) == (144, 112, 140)
    assert catalog_queries.published_in_year(demo, 2018).count() == 506
    # The result came after the year closed, within 20 working days of 20 December 2018 (元旦 crossed).
    result = timeline.stages[-1]
    assert [d.published_on for d in result.items] == [dt.date(2019, 1, 10)]
    assert result.expected.on == dt.date(2019, 1, 18)


def test_the_2018_report_names_the_key_work_with_its_items_per_stage(demo):
    proactive = next(s for s in compile_report(demo, 2018).sections if s.key == "proactive").text
    assert (
        "“渠口乡2018年宅基地确权颁证”（宅基地、土地确权），实施方案阶段公开《渠口乡人民政府关于开展宅基地确权颁证工作的通知》"
        in proactive
    )
    assert "权籍调查阶段公开" in proactive and "等4条信息" in proactive


def test_the_2025_road_project_has_exactly_one_late_stage(demo):
    work = KeyWork.objects.get(organisation=demo, title="渠口乡2025年农村道路提升改造工程")
    timeline = _timeline(work)
    assert [(row.stage.name, row.state) for row in timeline.gaps] == [("质量安全监督", State.LATE)]
    assert [t.work for t in queries.works_with_gaps(demo, timezone.localdate(), calendar_for(demo))] == [work]
    board = queries.gap_counts_by_child(demo.parent, timezone.localdate(), calendar_for)
    assert {r["organisation"].code: (r["works"], r["with_gaps"]) for r in board}["qukou"] == (2, 1)
    assert work in queries.current_works(demo)


def test_the_dashboard_of_the_demo_township_flags_the_late_stage(demo, client):
    from gongkai.accounts.models import User

    client.force_login(User.objects.get(username="qukou_clerk"))
    page = client.get("/office/").content.decode()
    assert "重点工作公开缺项" in page and "渠口乡2025年农村道路提升改造工程" in page
    assert "“质量安全监督”逾期未公开（应于2025年9月30日前公开）" in page
