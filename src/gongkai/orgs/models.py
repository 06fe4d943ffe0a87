from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models


class OrgKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡镇"
    SUBDISTRICT = "subdistrict", "街道"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    DEPARTMENT = "department", "部门"
    STATION = "station", "站所"


GRASSROOTS_KINDS = {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT}
VILLAGE_KINDS = {OrgKind.VILLAGE, OrgKind.COMMUNITY}

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,62}$", "代码只能包含小写字母、数字和连字符，2至63个字符，以字母或数字开头"
)


class Organisation(models.Model):
    """An administrative organ or a village in the tree. `path` (/1/5/9/) makes subtree queries one index scan."""

    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices)
    name = models.CharField("名称", max_length=120)
    short_name = models.CharField("简称", max_length=60, blank=True)
    code = models.CharField("代码", max_length=63, unique=True, validators=[code_validator])
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region_code = models.CharField(
        "行政区划代码",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{6}(\d{3}|\d{6})?$", "行政区划代码应为6、9或12位数字")],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField("排序", default=0)
    disclosure_office = models.ForeignKey(
        "self",
        verbose_name="政府信息公开工作机构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField("办公地址", max_length=200, blank=True)
    postcode = models.CharField(
        "邮政编码", max_length=6, blank=True, validators=[RegexValidator(r"^\d{6}$", "邮政编码应为6位数字")]
    )
    phone = models.CharField("联系电话", max_length=40, blank=True)
    fax = models.CharField("传真", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    website = models.URLField("网站", blank=True)
    is_demo = models.BooleanField("演示数据", default=False)
    # Issue 10 #7: the drafter may not pass the 保密审查 and its reviewer may not approve (catalog.duties).
    separate_review_duties = models.BooleanField(
        "审核职责分离",
        default=True,
        help_text="开启时，起草或提交信息的人员不能进行保密审查，保密审查人员不能审批发布。"
        "仅一名审核人的机构可关闭（操作记入审计日志）。",
    )
    # Issue 14: an office inside a 乡镇 files no annual report of its own unless marked (supervision.facts).
    is_disclosure_organ = models.BooleanField(
        "作为公开主体（单独编报年度报告）",
        default=False,
        help_text="乡镇内设办公室（如党政综合办公室）通常不单独编报年度报告；勾选后列入督查看板，并应单独编报。",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = (
        "kind",
        "name",
        "short_name",
        "code",
        "credit_code",
        "region_code",
        "parent_id",
        "path",
        "sort_order",
        "disclosure_office_id",
        "address",
        "postcode",
        "phone",
        "fax",
        "email",
        "office_hours",
        "website",
        "is_demo",
        "separate_review_duties",
        "is_disclosure_organ",
    )

    class Meta:
        ordering = ["path", "sort_order", "id"]
        verbose_name = "机构"
        verbose_name_plural = "机构"

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def subtree(self):
        return Organisation.objects.filter(path__startswith=self.path)

    def ancestors(self):
        ids = self.ancestor_ids()[:-1]
        return sorted(Organisation.objects.filter(id__in=ids), key=lambda o: o.depth)

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS


class Role(models.TextChoices):
    ADMIN = "admin", "管理员"
    REVIEWER = "reviewer", "审核人"
    CLERK = "clerk", "经办人"
    VILLAGE_CLERK = "village_clerk", "村级信息员"
    READONLY = "readonly", "只读"
    # 三员分立 (GB/T 22239-2019 8.1.5): ADMIN above is the 系统管理员; these two are the other administrators.
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


class Membership(models.Model):
    """A role a user holds on an organisation and everything below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("user_id", "organisation_id", "role")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class Duty(models.TextChoices):
    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"


class StaffMember(models.Model):
    """One person's place in an organisation's disclosure-work roster for one year."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="staff"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    name = models.CharField("姓名", max_length=40)
    position = models.CharField("职务", max_length=60, blank=True)
    duty = models.CharField("专兼职", max_length=16, choices=Duty.choices)
    is_lead = models.BooleanField("负责人", default=False)
    started_on = models.DateField("起始日期", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)

    AUDIT_FIELDS = (
        "organisation_id",
        "year",
        "name",
        "position",
        "duty",
        "is_lead",
        "started_on",
        "ended_on",
    )

    class Meta:
        ordering = ["organisation", "-year", "-is_lead", "duty", "name"]
        verbose_name = "信息公开工作人员"
        verbose_name_plural = "信息公开工作人员"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="staff_end_after_start",
                violation_error_message="终止日期不能早于起始日期",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_duty_display()}）"


class GroupRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


class LeadershipGroupMember(models.Model):
    """A member of the organisation's 政务公开领导小组."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="leadership_group"
    )
    name = models.CharField("姓名", max_length=40)
    position = models.CharField("职务", max_length=60, blank=True)
    group_role = models.CharField(
        "小组职务", max_length=16, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    started_on = models.DateField("起始日期", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)

    AUDIT_FIELDS = ("organisation_id", "name", "position", "group_role", "started_on", "ended_on")

    class Meta:
        ordering = ["organisation", "group_role", "name"]
        verbose_name = "领导小组成员"
        verbose_name_plural = "领导小组成员"

    def __str__(self):
        return f"{self.name}（{self.get_group_role_display()}）"


class TrainingSession(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="trainings"
    )
    held_on = models.DateField("培训日期")
    topic = models.CharField("培训主题", max_length=200)
    attendee_count = models.PositiveIntegerField("参训人数", default=0)
    attendees = models.TextField("参训人员", blank=True)
    note = models.TextField("备注", blank=True)

    AUDIT_FIELDS = ("organisation_id", "held_on", "topic", "attendee_count", "attendees", "note")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = "培训"
        verbose_name_plural = "培训"

    def __str__(self):
        return f"{self.held_on} {self.topic}"


class Funding(models.Model):
    """Dedicated disclosure-work funding (专项经费) of one organisation in one year, in 万元."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="funding"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    amount_wan = models.DecimalField(
        "金额（万元）", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    purpose = models.CharField("用途", max_length=200)
    source_note = models.CharField("来源说明", max_length=200, blank=True)

    AUDIT_FIELDS = ("organisation_id", "year", "amount_wan", "purpose", "source_note")

    class Meta:
        ordering = ["organisation", "-year", "id"]
        verbose_name = "专项经费"
        verbose_name_plural = "专项经费"

    def __str__(self):
        return f"{self.year} {self.amount_wan} 万元"
