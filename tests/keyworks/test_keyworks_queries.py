"""Reads of key works: the timeline (public items only for the public), gaps for the dashboard and the county
board, the column's current works, the item's work, the search by title and the report's paragraph."""

import datetime as dt

import pytest
from conftest import stage

from gongkai.catalog import services as catalog_services
from gongkai.keyworks import queries, services
from gongkai.keyworks.rules import State
from gongkai.reports.compile import compile_report
from gongkai.reports.key_works import key_works_paragraph
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.queries import calendar_for

CAL = WorkCalendar()
TODAY = dt.date(2025, 12, 1)


@pytest.fixture
def project(make_work, clerk, publish, township):
    """A project completed on 28 October 2025 with its approval and its result published and quality supervision
    planned for 30 September but not published."""
    work = make_work(completed_on=dt.date(2025, 10, 28))
    services.stage_plan(stage=stage(work, "审批、核准、备案"), actor=clerk, planned_on=dt.date(2025, 4, 15))
    services.stage_plan(stage=stage(work, "质量安全监督"), actor=clerk, planned_on=dt.date(2025, 9, 30))
    services.stage_plan(
        stage=stage(work, "招标投标"), actor=clerk, not_applicable=True, not_applicable_reason="村民自建"
    )
    approval = publish(township, "项目立项的批复", published_on=dt.date(2025, 3, 20))
    result = publish(township, "竣工验收情况公告", published_on=dt.date(2025, 11, 14))
    services.item_link(stage=stage(work, "审批、核准、备案"), disclosure=approval, actor=clerk)
    services.item_link(stage=stage(work, "竣工"), disclosure=result, actor=clerk)
    return work


def states(timeline):
    return {row.stage.name: row.state for row in timeline.stages}


def test_the_timeline_gives_each_stage_its_items_its_date_and_its_state(project):
    timeline = queries.timeline(project, today=TODAY, calendar=CAL, public=True)
    assert states(timeline) == {
        "审批、核准、备案": State.PUBLISHED,
        "招标投标": State.NOT_APPLICABLE,
        "征收土地": State.UPCOMING,
        "重大设计变更": State.UPCOMING,
        "施工": State.UPCOMING,
        "质量安全监督": State.LATE,
        "竣工": State.PUBLISHED,
    }
    result = timeline.stages[-1]
    assert [d.title for d in result.items] == ["竣工验收情况公告"]
    assert result.expected.on == CAL.add_workdays(dt.date(2025, 10, 28), 20)
    assert [row.stage.name for row in timeline.gaps] == ["质量安全监督"]


def test_once_the_work_s_period_is_over_a_stage_without_items_is_missing(project, clerk):
    services.work_update(work=project, actor=clerk, ends_on=dt.date(2025, 11, 30))
    timeline = queries.timeline(project, today=TODAY, calendar=CAL, public=True)
    assert {row.stage.name: row.state for row in timeline.gaps} == {
        "征收土地": State.MISSING,
        "重大设计变更": State.MISSING,
        "施工": State.MISSING,
        "质量安全监督": State.LATE,
    }


def test_a_linked_draft_is_shown_to_staff_but_neither_to_the_public_nor_as_published(
    project, clerk, township
):
    draft = catalog_services.disclosure_create(
        organisation=township, actor=clerk, title="质量安全监督检查情况", written_on=dt.date(2025, 9, 1)
    )
    services.item_link(stage=stage(project, "质量安全监督"), disclosure=draft, actor=clerk)
    office = queries.timeline(project, today=TODAY, calendar=CAL, public=False)
    public = queries.timeline(project, today=TODAY, calendar=CAL, public=True)
    row = next(r for r in office.stages if r.stage.name == "质量安全监督")
    assert [d.title for d in row.items] == ["质量安全监督检查情况"] and row.state is State.LATE
    assert next(r for r in public.stages if r.stage.name == "质量安全监督").items == []


def test_the_timeline_takes_a_fixed_number_of_queries(
    project, django_assert_max_num_queries, publish, township, clerk
):
    for n in range(5):
        item = publish(township, f"施工进展（{n + 1}）", published_on=dt.date(2025, 7, n + 1))
        services.item_link(stage=stage(project, "施工"), disclosure=item, actor=clerk)
    with django_assert_max_num_queries(4):
        timeline = queries.timeline(project, today=TODAY, calendar=CAL, public=True)
        assert timeline.item_count == 7


def test_works_with_gaps_and_the_county_board_count(project, make_work, county, township, other_township):
    make_work(title="没有缺项的工作")  # nothing due yet, period not over
    with_gaps = queries.works_with_gaps(township, TODAY, CAL)
    assert [t.work.title for t in with_gaps] == [project.title]
    board = queries.gap_counts_by_child(county, TODAY, calendar_for)
    assert [(r["organisation"], r["works"], r["with_gaps"]) for r in board] == [
        (township, 2, 1),
        (other_township, 0, 0),
    ]


def test_the_column_lists_current_public_works_and_a_village_sees_the_works_that_span_it(
    make_work, township, village
):
    spanning = make_work(title="跨村道路", villages=[village])
    make_work(title="已结束的工作", starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31))
    make_work(title="未公开的工作", is_public=False)
    assert [w.title for w in queries.current_works(township, today=TODAY)] == ["跨村道路"]
    assert queries.current_works(village, today=TODAY) == [spanning]


def test_an_item_knows_its_public_work_and_stage(project, township, publish, clerk):
    result = project.stages.get(name="竣工").links.get().disclosure
    work = queries.work_of_item(result)
    assert work == project and work.item_stage.name == "竣工"
    services.work_update(work=project, actor=clerk, is_public=False)
    assert queries.work_of_item(result) is None
    assert queries.work_of_item(publish(township, "无关的通知")) is None


def test_search_finds_a_public_work_by_the_words_of_its_title(project, make_work, township, other_township):
    make_work(title="渠口乡农村危房改造", is_public=False)
    hits = queries.works_matching("道路 改造", organisation=None)
    assert [h.work for h in hits] == [project]
    assert "<mark>道路</mark>" in hits[0].title_html
    assert queries.works_matching("危房") == []
    assert queries.works_matching("道路", organisation=other_township) == []
    assert queries.works_matching("   ") == []


def test_the_report_paragraph_lists_the_year_s_items_per_stage(project, township):
    paragraph = key_works_paragraph(township, 2025)
    assert paragraph.startswith("对重点工作实行全过程公开。“渠口乡农村道路提升改造工程”（重大建设项目）")
    assert "审批、核准、备案阶段公开《项目立项的批复》；竣工阶段公开《竣工验收情况公告》" in paragraph
    assert key_works_paragraph(township, 2024) == ""
    report = compile_report(township, 2025)
    overview = next(s for s in report.sections if s.key == "overview").text
    assert overview.endswith("（六）重点领域信息公开\n" + paragraph)
