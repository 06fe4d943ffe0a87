"""Demo 政民互动 and supervision data: 留言 (answered and published, kept private, open and overdue), a 意见征集
closed with its 采纳情况 and one still open, 回应关切/回应解读 records, and a second township, 黄渠桥镇, that is
late — its 工作动态 column stale, an item published late, an application past its due date and last year's report
not published — so the county board shows real findings beside 渠口乡's.

Dates are counted back from today, so the clocks always have something to say. Everything goes through the
services (or the catalog's import of already-published items); idempotent: records are looked up by title.
"""

import datetime as dt

from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.applications import services as application_services
from gongkai.applications.models import Application
from gongkai.catalog import importing
from gongkai.catalog.models import Disclosure, Kind
from gongkai.demo.applications import LI
from gongkai.orgs.models import Organisation, OrgKind
from gongkai.participation import services
from gongkai.participation.models import Consultation, Question, Response
from gongkai.workdays.queries import calendar_for

ACTOR = "演示数据"

QUESTIONS = [
    # subject, body, asker, phone, days ago, answer (None: still open), private
    (
        "村道硬化什么时候开工",
        "请问六顷地村三队到四队的村道今年能否硬化？雨天泥泞，孩子上学不方便。",
        "马文礼",
        "13995016021",
        40,
        "该路段已列入本年度农村公路建设计划，预计5月开工，工期约两个月。",
        False,
    ),
    (
        "城乡居民养老保险缴费标准",
        "今年城乡居民养老保险的缴费档次有哪些？在哪里缴费？",
        "张玉兰",
        "",
        30,
        "今年缴费档次为每年200元至3000元共12档，可在村便民服务站或通过“我的宁夏”APP缴纳，详见乡社保所公告。",
        False,
    ),
    (
        "低保复核结果咨询",
        "我家的低保复核结果什么时候出来？",
        "沙秀英",
        "13709526602",
        25,
        "您家的复核已完成，乡民政办已电话告知您结果。",
        True,
    ),
    (
        "秸秆禁烧期间如何处理秸秆",
        "今年秸秆不让烧，村里有没有统一回收？",
        "",
        "",
        20,
        "乡里已联系饲草加工企业到各村回收，具体时间由村委会通知。",
        False,
    ),
    (
        "自来水水压低",
        "太沙村二队最近自来水水压很低，早上基本没水，请帮忙协调。",
        "李志成",
        "15809528810",
        9,
        None,
        False,
    ),
    ("村卫生室开放时间", "渠口村卫生室周末是否开放？", "", "", 1, None, False),
]
COMMENTS = [
    ("王海军", "建议在第十二条中明确红白事办理的标准和时限，避免铺张浪费。"),
    ("", "建议增加门前三包、垃圾分类的内容，并设立村民监督小组。"),
]
FEEDBACK = (
    "本次征求意见期间共收到意见建议2条。经研究，采纳2条：在第十二条中明确了红白事办理的标准；"
    "新增第二十条“人居环境”，写入门前三包和垃圾分类。感谢广大村民的关注和支持。"
)


def _user(username):
    return User.objects.filter(username=username).first()


def load(loader) -> None:
    qukou = Organisation.objects.filter(code="qukou").first()
    clerk, reviewer, admin = _user("qukou_clerk"), _user("qukou_reviewer"), _user("qukou_admin")
    if qukou is None or None in (clerk, reviewer, admin):
        return
    today = timezone.localdate()
    calendar = calendar_for(qukou)
    made = _questions(qukou, clerk, today, calendar)
    made += _consultations(qukou, clerk, reviewer, today, calendar)
    made += _responses(qukou, clerk, today)
    made += _late_township(loader, qukou.parent, today)
    if made:
        loader.created.append(f"政民互动与督查演示记录 {made} 条")


def _questions(qukou, clerk, today, calendar) -> int:
    made = 0
    for subject, body, name, phone, days_ago, answer, private in QUESTIONS:
        if Question.objects.filter(organisation=qukou, subject=subject).exists():
            continue
        received = calendar.add_workdays(today, -days_ago)
        question = services.question_submit(
            organisation=qukou,
            subject=subject,
            body=body,
            asker_name=name,
            asker_phone=phone,
            wants_private=private,
            today=received,
            is_demo=True,
        )
        if answer:
            answered = min(calendar.add_workdays(received, 3), today)
            services.question_answer(question=question, actor=clerk, answer=answer, today=answered)
        made += 1
    return made


def _draft(qukou, title, published_on, calendar):
    existing = Disclosure.objects.filter(organisation=qukou, title=title).first()
    if existing:
        return existing
    return importing.disclosure_import_one(
        organisation=qukou,
        actor=ACTOR,
        calendar=calendar,
        data={
            "title": title,
            "kind": Kind.DRAFT_FOR_COMMENT,
            "written_on": published_on,
            "published_on": published_on,
            "summary": "现将修订稿全文公布，公开征求社会各界意见。",
            "body": "<p>第一条 为推进乡村治理……（征求意见稿全文）</p>",
        },
    )


def _consultations(qukou, clerk, reviewer, today, calendar) -> int:
    made = 0
    closed_title = "渠口乡村规民约修订（征求意见稿）"
    if not Consultation.objects.filter(organisation=qukou, title=closed_title).exists():
        opened = calendar.add_workdays(today, -30)
        draft = _draft(qukou, closed_title, opened, calendar)
        consultation = services.consultation_open(
            organisation=qukou,
            actor=clerk,
            draft=draft,
            open_workdays=15,
            opens_on=opened,
            title=closed_title,
        )
        for name, body in COMMENTS:
            comment = services.comment_submit(
                consultation=consultation,
                name=name,
                body=body,
                today=calendar.add_workdays(opened, 3),
                is_demo=True,
            )
            services.comment_moderate(comment=comment, actor=reviewer, approve=True)
        services.consultation_close(
            consultation=consultation, actor=None, today=consultation.closes_on + dt.timedelta(days=1)
        )
        services.consultation_publish_feedback(
            consultation=consultation,
            actor=reviewer,
            feedback=FEEDBACK,
            today=min(calendar.add_workdays(consultation.closes_on, 5), today),
        )
        made += 1
    open_title = "渠口乡农村人居环境整治实施方案（征求意见稿）"
    if not Consultation.objects.filter(organisation=qukou, title=open_title).exists():
        opened = calendar.add_workdays(today, -3)
        draft = _draft(qukou, open_title, opened, calendar)
        consultation = services.consultation_open(
            organisation=qukou, actor=clerk, draft=draft, open_workdays=20, opens_on=opened, title=open_title
        )
        services.comment_submit(
            consultation=consultation,
            name="",
            body="建议每个村配备专职保洁员，并公开保洁经费使用情况。",
            today=today,
            is_demo=True,
        )
        made += 1
    return made


def _responses(qukou, clerk, today) -> int:
    made = 0
    question = Question.objects.filter(organisation=qukou, subject="村道硬化什么时候开工").first()
    draft = Disclosure.objects.filter(organisation=qukou, title="渠口乡村规民约修订（征求意见稿）").first()
    for kind, channel, days_ago, subject, links in [
        ("concern", "hotline_12345", 35, "12345转办：六顷地村村道硬化诉求", {"question": question}),
        ("interpretation", "press", 12, "村规民约修订答记者问", {"disclosures": [draft] if draft else []}),
    ]:
        if Response.objects.filter(organisation=qukou, subject=subject).exists():
            continue
        services.response_create(
            organisation=qukou,
            actor=clerk,
            kind=kind,
            channel=channel,
            responded_on=today - dt.timedelta(days=days_ago),
            subject=subject,
            is_demo=True,
            **links,
        )
        made += 1
    return made


def _late_township(loader, county, today) -> int:
    """黄渠桥镇: stale 工作动态 (last item 40 days ago), an item published after its Art. 26 date, an application past
    its due date; its report for last year is never published by the demo."""
    if county is None:
        return 0
    town = loader.org(
        county,
        "huangquqiao",
        kind=OrgKind.TOWNSHIP,
        name="黄渠桥镇人民政府",
        short_name="黄渠桥镇",
        region_code="640221101",
    )
    calendar = calendar_for(town)
    made = 0
    items = [
        ("黄渠桥镇召开安全生产工作会议", Kind.NEWS, today - dt.timedelta(days=40), 2),
        ("黄渠桥镇关于冬季供暖的通知", Kind.NOTICE, today - dt.timedelta(days=60), 2),
        (
            "黄渠桥镇人民政府关于印发农村厕所改造实施方案的通知",
            Kind.DOCUMENT,
            today - dt.timedelta(days=20),
            45,
        ),
    ]
    for title, kind, published_on, delay in items:
        if Disclosure.objects.filter(organisation=town, title=title).exists():
            continue
        importing.disclosure_import_one(
            organisation=town,
            actor=ACTOR,
            calendar=calendar,
            data={
                "title": title,
                "kind": kind,
                "written_on": published_on - dt.timedelta(days=delay),
                "published_on": published_on,
                "summary": title,
                "body": f"<p>{title}。</p>",
            },
        )
        made += 1
    title = "黄渠桥镇2025年农村危房改造补助名单"
    if not Application.objects.filter(organisation=town, info_title=title).exists():
        application_services.application_register(
            organisation=town,
            actor=None,
            applicant=LI,
            request=application_services.Request(title, "", "", "paper", "pickup"),
            channel="in_person",
            received_on=calendar.add_workdays(today, -25),
            is_demo=True,
            today=today,
        )
        made += 1
    return made
