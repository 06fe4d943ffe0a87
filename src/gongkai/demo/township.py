"""The demo township: 宁夏回族自治区 > 石嘴山市 > 平罗县 > 渠口乡 with 13 villages, its staff and funding.

Contact details are exactly those of the real 2018 annual report; village names, people and
accounts are invented and marked as demo data.
"""

import datetime
from decimal import Decimal

from gongkai.accounts.models import User
from gongkai.orgs.models import (
    Duty,
    Funding,
    GroupRole,
    LeadershipGroupMember,
    Membership,
    Organisation,
    OrgKind,
    Role,
    StaffMember,
    TrainingSession,
)
from gongkai.orgs.services import org_insert

DEMO_PASSWORD = "Gongkai-Demo-2026"

QUKOU_CONTACT = {
    "address": "石嘴山市平罗县渠口乡301省道以北渠口村四队",
    "postcode": "753400",
    "phone": "0952-6860685",
    "email": "qukouzhengfu@163.com",
    "office_hours": "法定工作日 上午8:30—12:00，下午14:30—18:00",
    "website": "http://www.pingluo.gov.cn/",
}

VILLAGES = [
    ("渠口村", "qukoucun"),
    ("六顷地村", "liuqingdi"),
    ("太沙村", "taisha"),
    ("永光村", "yongguang"),
    ("平原村", "pingyuan"),
    ("星火村", "xinghuo"),
    ("丰庆村", "fengqing"),
    ("沿河村", "yanhe"),
    ("通伏村", "tongfu"),
    ("长胜村", "changsheng"),
    ("新星村", "xinxing"),
    ("礼和村", "lihe"),
    ("镇朔村", "zhenshuo"),
]

# Invented people for the 2018 roster: 15 in disclosure work, 14 专职 and 1 兼职, as the 2018 report says.
TOWNSHIP_STAFF_2018 = [
    ("马建军", "党政办主任", Duty.FULL_TIME, True),
    ("杨晓梅", "党政办干事", Duty.PART_TIME, False),
]
VILLAGE_CLERK_NAMES = [
    "王海燕",
    "李志强",
    "张丽娟",
    "刘建华",
    "陈玉兰",
    "杨国庆",
    "赵小红",
    "黄文斌",
    "周秀英",
    "吴永福",
    "徐静",
    "孙立新",
    "马金花",
]

LEADERSHIP = [
    ("何志明", "乡长", GroupRole.LEADER),
    ("田红霞", "副乡长", GroupRole.DEPUTY),
    ("马建军", "党政办主任", GroupRole.MEMBER),
    ("丁文涛", "财政所所长", GroupRole.MEMBER),
    ("沙玉珍", "民政办主任", GroupRole.MEMBER),
]

TRAININGS_2018 = [
    (datetime.date(2018, 3, 16), "政务公开工作要点及信息发布规范培训", 28),
    (datetime.date(2018, 9, 12), "村务公开栏更新与低保公示去标识化培训", 30),
]

DEMO_ACCOUNTS = [
    # username, display name, organisation code, role
    ("pingluo_admin", "平罗县政务公开办（演示）", "pingluo", Role.ADMIN),
    ("pingluo_viewer", "县级督查（演示）", "pingluo", Role.READONLY),
    ("pingluo_security", "县安全管理员（演示）", "pingluo", Role.SECURITY_ADMIN),
    ("pingluo_audit", "县审计管理员（演示）", "pingluo", Role.AUDIT_ADMIN),
    ("qukou_admin", "渠口乡管理员（演示）", "qukou", Role.ADMIN),
    ("qukou_reviewer", "渠口乡审核人（演示）", "qukou", Role.REVIEWER),
    ("qukou_clerk", "渠口乡经办人（演示）", "qukou", Role.CLERK),
    ("qukoucun_clerk", "渠口村信息员（演示）", "qukoucun", Role.VILLAGE_CLERK),
]


class Loader:
    """Creates what is missing and counts what it created, so a second run changes nothing."""

    def __init__(self):
        self.created: list[str] = []

    def org(self, parent, code, **fields) -> Organisation:
        existing = Organisation.objects.filter(code=code).first()
        if existing:
            return existing
        organisation = org_insert(parent=parent, code=code, is_demo=True, **fields)
        self.created.append(f"机构 {organisation.name}")
        return organisation

    def get_or_create(self, model, lookup: dict, defaults: dict | None = None):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **(defaults or {}))
            obj.full_clean()
            obj.save()
            self.created.append(f"{model._meta.verbose_name} {obj}")
        return obj


def load(loader: Loader) -> None:
    ningxia = loader.org(
        None, "ningxia", kind=OrgKind.PROVINCE, name="宁夏回族自治区", short_name="宁夏", region_code="640000"
    )
    shizuishan = loader.org(ningxia, "shizuishan", kind=OrgKind.CITY, name="石嘴山市", region_code="640200")
    pingluo = loader.org(
        shizuishan,
        "pingluo",
        kind=OrgKind.COUNTY,
        name="平罗县人民政府",
        short_name="平罗县",
        region_code="640221",
        website="http://www.pingluo.gov.cn/",
    )
    qukou = loader.org(
        pingluo,
        "qukou",
        kind=OrgKind.TOWNSHIP,
        name="渠口乡人民政府",
        short_name="渠口乡",
        credit_code="11640221MB1959741M",
        region_code="640221205",
        **QUKOU_CONTACT,
    )
    office = loader.org(
        qukou,
        "qukou-dangzhengban",
        kind=OrgKind.DEPARTMENT,
        name="渠口乡党政综合办公室",
        short_name="党政办",
        sort_order=0,
        phone="0952-6860685",
    )
    if qukou.disclosure_office_id is None:
        qukou.disclosure_office = office
        qukou.save(update_fields=["disclosure_office"])
        loader.created.append("政府信息公开工作机构 党政办")
    villages = []
    for index, (name, code) in enumerate(VILLAGES, start=1):
        villages.append(
            loader.org(
                qukou,
                code,
                kind=OrgKind.VILLAGE,
                name=f"渠口乡{name}",
                short_name=name,
                sort_order=index,
                address=f"平罗县渠口乡{name}村委会",
            )
        )

    for name, position, duty, is_lead in TOWNSHIP_STAFF_2018:
        loader.get_or_create(
            StaffMember,
            {"organisation": qukou, "year": 2018, "name": name},
            {"position": position, "duty": duty, "is_lead": is_lead, "started_on": datetime.date(2018, 1, 1)},
        )
    for village, name in zip(villages, VILLAGE_CLERK_NAMES, strict=True):
        loader.get_or_create(
            StaffMember,
            {"organisation": village, "year": 2018, "name": name},
            {"position": "村级信息员", "duty": Duty.FULL_TIME, "started_on": datetime.date(2018, 1, 1)},
        )
    for name, position, group_role in LEADERSHIP:
        loader.get_or_create(
            LeadershipGroupMember,
            {"organisation": qukou, "name": name},
            {"position": position, "group_role": group_role, "started_on": datetime.date(2018, 1, 8)},
        )
    for held_on, topic, count in TRAININGS_2018:
        loader.get_or_create(
            TrainingSession,
            {"organisation": qukou, "held_on": held_on, "topic": topic},
            {"attendee_count": count},
        )
    loader.get_or_create(
        Funding,
        {
            "organisation": qukou,
            "year": 2018,
            "purpose": "政务公开专项经费（公开栏更新、信息化建设、人员培训）",
        },
        {"amount_wan": Decimal("2.21"), "source_note": "2018年度政府信息公开工作年度报告"},
    )

    for username, display_name, org_code, role in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=display_name, email=f"{username}@demo.invalid")
            user.set_password(DEMO_PASSWORD)
            user.save()
            loader.created.append(f"演示账号 {username}")
        loader.get_or_create(
            Membership, {"user": user, "organisation": Organisation.objects.get(code=org_code), "role": role}
        )
