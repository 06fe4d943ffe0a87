"""渠口乡's proactive disclosure as demo data: its catalog, its 2018 items and a flow of items for 2019–2026.

2018 reproduces every figure of the 2018 annual report. Each line of the report is a set of distinct items
(the national rule: the same item through several channels counts once), and the sets are disjoint except
for 10 documents that are also on the website:

- 制发各类文件 120: the township's own documents (渠政发〔2018〕1–120号); 10 on the website, 110 at the 公开查阅点.
- 政府网站 144: 公文 30 (those 10 + 20 county documents forwarded, 转发, which are not 制发), 通知公告 38,
  工作动态 68, 其他 8.
- 微信公众号 112: posts on the WeChat account only.
- 政务服务大厅/公开栏/村级公告栏 140: 30 公示 lists (低保/特困/临时救助) and 110 village notices.
- 主动公开 506 = 120 + 144 + 112 + 140 − 10. The report's website figure 134 is 144 − 10: the website items
  not already counted as documents; its breakdown 30+38+68+8 counted all 144 (docs/annual-report.md).

All people are invented; ID numbers and phone numbers appear only masked. Generated deterministically, so a
second `gongkai demo` finds every item (by organisation, title and 成文日期) and creates nothing.
"""

import datetime
import random

from django.utils import timezone

from gongkai.catalog import importing, indexing, standard
from gongkai.catalog.models import CatalogEntry, Disclosure, DocumentClass, Kind, SubjectClass
from gongkai.channels.models import Channel
from gongkai.core.identifiers import id_check_char
from gongkai.orgs.models import Organisation, OrgKind
from gongkai.privacy.mask import mask_id_number, mask_mobile
from gongkai.workdays.queries import calendar_for

ACTOR = "演示数据"
REGION = "640221"

SURNAMES = "马杨王李张刘陈赵黄周吴徐孙丁沙田何郭罗冯"
GIVEN = [
    "永福",
    "秀兰",
    "建国",
    "玉梅",
    "海军",
    "桂花",
    "志刚",
    "金花",
    "文礼",
    "凤英",
    "占山",
    "春燕",
    "国强",
    "淑珍",
    "德胜",
    "兰芳",
    "学军",
    "红霞",
    "万才",
    "翠萍",
]

DOC_TOPICS_2018 = [
    "印发《渠口乡2018年政务公开工作要点》",
    "调整渠口乡政务公开领导小组成员",
    "做好2018年春耕生产工作",
    "开展2018年农村人居环境整治",
    "印发《渠口乡安全生产大检查实施方案》",
    "做好2018年防汛抗旱工作",
    "开展宅基地确权颁证工作",
    "开展土地经营权确权登记颁证工作",
    "加强农村低保规范管理",
    "做好2018年城乡居民医疗保险征缴工作",
    "开展秋冬季森林草原防火工作",
    "做好村级换届选举工作",
    "开展扫黑除恶专项斗争",
    "印发《渠口乡财务管理制度》",
    "做好2018年冬春农田水利基本建设",
    "开展农村危房改造核查",
    "做好退役军人信息采集工作",
    "开展食品安全专项整治",
    "加强禁毒宣传教育",
    "做好计划生育家庭奖励扶助审核工作",
    "开展2018年征兵工作",
    "做好秸秆禁烧工作",
    "开展精准扶贫动态调整",
    "印发《渠口乡村级公益事业一事一议实施办法》",
    "做好农业保险承保工作",
    "开展冬季取暖安全检查",
    "做好2018年度农机购置补贴申报",
    "开展矛盾纠纷排查化解",
    "加强村级财务公开",
    "做好年底各项工作",
]
NOTICE_TOPICS = [
    "关于做好{y}年度城乡居民基本医疗保险参保缴费工作的通知",
    "关于开展{y}年农村危房改造摸底排查的公告",
    "关于{y}年耕地地力保护补贴发放的公告",
    "关于春季动物疫病集中免疫的通知",
    "关于开展{y}年秋季征兵报名的通知",
    "关于做好冬春季防火工作的通告",
    "关于{y}年高龄津贴资格认证的通知",
    "关于开展农村土地承包经营权流转登记的公告",
    "关于{y}年大学生生源地信用助学贷款办理的通知",
    "关于停水检修的通知",
    "关于开展残疾人两项补贴申报的通知",
    "关于农机购置补贴申请的公告",
    "关于做好防汛期间安全防范的通告",
    "关于组织开展农村实用技术培训的通知",
    "关于公布社会救助投诉举报电话的公告",
    "关于开展{y}年度养老保险待遇资格认证的通知",
    "关于{y}年公益性岗位招聘的公告",
    "关于禁止秸秆焚烧的通告",
    "关于宅基地申请审批办理流程的公告",
]
NEWS_TOPICS = [
    "渠口乡召开{y}年春季农田水利建设动员会",
    "{v}开展人居环境整治集中行动",
    "渠口乡开展{y}年安全生产大检查",
    "渠口乡组织开展防汛应急演练",
    "{v}召开村民代表大会审议一事一议项目",
    "渠口乡开展政务公开业务培训",
    "渠口乡召开低保动态管理工作推进会",
    "{v}举办农村实用技术培训班",
    "渠口乡开展秋季禁毒宣传活动",
    "渠口乡召开脱贫攻坚成果巩固推进会",
    "{v}完成宅基地确权颁证入户调查",
    "渠口乡开展冬季取暖安全排查",
    "渠口乡组织干部学习新修订的政府信息公开条例",
    "{v}开展文明家庭评选活动",
    "渠口乡开展食品安全进农村宣传",
    "渠口乡召开{y}年度乡村振兴工作部署会",
    "{v}组织开展义诊进村活动",
    "渠口乡开展护林防火专项检查",
]
OTHER_2018 = [
    "渠口乡2018年部门预算公开",
    "渠口乡2017年部门决算公开",
    "渠口乡2018年“三公”经费预算情况说明",
    "渠口乡2017年“三公”经费决算情况说明",
    "渠口乡政府信息公开指南",
    "渠口乡政府信息公开制度",
    "渠口乡2017年政府信息公开工作年度报告",
    "渠口乡政务公开监督举报电话",
]
SUBJECTS = {
    "posting": ("民政、扶贫、救灾", "社会福利"),
    "budget": ("财政、金融、审计", "财政"),
    "water": ("农业、林业、水利", "水利"),
    "default": ("综合政务", "政务公开"),
}


_SUBJECT_CACHE: dict = {}


def _subject(key):
    if key not in _SUBJECT_CACHE:
        parent, name = SUBJECTS[key]
        _SUBJECT_CACHE[key] = SubjectClass.objects.filter(parent__name=parent, name=name).first()
    return _SUBJECT_CACHE[key]


def _date(rng: random.Random, year: int, index: int, count: int) -> datetime.date:
    """A working-ish day spread evenly over the year."""
    day = datetime.date(year, 1, 8) + datetime.timedelta(
        days=int(index * 350 / max(count, 1)) + rng.randint(0, 3)
    )
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _masked_person(rng: random.Random, village: str) -> list[str]:
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 50))
    first17 = f"{REGION}{born:%Y%m%d}{rng.randint(100, 999)}"
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    mobile = f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"
    return [
        name,  # 户主 names are shown in a 低保 公示 (privacy.md); IDs and phones only masked
        mask_id_number(first17 + id_check_char(first17)),
        village,
        str(rng.randint(1, 5)),
        mask_mobile(mobile),
    ]


def _posting_table(rng: random.Random, villages: list[str], rows: int, amount: bool) -> dict:
    columns = ["户主姓名", "身份证号", "所在村", "保障人数", "联系电话"]
    data = [_masked_person(rng, rng.choice(villages)) for _ in range(rows)]
    if amount:
        columns[3] = "救助金额（元）"
        for row in data:
            row[3] = str(rng.choice([800, 1000, 1500, 2000, 3000]))
    return {"columns": columns, "rows": data, "maskings": ["keep", "id_number", "keep", "keep", "mobile"]}


class _Plan:
    """Collects the items to create, keeping titles unique per organisation and date."""

    def __init__(self):
        self.items: list[tuple[Organisation, dict]] = []
        self.seen: set[tuple[int, str, datetime.date]] = set()

    def add(self, org, *, title, kind, published_on, channels, delay=3, **extra):
        written_on = published_on - datetime.timedelta(days=delay)
        key = (org.pk, title, written_on)
        if key in self.seen:
            return
        self.seen.add(key)
        data = {
            "title": title,
            "kind": kind,
            "written_on": written_on,
            "published_on": published_on,
            "channels": channels,
            **extra,
        }
        data.setdefault("summary", _summary(title, kind))
        data.setdefault("body", f"<p>{data['summary']}</p>")
        self.items.append((org, data))


def _summary(title: str, kind: str) -> str:
    if kind == Kind.POSTING:
        return f"{title.removeprefix('关于').removesuffix('的公示')}，公示期内如有异议，请向渠口乡民政办实名反映（电话0952-6860685）。"
    if kind == Kind.NEWS:
        return f"{title}。乡村干部、驻村工作队和群众代表参加，会议对下一阶段工作作出安排。"
    return f"{title}，请相关单位和群众知悉。"


FORWARDED_2018 = [
    "转发《平罗县人民政府关于印发平罗县2018年政务公开工作要点的通知》",
    "转发《平罗县人民政府办公室关于做好2018年春季农业生产工作的通知》",
    "转发《平罗县人民政府关于进一步加强安全生产工作的通知》",
    "转发《平罗县人民政府办公室关于做好2018年防汛工作的通知》",
    "转发《平罗县人民政府关于开展农村人居环境整治三年行动的通知》",
    "转发《平罗县人民政府办公室关于规范农村低保管理工作的通知》",
    "转发《平罗县人民政府关于做好2018年征兵工作的通知》",
    "转发《平罗县人民政府办公室关于加强秸秆禁烧工作的通知》",
    "转发《平罗县人民政府关于印发平罗县扫黑除恶专项斗争实施方案的通知》",
    "转发《平罗县人民政府办公室关于做好城乡居民医疗保险征缴工作的通知》",
]

# Items published only on WeChat and only on the boards, in 2018: "【栏目】" is how the account titles its posts.
WECHAT_COLUMNS = ["【渠口动态】", "【便民提醒】", "【政策早知道】", "【乡村振兴】"]
BOARD_TOPICS_2018 = [
    ("{v}2018年{m}月村级财务收支公开", Kind.OTHER),
    ("{v}2018年{m}月计划生育奖励扶助对象公示", Kind.POSTING),
    ("{v}关于2018年城乡居民养老保险缴费的通知", Kind.NOTICE),
]


def _plan_2018(plan: _Plan, rng, qukou, villages, entries):
    """2018 as the annual report counts it; every group is a set of distinct items (see the module docstring)."""
    year = 2018
    village_names = [v.display_name for v in villages]
    # 120 documents issued, 渠政发〔2018〕1–120号: 10 also on the website, 110 at the 公开查阅点.
    patterns = [
        "渠口乡人民政府关于{t}的通知",
        "渠口乡人民政府关于进一步{t}的通知",
        "渠口乡人民政府办公室关于{t}的通知",
        "渠口乡人民政府关于{t}有关事项的补充通知",
    ]
    for n in range(120):
        on_web = n % 12 == 0
        plan.add(
            qukou,
            title=patterns[n // 30].format(t=DOC_TOPICS_2018[n % 30]),
            kind=Kind.DOCUMENT,
            published_on=_date(rng, year, n, 120),
            channels=[Channel.WEBSITE] if on_web else [Channel.READING_POINT],
            doc_no=f"渠政发〔{year}〕{n + 1}号",
            document_class=DocumentClass.ORDINARY,
            subject=_subject("default"),
        )
    # The website's 30 公文: those 10, and 20 county documents forwarded to the villages (转发, not 制发).
    for n in range(20):
        plan.add(
            qukou,
            title=f"渠口乡人民政府{FORWARDED_2018[n % 10]}" + ("" if n < 10 else "的补充通知"),
            kind=Kind.DOCUMENT,
            is_forwarded=True,
            published_on=_date(rng, year, n, 20),
            channels=[Channel.WEBSITE],
            doc_no=f"渠政转〔{year}〕{n + 1}号",
            document_class=DocumentClass.ORDINARY,
            subject=_subject("default"),
        )
    # 38 通知公告, 68 工作动态 and 8 其他 on the website.
    notices = [t.format(y=year) for t in NOTICE_TOPICS] * 2
    for n in range(38):
        title = (
            notices[n]
            if n < len(NOTICE_TOPICS)
            else f"{notices[n].removesuffix('的通知').removesuffix('的公告').removesuffix('的通告')}的补充通知"
        )
        plan.add(
            qukou,
            title=title,
            kind=Kind.NOTICE,
            published_on=_date(rng, year, n, 38),
            channels=[Channel.WEBSITE],
            subject=_subject("default"),
        )
    for n in range(68):
        topic = NEWS_TOPICS[n % len(NEWS_TOPICS)].replace("新修订的政府信息公开条例", "政府信息公开条例")
        title = topic.format(y=year, v=village_names[n % len(village_names)])
        if n >= len(NEWS_TOPICS) and "{v}" not in topic:
            title = f"{title}（{['一', '二', '三', '四'][n // len(NEWS_TOPICS)]}）"
        plan.add(
            qukou,
            title=title,
            kind=Kind.NEWS,
            published_on=_date(rng, year, n, 68),
            channels=[Channel.WEBSITE],
            delay=1,
            subject=_subject("water" if "水利" in title else "default"),
        )
    for n, title in enumerate(OTHER_2018):
        budget = "预算" in title or "决算" in title
        plan.add(
            qukou,
            title=title,
            kind=Kind.OTHER,
            published_on=_date(rng, year, n, 8),
            channels=[Channel.WEBSITE],
            catalog_entry=entries.get("部门预算" if "预算" in title else "部门决算") if budget else None,
            subject=_subject("budget" if budget else "default"),
        )
    # 112 posts on the WeChat account only.
    for n in range(112):
        topic = (NEWS_TOPICS + NOTICE_TOPICS)[n % (len(NEWS_TOPICS) + len(NOTICE_TOPICS))]
        topic = topic.replace("新修订的政府信息公开条例", "政府信息公开条例")
        title = WECHAT_COLUMNS[n // 28] + topic.format(y=year, v=village_names[n % len(village_names)])
        plan.add(
            qukou,
            title=title,
            kind=Kind.NEWS if n % 37 < 18 else Kind.NOTICE,
            published_on=_date(rng, year, n, 112),
            channels=[Channel.WECHAT],
            delay=1,
            subject=_subject("default"),
        )
    # 140 items on the 政务服务大厅, 公开栏 and 村级公告栏 only: 30 公示 lists and 110 village notices.
    township_lists = [
        *(f"关于渠口乡2018年第{q}季度低保对象审批情况的公示" for q in "一二三四"),
        "关于渠口乡2018年特困人员救助供养对象审批情况的公示",
        "关于渠口乡2018年特困人员终止供养名单的公示",
        *(f"关于渠口乡2018年第{q}季度临时救助情况的公示" for q in "一二三四"),
    ]
    for n, title in enumerate(township_lists):
        temporary = "临时救助" in title
        plan.add(
            qukou,
            title=title,
            kind=Kind.POSTING,
            published_on=_date(rng, year, n * 3 + 1, 30),
            channels=[Channel.NOTICE_BOARD, Channel.SERVICE_HALL],
            posting_days=7,
            posting_table=_posting_table(rng, village_names, 6 + n % 5, temporary),
            catalog_entry=entries.get("临时救助" if temporary else "低保审批"),
            subject=_subject("posting"),
        )
    for n in range(20):
        village = villages[n % len(villages)]
        quarter = "一二三四"[n // 5 % 4]
        plan.add(
            village,
            title=f"关于{village.display_name}2018年第{quarter}季度低保对象初审情况的公示",
            kind=Kind.POSTING,
            published_on=_date(rng, year, n, 20),
            channels=[Channel.VILLAGE_BOARD],
            posting_days=7,
            posting_table=_posting_table(rng, [village.display_name], 3 + n % 4, False),
            catalog_entry=entries.get("低保初审"),
            subject=_subject("posting"),
        )
    for n in range(110):
        village = villages[n % len(villages)]
        pattern, kind = BOARD_TOPICS_2018[n // 13 % len(BOARD_TOPICS_2018)]
        month = n // 13 + 1 + (n % 13) % 4
        title = pattern.format(v=village.display_name, m=month)
        if "{m}" not in pattern:
            title = f"{title}（第{n // 39 + 1}批）"
        plan.add(
            village,
            title=title,
            kind=kind,
            published_on=_date(rng, year, n, 110),
            channels=[Channel.VILLAGE_BOARD],
            posting_days=7 if kind == Kind.POSTING else None,
            subject=_subject("default"),
        )


def _plan_later(plan: _Plan, rng, qukou, villages, entries, today):
    village_names = [v.display_name for v in villages]
    for year in range(2019, 2027):
        day = lambda i, n, y=year: _date(rng, y, i, n)  # noqa: E731
        for n, tpl in enumerate(
            [
                "渠口乡人民政府关于印发《渠口乡{y}年政务公开工作要点》的通知",
                "渠口乡人民政府关于做好{y}年春耕生产工作的通知",
                "渠口乡人民政府关于印发《渠口乡{y}年安全生产工作要点》的通知",
                "渠口乡人民政府关于做好{y}年防汛抗旱工作的通知",
                "渠口乡人民政府关于做好{y}年冬春农田水利基本建设的通知",
            ]
        ):
            plan.add(
                qukou,
                title=tpl.format(y=year),
                kind=Kind.DOCUMENT,
                published_on=day(n * 2, 10),
                channels=[Channel.WEBSITE, Channel.NOTICE_BOARD],
                doc_no=f"渠政发〔{year}〕{n + 1}号",
                subject=_subject("default"),
            )
        for n, title in enumerate(
            [
                f"渠口乡{year}年部门预算公开",
                f"渠口乡{year - 1}年部门决算公开",
                f"渠口乡{year}年“三公”经费预算情况说明",
                f"渠口乡{year - 1}年“三公”经费决算情况说明",
            ]
        ):
            plan.add(
                qukou,
                title=title,
                kind=Kind.OTHER,
                published_on=day(n + 1, 24),
                channels=[Channel.WEBSITE, Channel.WECHAT],
                catalog_entry=entries.get("部门预算" if "预算" in title else "部门决算"),
                subject=_subject("budget"),
            )
        for n in range(8):
            title = NOTICE_TOPICS[(n + year) % len(NOTICE_TOPICS)].format(y=year)
            plan.add(
                qukou,
                title=title,
                kind=Kind.NOTICE,
                published_on=day(n, 8),
                channels=[Channel.WEBSITE, Channel.WECHAT, Channel.SMS][: 2 + n % 2],
            )
        for n in range(10):
            village = village_names[(n + year) % len(village_names)]
            title = NEWS_TOPICS[(n * 5 + year) % len(NEWS_TOPICS)].format(y=year, v=village)
            plan.add(
                qukou,
                title=title,
                kind=Kind.NEWS,
                published_on=day(n, 10),
                channels=[Channel.WEBSITE, Channel.WECHAT],
                delay=1,
            )
        for q, quarter in enumerate("一二三四"):
            village = villages[(q + year) % len(villages)]
            published = day(q * 3 + 2, 12)
            plan.add(
                village,
                title=f"关于{village.display_name}{year}年第{quarter}季度低保对象初审情况的公示",
                kind=Kind.POSTING,
                published_on=published,
                channels=[Channel.VILLAGE_BOARD],
                posting_days=7,
                posting_table=_posting_table(rng, [village.display_name], 3 + q, False),
                catalog_entry=entries.get("低保初审"),
                subject=_subject("posting"),
            )
            plan.add(
                qukou,
                title=f"关于渠口乡{year}年第{quarter}季度临时救助情况的公示",
                kind=Kind.POSTING,
                published_on=published + datetime.timedelta(days=2),
                channels=[Channel.WEBSITE, Channel.NOTICE_BOARD],
                posting_days=7,
                posting_table=_posting_table(rng, village_names, 4 + q, True),
                catalog_entry=entries.get("临时救助"),
                subject=_subject("posting"),
            )
        plan.add(
            qukou,
            title=f"关于渠口乡{year}年特困人员救助供养对象审批情况的公示",
            kind=Kind.POSTING,
            published_on=day(6, 12),
            channels=[Channel.WEBSITE, Channel.NOTICE_BOARD],
            posting_days=7,
            posting_table=_posting_table(rng, village_names, 5, False),
            catalog_entry=entries.get("特困审批"),
            subject=_subject("posting"),
        )
    # A 公示 still running today, so the portal's current list is never empty.
    recent = today - datetime.timedelta(days=2)
    village = villages[0]
    plan.add(
        village,
        title=f"关于{village.display_name}{recent.year}年第四季度低保对象初审情况的公示（补充）",
        kind=Kind.POSTING,
        published_on=recent,
        channels=[Channel.VILLAGE_BOARD, Channel.WEBSITE],
        posting_days=7,
        posting_table=_posting_table(rng, [village.display_name], 3, False),
        catalog_entry=entries.get("低保初审"),
        subject=_subject("posting"),
        delay=1,
    )


def _entries(qukou) -> dict:
    def get(area, level1, level2):
        return CatalogEntry.objects.filter(
            organisation=qukou, area__name=area, level1=level1, level2=level2
        ).first()

    return {
        "低保初审": get("社会救助", "最低生活保障", "审核信息"),
        "低保审批": get("社会救助", "最低生活保障", "审批信息"),
        "特困审批": get("社会救助", "特困人员救助供养", "审批信息"),
        "临时救助": get("社会救助", "临时救助", "审核审批信息"),
        "部门预算": get("财政预决算", "财政预决算", "部门预算"),
        "部门决算": get("财政预决算", "财政预决算", "部门决算"),
    }


def load(loader) -> None:
    _SUBJECT_CACHE.clear()
    qukou = Organisation.objects.filter(code="qukou").first()
    if qukou is None:
        return
    villages = list(qukou.children.filter(kind=OrgKind.VILLAGE).order_by("sort_order", "id"))
    for org in [qukou, *villages]:
        created = standard.catalog_adopt(organisation=org, actor=ACTOR)
        if created:
            loader.created.append(f"公开目录 {org.display_name} {created} 条")
    entries = _entries(qukou)
    rng = random.Random(2018)
    plan = _Plan()
    _plan_2018(plan, rng, qukou, villages, entries)
    today = timezone.localdate()
    _plan_later(plan, rng, qukou, villages, entries, today)
    existing = set(
        Disclosure.objects.filter(organisation__path__startswith=qukou.path).values_list(
            "organisation_id", "title", "written_on"
        )
    )
    # Publication order, so each year's 索引号 serials follow the dates.
    plan.items.sort(key=lambda item: (item[1]["published_on"], item[0].pk, item[1]["title"]))
    made = 0
    created_ids: list[int] = []
    calendars = {}
    for org, data in plan.items:
        if data["published_on"] > today or (org.pk, data["title"], data["written_on"]) in existing:
            continue
        if org.pk not in calendars:
            calendars[org.pk] = calendar_for(org)
        item = importing.disclosure_import_one(
            organisation=org, actor=ACTOR, data=data, calendar=calendars[org.pk], index=False
        )
        created_ids.append(item.pk)
        made += 1
    indexing.index_many(created_ids)
    made += _interpretations(qukou, today, calendars.get(qukou.pk))
    if made:
        loader.created.append(f"主动公开信息 {made} 条")


def _interpretations(qukou, today, calendar) -> int:
    """One 政策解读 a year, linked to the year's 政务公开工作要点 it explains."""
    made = 0
    for year in range(2019, today.year + 1):
        document = Disclosure.objects.filter(
            organisation=qukou, title=f"渠口乡人民政府关于印发《渠口乡{year}年政务公开工作要点》的通知"
        ).first()
        if document is None:
            continue
        title = f"《渠口乡{year}年政务公开工作要点》政策解读"
        if Disclosure.objects.filter(organisation=qukou, title=title).exists():
            continue
        published = document.published_on + datetime.timedelta(days=2)
        if published > today:
            continue
        importing.disclosure_import_one(
            organisation=qukou,
            actor=ACTOR,
            calendar=calendar,
            data={
                "title": title,
                "kind": Kind.INTERPRETATION,
                "interprets": document,
                "written_on": document.published_on,
                "published_on": published,
                "channels": [Channel.WEBSITE, Channel.WECHAT],
                "summary": f"解读{year}年渠口乡政务公开工作的主要任务：标准目录动态调整、社会救助名单规范公示、"
                "村级公告栏按月更新、政府信息公开年报按时发布。",
                "subject": _subject("default"),
            },
        )
        made += 1
    return made
