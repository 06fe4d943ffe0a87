"""渠口乡's key works (重点工作) as demo data.

- 2018 宅基地确权颁证, the work the 2018 report says was published "全过程公示公开": its stages link the 2018 items the
  catalog demo already holds (the 实施方案 notices, the 办理流程 notice, the villages' 入户调查 news), so the 2018
  figures are unchanged; its result (颁证结果) was published in January 2019, after the year closed. The 登记公告
  is the county's 不动产登记 body's (《不动产登记暂行条例实施细则》第十七条): not applicable to the township.
- 2025 农村道路提升改造工程, a 重大建设项目 of two villages: every stage published or not applicable except
  质量安全监督, planned for 30 September 2025 and never published — the late stage the dashboard flags.

Loaded after the catalog demo; a second run finds both works by title and creates nothing.
"""

import datetime

from django.utils import timezone

from gongkai.catalog import importing
from gongkai.catalog.models import Disclosure, Kind, Status
from gongkai.channels.models import Channel
from gongkai.keyworks import services
from gongkai.keyworks.models import KeyWork, WorkKind
from gongkai.orgs.models import Organisation, OrgKind
from gongkai.workdays.queries import calendar_for

ACTOR = "演示数据"
LAND_TITLE = "渠口乡2018年宅基地确权颁证"
ROAD_TITLE = "渠口乡2025年农村道路提升改造工程"
NOT_THE_TOWNSHIP = "宅基地使用权首次登记的公告由平罗县不动产登记机构发布（《不动产登记暂行条例实施细则》第十七条），乡政府不另行公告"


def load(loader) -> None:
    qukou = Organisation.objects.filter(code="qukou").first()
    if qukou is None:
        return
    services.kinds_install_defaults(actor=ACTOR)
    today = timezone.localdate()
    made = 0
    if not KeyWork.objects.filter(organisation=qukou, title=LAND_TITLE).exists():
        made += _land_rights_2018(qukou, today)
    if (
        today >= datetime.date(2025, 11, 14)
        and not KeyWork.objects.filter(organisation=qukou, title=ROAD_TITLE).exists()
    ):
        made += _road_project_2025(qukou)
    if made:
        loader.created.append(f"重点工作 {made} 项")


def _kind(code: str) -> WorkKind:
    return WorkKind.objects.get(organisation=None, code=code)


def _stages(work) -> dict:
    return {stage.name: stage for stage in work.stages.all()}


def _link(stage, disclosures) -> None:
    for disclosure in disclosures:
        services.item_link(stage=stage, disclosure=disclosure, actor=ACTOR)


def _published(qukou, year, **filters):
    return Disclosure.objects.filter(
        organisation__path__startswith=qukou.path, published_on__year=year, status=Status.PUBLISHED, **filters
    ).order_by("published_on", "id")


def _new_item(qukou, *, title, kind, written_on, published_on, channels, **extra) -> Disclosure:
    existing = Disclosure.objects.filter(organisation=qukou, title=title, written_on=written_on).first()
    if existing is not None:
        return existing
    data = {
        "title": title,
        "kind": kind,
        "written_on": written_on,
        "published_on": published_on,
        "channels": channels,
        "summary": extra.pop("summary"),
        **extra,
    }
    data.setdefault("body", f"<p>{data['summary']}</p>")
    return importing.disclosure_import_one(
        organisation=qukou, actor=ACTOR, data=data, calendar=calendar_for(qukou)
    )


def _land_rights_2018(qukou, today) -> int:
    villages = list(qukou.children.filter(kind=OrgKind.VILLAGE))
    work = services.work_create(
        organisation=qukou,
        actor=ACTOR,
        title=LAND_TITLE,
        kind=_kind("land_rights"),
        starts_on=datetime.date(2018, 1, 1),
        ends_on=datetime.date(2018, 12, 31),
        completed_on=datetime.date(2018, 12, 20),
        villages=villages,
        summary="全乡13个村开展宅基地使用权确权登记颁证，入户调查、权籍测绘、登记公告、颁发证书全过程公开。",
    )
    stages = _stages(work)
    services.stage_plan(stage=stages["实施方案"], actor=ACTOR, planned_on=datetime.date(2018, 6, 30))
    services.stage_plan(
        stage=stages["登记公告"], actor=ACTOR, not_applicable=True, not_applicable_reason=NOT_THE_TOWNSHIP
    )
    # Only items of 2018 the catalog demo made: the 2018 figures stay as the report printed them.
    _link(stages["实施方案"], _published(qukou, 2018, title__contains="开展宅基地确权颁证工作的通知")[:2])
    _link(stages["办理流程"], _published(qukou, 2018, title="关于宅基地申请审批办理流程的公告")[:1])
    _link(
        stages["权籍调查"],
        _published(qukou, 2018, kind=Kind.NEWS, title__endswith="完成宅基地确权颁证入户调查").exclude(
            title__startswith="【"
        ),
    )
    result_day = datetime.date(2019, 1, 10)
    if today >= result_day:
        result = _new_item(
            qukou,
            title="渠口乡2018年宅基地确权颁证工作完成情况的公告",
            kind=Kind.NOTICE,
            written_on=datetime.date(2019, 1, 8),
            published_on=result_day,
            channels=[Channel.WEBSITE, Channel.NOTICE_BOARD],
            summary="2018年12月20日，全乡13个村宅基地确权登记颁证工作完成，颁发证书情况和遗留问题处理途径予以公告。",
        )
        _link(stages["颁证结果"], [result])
    return 1


def _road_project_2025(qukou) -> int:
    villages = list(qukou.children.filter(kind=OrgKind.VILLAGE, short_name__in=["渠口村", "六顷地村"]))
    work = services.work_create(
        organisation=qukou,
        actor=ACTOR,
        title=ROAD_TITLE,
        kind=_kind("major_project"),
        starts_on=datetime.date(2025, 3, 1),
        completed_on=datetime.date(2025, 10, 28),
        villages=villages,
        summary="渠口村、六顷地村通村道路提升改造6.8公里，政府投资，竣工决算审计中。",
    )
    stages = _stages(work)
    plan = {
        "审批、核准、备案": datetime.date(2025, 4, 15),
        "招标投标": datetime.date(2025, 5, 31),
        "质量安全监督": datetime.date(2025, 9, 30),
    }
    for name, planned_on in plan.items():
        services.stage_plan(stage=stages[name], actor=ACTOR, planned_on=planned_on)
    services.stage_plan(
        stage=stages["征收土地"],
        actor=ACTOR,
        not_applicable=True,
        not_applicable_reason="在原有道路上提升改造，不新征收土地",
    )
    services.stage_plan(
        stage=stages["重大设计变更"],
        actor=ACTOR,
        not_applicable=True,
        not_applicable_reason="本项目未发生重大设计变更",
    )
    web = [Channel.WEBSITE, Channel.NOTICE_BOARD]
    items = {
        "审批、核准、备案": dict(
            title="关于渠口乡2025年农村道路提升改造工程项目立项的批复",
            kind=Kind.DOCUMENT,
            written_on=datetime.date(2025, 3, 17),
            published_on=datetime.date(2025, 3, 20),
            doc_no="渠政发〔2025〕11号",
            summary="同意渠口村、六顷地村通村道路提升改造工程立项，建设规模6.8公里，资金来源为政府投资。",
        ),
        "招标投标": dict(
            title="渠口乡2025年农村道路提升改造工程中标候选人公示",
            kind=Kind.POSTING,
            written_on=datetime.date(2025, 5, 9),
            published_on=datetime.date(2025, 5, 12),
            posting_days=3,
            summary="经评标委员会评审，现将中标候选人及其投标报价、工期予以公示，公示期内如有异议，请向渠口乡人民政府反映。",
        ),
        "施工": dict(
            title="渠口乡2025年农村道路提升改造工程开工建设",
            kind=Kind.NEWS,
            written_on=datetime.date(2025, 6, 9),
            published_on=datetime.date(2025, 6, 10),
            summary="工程施工单位进场，计划工期150天，施工期间请过往车辆和行人注意安全。",
        ),
        "竣工": dict(
            title="渠口乡2025年农村道路提升改造工程竣工验收情况公告",
            kind=Kind.NOTICE,
            written_on=datetime.date(2025, 11, 12),
            published_on=datetime.date(2025, 11, 14),
            summary="工程于2025年10月28日通过竣工验收，验收结论为合格，现将验收情况予以公告。",
        ),
    }
    for name, data in items.items():
        _link(stages[name], [_new_item(qukou, channels=web, **data)])
    return 1
