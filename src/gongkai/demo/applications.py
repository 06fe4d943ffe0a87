"""Demo 依申请公开 data for 渠口乡 (qukou) and 平罗县 (pingluo), 2019–2026.

Covers every Table B decision type, corrections, both kinds of consultation, an extension, fees (paid and unpaid),
carry-overs across years, a 行政复议 and a 行政诉讼, two 举报投诉 — none in 2018 (the 2018 report says none were
received) — and open cases whose due dates, computed by the clock from today's date, fall around today.

Applicants are invented. Their ID numbers have valid check characters (the intake validates them) but belong to
nobody; they are stored encrypted and never shown publicly. Everything goes through the services, so the events,
clock rules and audit rows are the real ones. Idempotent: a case is looked up by its organisation and title.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.core.identifiers import credit_code_check_char, id_check_char
from gongkai.orgs.models import Organisation
from gongkai.oversight import services as oversight_services
from gongkai.oversight.models import Complaint, Remedy
from gongkai.workdays.queries import calendar_for

D = dt.date

REPLIES = {
    "granted": "经查，您申请的信息属于本机关公开范围，现将相关信息提供给您，请查收。",
    "partly_granted": "经查，您申请的信息中含有涉及个人隐私的内容，本机关已作区分处理，现将可以公开的部分提供给您。",
    "refuse_state_secret": "经查，您申请的信息经依法确定为国家秘密，不予公开。",
    "refuse_prohibited_by_law": "经查，您申请的信息属于统计调查中获得的能够识别单个统计调查对象的资料，依照《中华人民共和国统计法》第二十五条的规定不得对外提供，不予公开。",
    "refuse_security_stability": "经审查，您申请的信息公开后可能危及社会稳定，不予公开。",
    "refuse_third_party": "经书面征求第三方意见，第三方不同意公开且理由合理，该信息涉及第三方个人隐私，不予公开。",
    "refuse_internal_affairs": "您申请的信息属于本机关人事管理、内部考核等内部事务信息，不予公开。",
    "refuse_process_info": "您申请的信息属于本机关履行行政管理职能过程中形成的讨论记录，不予公开。",
    "refuse_enforcement_file": "您申请的信息属于行政执法案卷信息，不予公开。",
    "refuse_admin_query": "您申请查询的不动产登记信息，依法应通过不动产登记机构的查询程序办理，请您携带身份证明前往平罗县不动产登记中心查询。",
    "unable_not_held": "经查，本机关未制作、获取您申请的信息。该工程由平罗县水务局组织实施，建议您向平罗县水务局咨询。",
    "unable_needs_creation": "经查，本机关没有现成的逐年汇总表，需要对现有数据进行加工、分析才能形成，本机关不予另行制作。",
    "unable_unclear_after_correction": "经补正后，您的申请内容仍不明确，本机关无法确定您所需的政府信息，无法提供。",
    "not_handled_petition": "您的申请实为反映问题、要求调查处理，属于信访、投诉类诉求，本机关已告知您通过信访渠道提出，不作为政府信息公开申请处理。",
    "not_handled_repeat": "您申请的信息本机关已于2019年3月22日向您作出答复，本次申请属于重复申请，不予重复处理。",
    "not_handled_publication": "您申请获取的是公开出版物，请您通过公开发行渠道获取，本机关不予提供。",
    "not_handled_excessive": "您在短期内申请获取本机关近五年全部文件、纪要及凭证，申请数量明显超出合理范围且未说明理由，本机关不予处理。",
    "not_handled_reissue": "您要求本机关对已获取的政府信息重新出具并加盖公章，不属于政府信息公开申请的处理范围。",
    "other_misc": "申请人于答复前书面撤回申请，本机关终止办理。",
}


def person_id(birth: str, seq: int) -> str:
    first = f"640221{birth}{seq:03d}"
    return first + id_check_char(first)


def credit_code(body: str) -> str:
    return body + credit_code_check_char(body)


def person(name, birth, seq, phone, address):
    return services.Applicant("natural_person", "", name, person_id(birth, seq), phone, address, "")


def org(column, name, body, phone, email=""):
    return services.Applicant("organisation", column, name, credit_code(body), phone, "", email)


MA = person("马文礼", "19680412", 31, "13995016021", "宁夏石嘴山市平罗县渠口乡六顷地村三队")
ZHANG = person("张玉兰", "19750923", 42, "13895207733", "宁夏石嘴山市平罗县渠口乡渠口村五队")
LI = person("李志成", "19820105", 15, "15809528810", "宁夏石嘴山市平罗县渠口乡太沙村二队")
WANG = person("王海军", "19900617", 57, "18709521146", "宁夏石嘴山市平罗县渠口乡永光村一队")
SHA = person("沙秀英", "19630830", 24, "13709526602", "宁夏石嘴山市平罗县渠口乡平原村四队")
DING = person("丁学军", "19781120", 3, "13895201234", "宁夏石嘴山市平罗县城关镇鼓楼街18号")
YANG = person("杨建国", "19850715", 1, "13995012345", "宁夏石嘴山市平罗县渠口乡星火村六队")
HE = person("何晓燕", "19930304", 68, "17709523390", "宁夏银川市兴庆区解放东街125号")
BUSINESS = org("business", "平罗县塞上农业发展有限公司", "91640221MA76A1B2C", "0952-6012345")
BUSINESS_2 = org("business", "宁夏沙湖建材有限公司", "91640221MA75Q8L3X", "0952-6023481")
LAWYER = org(
    "legal_service", "宁夏塞上律师事务所", "31640000MD1234567", "0951-5012345", "office@saishang-law.example"
)
RESEARCH = org("research", "宁夏农林科学院农业经济与信息技术研究所", "12640000MB0123456", "0951-6886000")
NONPROFIT = org("nonprofit", "石嘴山市乡村振兴公益服务中心", "52640200MJ0012345", "0952-2016688")
VILLAGE_COMMITTEE = org(
    "other_org", "平罗县渠口乡六顷地村股份经济合作社", "N2640221MF1234567", "0952-6861102"
)


def R(title, doc_no="", description=""):  # noqa: N802 — reads like a form
    return services.Request(title, doc_no, description, "paper", "pickup")


# (organisation code, received_on, channel, applicant, request, steps)
# steps: ("decide", date, code) ("correction", date, deadline, items) ("corrected", date) ("abandon", date)
#        ("consult", date, party, consulted) ("consulted", date, party) ("extend", date, workdays, reason)
#        ("fee", date, basis, quantity) ("paid", date, amount) ("deliver", date, method) ("archive", date)
CASES = [
    (
        "qukou",
        D(2019, 3, 11),
        "in_person",
        MA,
        R("渠口乡2018年度城乡低保资金发放明细"),
        [
            ("decide", D(2019, 3, 22), "granted"),
            ("deliver", D(2019, 3, 25), "pickup"),
            ("archive", D(2019, 4, 1)),
        ],
    ),
    (
        "qukou",
        D(2019, 6, 17),
        "post",
        ZHANG,
        R("六顷地村2019年宅基地审批名单及审批表"),
        [
            ("consult", D(2019, 6, 19), "third_party", "六顷地村宅基地申请户（共6户）"),
            ("consulted", D(2019, 6, 28), "third_party"),
            ("decide", D(2019, 7, 10), "refuse_third_party"),
            ("deliver", D(2019, 7, 12), "post"),
            ("archive", D(2019, 7, 20)),
        ],
    ),
    (
        "qukou",
        D(2019, 9, 16),
        "in_person",
        MA,
        R("渠口乡2018年度城乡低保资金发放明细"),
        [("decide", D(2019, 9, 20), "not_handled_repeat"), ("deliver", D(2019, 9, 20), "pickup")],
    ),
    (
        "qukou",
        D(2019, 7, 8),
        "online",
        BUSINESS,
        R("渠口乡2019年设施农业补贴申报指南"),
        [("decide", D(2019, 7, 15), "granted")],
    ),
    (
        "qukou",
        D(2019, 12, 23),
        "letter",
        LI,
        R("渠口乡2019年冬季清洁取暖补贴发放标准"),
        [("decide", D(2020, 1, 10), "granted"), ("deliver", D(2020, 1, 13), "post")],
    ),
    (
        "qukou",
        D(2020, 5, 11),
        "in_person",
        WANG,
        R("", "", "反映永光村村干部在低保评定中优亲厚友，要求乡政府调查处理并公开调查结果"),
        [("decide", D(2020, 5, 18), "not_handled_petition")],
    ),
    (
        "qukou",
        D(2020, 7, 6),
        "online",
        SHA,
        R("渠口乡2020年机关干部考勤记录和年度考核结果"),
        [("decide", D(2020, 7, 20), "refuse_internal_affairs")],
    ),
    (
        "qukou",
        D(2020, 9, 7),
        "in_person",
        YANG,
        R("渠口乡党委2020年第8次会议讨论记录"),
        [("decide", D(2020, 9, 25), "refuse_process_info")],
    ),
    (
        "qukou",
        D(2020, 11, 16),
        "online",
        BUSINESS_2,
        R("渠口乡2020年农田水利工程招标文件及中标结果"),
        [("decide", D(2020, 11, 27), "unable_not_held")],
    ),
    (
        "qukou",
        D(2021, 3, 15),
        "letter",
        HE,
        R("", "", "要求公开那个补偿款的文件"),
        [
            ("correction", D(2021, 3, 17), D(2021, 3, 31), "请写明补偿款的项目名称、年份及所涉村组"),
            ("corrected", D(2021, 3, 26)),
            ("decide", D(2021, 4, 12), "unable_unclear_after_correction"),
        ],
    ),
    (
        "qukou",
        D(2021, 5, 10),
        "in_person",
        WANG,
        R("", "", "要求公开村里的有关材料"),
        [
            ("correction", D(2021, 5, 12), D(2021, 5, 26), "请写明所需材料的名称、文号或具体内容"),
            ("abandon", D(2021, 5, 27)),
        ],
    ),
    (
        "qukou",
        D(2021, 8, 2),
        "in_person",
        DING,
        R("渠口乡辖区民兵组织编制及武器装备情况"),
        [("decide", D(2021, 8, 16), "refuse_state_secret")],
    ),
    (
        "qukou",
        D(2021, 10, 11),
        "online",
        LI,
        R("《宁夏日报》2021年9月刊登的渠口乡乡村振兴报道原件"),
        [("decide", D(2021, 10, 15), "not_handled_publication")],
    ),
    (
        "qukou",
        D(2022, 6, 13),
        "in_person",
        ZHANG,
        R("要求对2019年已获取的宅基地审批结果加盖公章重新出具"),
        [("decide", D(2022, 6, 20), "not_handled_reissue")],
    ),
    (
        "qukou",
        D(2022, 8, 15),
        "online",
        HE,
        R("渠口乡2017年至2021年全部发文、会议纪要和财务凭证", "", "共约200项，要求逐项提供复印件"),
        [("decide", D(2022, 8, 29), "not_handled_excessive")],
    ),
    (
        "qukou",
        D(2022, 12, 26),
        "post",
        LAWYER,
        R("渠口乡2022年集体土地征收补偿安置方案", "渠政发〔2022〕41号"),
        [
            ("consult", D(2022, 12, 28), "other_organ", "平罗县自然资源局"),
            ("consulted", D(2023, 1, 9), "other_organ"),
            ("decide", D(2023, 1, 20), "granted"),
            ("deliver", D(2023, 1, 30), "post"),
            ("archive", D(2023, 2, 10)),
        ],
    ),
    (
        "qukou",
        D(2023, 4, 10),
        "in_person",
        YANG,
        R("渠口乡2022年违法建设拆除行政处罚案卷（星火村杨某）"),
        [("decide", D(2023, 4, 24), "refuse_enforcement_file"), ("deliver", D(2023, 4, 25), "pickup")],
    ),
    (
        "qukou",
        D(2023, 6, 12),
        "in_person",
        SHA,
        R("本人名下不动产登记信息"),
        [("decide", D(2023, 6, 14), "refuse_admin_query")],
    ),
    (
        "qukou",
        D(2023, 9, 11),
        "online",
        DING,
        R("渠口乡辖区维稳工作重点人员名单"),
        [("decide", D(2023, 9, 22), "refuse_security_stability")],
    ),
    (
        "qukou",
        D(2023, 10, 16),
        "email",
        RESEARCH,
        R("渠口乡2013年至2022年逐年人口与耕地面积统计汇总表"),
        [("decide", D(2023, 11, 6), "unable_needs_creation")],
    ),
    (
        "qukou",
        D(2024, 3, 11),
        "in_person",
        WANG,
        R("渠口乡2023年农业普查中各农户填报的原始调查表"),
        [("decide", D(2024, 3, 25), "refuse_prohibited_by_law")],
    ),
    (
        "qukou",
        D(2024, 5, 13),
        "in_person",
        MA,
        R("渠口乡2019年至2023年惠民惠农补贴“一卡通”发放汇总表（去标识化）"),
        [
            ("fee", D(2024, 5, 20), "per_page", 150),
            ("paid", D(2024, 5, 28), Decimal("1700")),
            ("decide", D(2024, 6, 17), "granted"),
            ("deliver", D(2024, 6, 18), "pickup"),
            ("archive", D(2024, 7, 1)),
        ],
    ),
    (
        "qukou",
        D(2024, 8, 5),
        "online",
        BUSINESS_2,
        R("渠口乡2020年至2023年砂石资源开采审批材料"),
        [("fee", D(2024, 8, 7), "per_page", 80), ("abandon", D(2024, 9, 9))],
    ),
    (
        "qukou",
        D(2024, 10, 14),
        "in_person",
        ZHANG,
        R("渠口乡2014年至2024年土地承包经营权确权登记档案"),
        [
            ("extend", D(2024, 11, 5), 20, "档案年代跨度大，需从乡档案室和县农业农村局调取并逐卷区分处理"),
            ("decide", D(2024, 12, 3), "partly_granted"),
            ("deliver", D(2024, 12, 5), "post"),
        ],
    ),
    (
        "qukou",
        D(2025, 2, 10),
        "online",
        HE,
        R("渠口乡2024年度政府信息公开工作年度报告编制底稿"),
        [("decide", D(2025, 2, 14), "other_misc")],
    ),
    (
        "qukou",
        D(2025, 4, 14),
        "in_person",
        LI,
        R("渠口乡2025年春季农田灌溉用水计划"),
        [("decide", D(2025, 4, 18), "granted"), ("deliver", D(2025, 4, 18), "pickup")],
    ),
    (
        "qukou",
        D(2025, 12, 22),
        "online",
        VILLAGE_COMMITTEE,
        R("渠口乡2025年度农村人居环境整治资金使用情况"),
        [("decide", D(2026, 1, 14), "granted")],
    ),
    (
        "qukou",
        D(2026, 3, 9),
        "email",
        NONPROFIT,
        R("渠口乡2025年困难群众临时救助资金使用情况"),
        [("decide", D(2026, 3, 27), "granted"), ("deliver", D(2026, 3, 27), "email")],
    ),
    # 平罗县
    (
        "pingluo",
        D(2019, 7, 8),
        "online",
        BUSINESS,
        R("平罗县2019年工业园区国有建设用地使用权出让公告"),
        [("decide", D(2019, 7, 19), "granted")],
    ),
    (
        "pingluo",
        D(2020, 10, 12),
        "post",
        LAWYER,
        R("平罗县2020年征收农村集体土地区片综合地价标准"),
        [("decide", D(2020, 10, 30), "partly_granted")],
    ),
    (
        "pingluo",
        D(2021, 12, 27),
        "email",
        RESEARCH,
        R("平罗县2021年地下水位监测数据"),
        [("decide", D(2022, 1, 18), "granted")],
    ),
    (
        "pingluo",
        D(2023, 5, 15),
        "in_person",
        VILLAGE_COMMITTEE,
        R("平罗县2022年农村饮水安全巩固提升工程竣工验收报告"),
        [("decide", D(2023, 6, 2), "granted")],
    ),
    (
        "pingluo",
        D(2024, 7, 1),
        "online",
        NONPROFIT,
        R("平罗县2023年慈善超市运营补助资金拨付明细"),
        [("decide", D(2024, 7, 19), "unable_not_held")],
    ),
    (
        "pingluo",
        D(2025, 9, 26),
        "online",
        DING,
        R("平罗县2025年城乡居民医疗保险缴费标准"),
        [("decide", D(2025, 10, 28), "granted")],
    ),
]

REMEDIES = [
    # (organisation, title of the case, kind, filed_on, body, reference, result, decided_on)
    (
        "qukou",
        "六顷地村2019年宅基地审批名单及审批表",
        "admin_review",
        D(2019, 8, 20),
        "平罗县人民政府",
        "平政复〔2019〕7号",
        "upheld",
        D(2019, 10, 15),
    ),
    (
        "qukou",
        "渠口乡2022年违法建设拆除行政处罚案卷（星火村杨某）",
        "direct",
        D(2023, 7, 3),
        "平罗县人民法院",
        "（2023）宁0221行初15号",
        "upheld",
        D(2023, 11, 20),
    ),
]

COMPLAINTS = [
    (
        "qukou",
        D(2022, 4, 6),
        "phone",
        "六顷地村公开栏低保名单未及时更新",
        "群众来电反映六顷地村村务公开栏2022年第一季度低保名单未更新。",
        "责成六顷地村委会三日内更新公开栏，并对村级信息员进行提醒谈话。",
        "已更新公开栏并回复来电群众。",
        D(2022, 4, 12),
    ),
    (
        "qukou",
        D(2025, 8, 18),
        "online",
        "政府网站乡镇专栏惠农补贴信息发布滞后",
        "网民留言反映渠口乡专栏2025年第二季度惠农补贴信息未按期发布。",
        "核实后补发第二季度惠农补贴信息，完善季度发布提醒。",
        "已补发并在留言板回复。",
        D(2025, 8, 25),
    ),
]


def _apply_step(application, step):
    kind, date, *rest = step
    common = {"application": application, "actor": None, "date": date}
    if kind == "decide":
        return services.application_decide(**common, decision=rest[0], reply_text=REPLIES[rest[0]])
    if kind == "correction":
        return services.application_request_correction(**common, deadline=rest[0], items=rest[1])
    if kind == "corrected":
        return services.application_receive_correction(**common)
    if kind == "abandon":
        return services.application_deem_abandoned(**common)
    if kind == "consult":
        return services.application_open_consultation(**common, party=rest[0], consulted=rest[1])
    if kind == "consulted":
        return services.application_close_consultation(**common, party=rest[0], opinion="已书面回复意见")
    if kind == "extend":
        return services.application_extend(**common, workdays=rest[0], reason=rest[1])
    if kind == "fee":
        return services.application_send_fee_notice(**common, basis=rest[0], quantity=rest[1])
    if kind == "paid":
        return services.application_record_fee_payment(**common, amount_collected=rest[0])
    if kind == "deliver":
        return services.application_deliver(**common, method=rest[0], proof="登记簿记录")
    if kind == "archive":
        return services.application_archive(**common)
    raise ValueError(kind)


def _case(loader, organisation, received_on, channel, applicant, request, steps, *, assignee=None):
    existing = Application.objects.filter(
        organisation=organisation, info_title=request.info_title, received_on=received_on, is_demo=True
    ).first()
    if existing is not None:
        return existing
    application, _code = services.application_register(
        organisation=organisation,
        actor=None,
        applicant=applicant,
        request=request,
        channel=channel,
        received_on=received_on,
        is_demo=True,
        today=max(received_on, timezone.localdate()),
    )
    for step in steps:
        _apply_step(application, step)
    if assignee is not None:
        services.application_assign(application=application, actor=None, assignee=assignee)
    loader.created.append(f"政府信息公开申请 {application.case_number}")
    return application


def load(loader) -> None:
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["qukou", "pingluo"])}
    handlers = {
        "qukou": User.objects.filter(username="qukou_clerk").first(),
        "pingluo": User.objects.filter(username="pingluo_admin").first(),
    }
    clerk = handlers["qukou"]
    for code, received_on, channel, applicant, request, steps in CASES:
        _case(loader, orgs[code], received_on, channel, applicant, request, steps, assignee=handlers[code])

    # Open cases, placed relative to today so that their clocks fall due around now.
    today = timezone.localdate()
    qukou, pingluo = orgs["qukou"], orgs["pingluo"]
    back = calendar_for(qukou).add_workdays
    open_cases = [
        (qukou, back(today, -18), "online", YANG, R("渠口乡2026年高标准农田建设项目资金使用情况"), []),
        (qukou, back(today, -6), "in_person", SHA, R("平原村2026年低保评议会议记录及公示照片"), []),
        (
            qukou,
            back(today, -12),
            "post",
            ZHANG,
            R("渠口村2026年宅基地审批结果"),
            [("consult", back(today, -3), "third_party", "渠口村宅基地申请户（共4户）")],
        ),
        (qukou, back(today, -21), "letter", WANG, R("永光村2026年道路硬化工程预算及结算资料"), []),
    ]
    for organisation, received_on, channel, applicant, request, steps in open_cases:
        _case(loader, organisation, received_on, channel, applicant, request, steps, assignee=clerk)
    corr_received = calendar_for(pingluo).add_workdays(today, -4)
    _case(
        loader,
        pingluo,
        corr_received,
        "online",
        HE,
        R("", "", "要求公开县里关于渠口乡的那份规划"),
        [
            (
                "correction",
                calendar_for(pingluo).add_workdays(today, -2),
                today + dt.timedelta(days=14),
                "请写明规划的名称、文号或发布时间",
            )
        ],
        assignee=handlers["pingluo"],
    )

    for code, title, kind, filed_on, body, reference, result, decided_on in REMEDIES:
        if Remedy.objects.filter(organisation=orgs[code], reference=reference).exists():
            continue
        application = Application.objects.filter(
            organisation=orgs[code], info_title=title, is_demo=True
        ).first()
        oversight_services.remedy_create(
            organisation=orgs[code],
            actor=None,
            kind=kind,
            filed_on=filed_on,
            application=application,
            body=body,
            reference=reference,
            result=result,
            decided_on=decided_on,
            is_demo=True,
        )
        loader.created.append(f"行政复议/行政诉讼 {reference}")
    for code, received_on, channel, subject, content, handling, result, closed_on in COMPLAINTS:
        if Complaint.objects.filter(organisation=orgs[code], subject=subject).exists():
            continue
        oversight_services.complaint_create(
            organisation=orgs[code],
            actor=None,
            received_on=received_on,
            channel=channel,
            subject=subject,
            content=content,
            handling=handling,
            result=result,
            closed_on=closed_on,
            is_demo=True,
        )
        loader.created.append(f"举报投诉 {subject}")
