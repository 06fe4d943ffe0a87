from django.conf import settings
from django.db import models

from gongkai.orgs.models import Organisation

# 公开渠道和载体: the fixed checklist of the standard catalog, in its order.
CATALOG_CHANNELS = [
    ("website", "政府网站"),
    ("gazette", "政府公报"),
    ("new_media", "两微一端"),
    ("press_hearing", "发布会/听证会"),
    ("broadcast", "广播电视"),
    ("print_media", "纸质媒体"),
    ("reading_point", "公开查阅点"),
    ("service_centre", "政务服务中心"),
    ("service_station", "便民服务站"),
    ("door_to_door", "入户/现场"),
    ("notice_board", "社区/企事业单位/村公示栏（电子屏）"),
    ("targeted_push", "精准推送"),
    ("other", "其他"),
]


class CatalogArea(models.Model):
    """A 领域 of the 基层政务公开标准目录 (26 standard areas; provinces add their own)."""

    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("领域", max_length=60, unique=True)
    is_standard = models.BooleanField("标准领域", default=True)

    class Meta:
        ordering = ["number", "id"]
        verbose_name = "目录领域"
        verbose_name_plural = "目录领域"

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    PUBLIC = "public", "全社会"
    SPECIFIC_GROUP = "specific_group", "特定群众"


class Mode(models.TextChoices):
    PROACTIVE = "proactive", "主动公开"
    ON_APPLICATION = "on_application", "依申请公开"


class CatalogEntry(models.Model):
    """One row of a disclosure catalog. organisation=None: the standard template that organisations adopt."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="catalog_entries",
    )
    area = models.ForeignKey(
        CatalogArea,
        verbose_name="领域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    statutory_article = models.CharField(
        "法定主动公开条款", max_length=20, blank=True, help_text="如 第二十条第（一）项；非法定条目留空"
    )
    level1 = models.CharField("一级事项", max_length=120)
    level2 = models.CharField("二级事项", max_length=120, blank=True)
    elements = models.TextField("公开内容（要素）", blank=True)
    legal_basis = models.TextField("公开依据", blank=True)
    time_limit = models.CharField("公开时限", max_length=200, blank=True)
    responsible_org = models.CharField("公开主体", max_length=200, blank=True)
    channels = models.JSONField("公开渠道和载体", default=list, blank=True)
    audience = models.CharField("公开对象", max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    mode = models.CharField("公开方式", max_length=20, choices=Mode.choices, default=Mode.PROACTIVE)
    levels = models.JSONField("公开层级", default=list, blank=True)
    sort_order = models.IntegerField("排序", default=0)
    standard_key = models.CharField(
        max_length=80, blank=True, db_index=True, help_text="标准目录条目的稳定编号"
    )

    AUDIT_FIELDS = (
        "organisation_id",
        "area_id",
        "statutory_article",
        "level1",
        "level2",
        "elements",
        "legal_basis",
        "time_limit",
        "responsible_org",
        "channels",
        "audience",
        "mode",
        "levels",
        "sort_order",
    )

    class Meta:
        ordering = ["organisation", "area__number", "sort_order", "id"]
        verbose_name = "目录条目"
        verbose_name_plural = "目录条目"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "standard_key"],
                condition=~models.Q(standard_key=""),
                name="catalog_entry_standard_once_per_org",
            )
        ]

    def __str__(self):
        return f"{self.level1} / {self.level2}" if self.level2 else self.level1

    def channel_labels(self) -> list[str]:
        labels = dict(CATALOG_CHANNELS)
        return [labels.get(code, code) for code in self.channels]


class SubjectClass(models.Model):
    """主题分类: the State Council two-level tree, kept as editable data."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField("名称", max_length=60)
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="subject_unique_name_under_parent")
        ]

    def __str__(self):
        return f"{self.parent.name}\\{self.name}" if self.parent_id else self.name


class Kind(models.TextChoices):
    DOCUMENT = "document", "公文"
    NOTICE = "notice", "通知公告"
    NEWS = "news", "工作动态"
    INTERPRETATION = "interpretation", "政策解读"
    POSTING = "posting", "公示"
    # The organ's own rules of disclosure work (工作制度, 保密审查制度 …): the column's 政府信息公开制度.
    DISCLOSURE_RULES = "disclosure_rules", "政府信息公开制度"
    DRAFT_FOR_COMMENT = "draft_for_comment", "征求意见稿"  # the draft of a 意见征集 (participation app)
    OTHER = "other", "其他"


class DocumentClass(models.TextChoices):
    """What kind of 公文: it decides Table A's rows (规章 only for organs with that power)."""

    ORDINARY = "ordinary", "其他公文"
    NORMATIVE = "normative", "行政规范性文件"
    RULE = "rule", "规章"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SECRECY_REVIEW = "secrecy_review", "待审核"
    APPROVAL = "approval", "待审批"
    PUBLISHED = "published", "已发布"
    RETRACTED = "retracted", "已撤回"


# The workflow as data: from-state → the states it may move to.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SECRECY_REVIEW},
    Status.SECRECY_REVIEW: {Status.APPROVAL, Status.DRAFT},
    Status.APPROVAL: {Status.PUBLISHED, Status.DRAFT},
    Status.PUBLISHED: {Status.RETRACTED},
    Status.RETRACTED: set(),
}


class Disclosure(models.Model):
    """A piece of government information (信息) published proactively, with its official metadata."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="发布机构", on_delete=models.PROTECT, related_name="disclosures"
    )
    index_no = models.CharField("索引号", max_length=80, unique=True, null=True, blank=True)
    title = models.CharField("名称", max_length=300)
    summary = models.TextField("内容概述", blank=True)
    body = models.TextField("正文", blank=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    document_class = models.CharField(
        "公文种类", max_length=20, choices=DocumentClass.choices, default=DocumentClass.ORDINARY
    )
    doc_no = models.CharField("文号", max_length=80, blank=True)
    is_forwarded = models.BooleanField(
        "转发上级文件", default=False, help_text="转发上级机关的文件不计入本机关“制发各类文件”"
    )
    written_on = models.DateField("成文日期")
    published_on = models.DateField("发布日期", null=True, blank=True)
    publish_at = models.DateTimeField("定时发布时间", null=True, blank=True)
    subject = models.ForeignKey(
        SubjectClass, verbose_name="主题分类", null=True, blank=True, on_delete=models.PROTECT
    )
    catalog_entry = models.ForeignKey(
        CatalogEntry,
        verbose_name="目录条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    validity = models.CharField("有效性", max_length=20, choices=Validity.choices, default=Validity.VALID)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    amended_on = models.DateField("修改日期", null=True, blank=True)
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    mode = models.CharField("公开方式", max_length=20, choices=Mode.choices, default=Mode.PROACTIVE)
    audience = models.CharField("公开对象", max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    interprets = models.ForeignKey(
        "self",
        verbose_name="所解读的文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpretations",
    )
    posting_days = models.PositiveSmallIntegerField("公示期（工作日）", null=True, blank=True)
    posting_table = models.JSONField(
        "公示名单",
        null=True,
        blank=True,
        help_text='{"columns": [列名…], "rows": [[单元格…]…]}，仅含脱敏后的公开列',
    )
    # The 公示期, stored on publication by catalog.posting.posting_period and read everywhere.
    posting_starts_on = models.DateField("公示开始日期", null=True, blank=True)
    posting_ends_on = models.DateField("公示截止日期", null=True, blank=True)
    # Art. 26: 20 working days from 成文日期, on the organisation's calendar when the item was last saved.
    due_on = models.DateField("公开时限", null=True, blank=True)
    due_provisional = models.BooleanField("时限为暂定", default=False)
    approved_at = models.DateTimeField("审批通过时间", null=True, blank=True)
    # the channel targets the approver chose for a scheduled publication (None: the default set at publication)
    channel_targets = models.JSONField("审批选定的发布渠道", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    privacy_override = models.TextField("隐私检查放行理由", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = (
        "organisation_id",
        "index_no",
        "title",
        "summary",
        "kind",
        "document_class",
        "doc_no",
        "is_forwarded",
        "written_on",
        "published_on",
        "publish_at",
        "subject_id",
        "catalog_entry_id",
        "validity",
        "effective_on",
        "amended_on",
        "repealed_on",
        "mode",
        "audience",
        "interprets_id",
        "posting_days",
        "posting_starts_on",
        "posting_ends_on",
        "due_on",
        "status",
        "approved_at",
        "privacy_override",
    )

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = "政府信息"
        verbose_name_plural = "政府信息"
        indexes = [
            models.Index(fields=["status", "-published_on", "-id"], name="disclosure_public_order"),
            models.Index(fields=["organisation", "status", "-published_on"], name="disclosure_org_order"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_late(self) -> bool:
        """Art. 26: published after the 20-working-day limit."""
        return bool(self.published_on and self.due_on and self.published_on > self.due_on)

    @property
    def is_scheduled(self) -> bool:
        return self.status == Status.APPROVAL and self.approved_at is not None


class DisclosureEvent(models.Model):
    """One step of the workflow: who moved the item from which state to which, when, and why."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    comment = models.TextField("意见", blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Attachment(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    file_type = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    extracted_text = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class IndexCounter(models.Model):
    """The last 索引号 serial given per organisation and year; serials are never reused."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="index_counter_once")]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last_serial}"


class UploadPreview(models.Model):
    """An uploaded 公示 list between upload and the creation of its draft (catalog.uploads).

    The raw table holds ID numbers and phone numbers, so it lives here, never in the session: the session
    carries only `token`. Deleted when the draft is created, and worthless after `expires_at` (purged by
    `gongkai catalog purge_uploads` and `gongkai publish_due`)."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    headers = models.JSONField()
    rows = models.JSONField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.organisation_id}: {len(self.rows)} rows until {self.expires_at:%Y-%m-%d %H:%M}"
