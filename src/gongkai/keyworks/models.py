"""Key works (重点工作) shown as one timeline from decision to result, and the kinds they follow.

`WorkKind` and `KindStage` are the kinds as data: those of no organisation are the defaults (keyworks.kinds,
installed by services.kinds_install_defaults), an organisation's own are its customised copies. A `KeyWork` copies its kind's stages
into `WorkStage` rows when it is created, so later edits to the kind never rewrite a running work's plan.
`StageItem` links a catalog item (catalog.Disclosure) to one stage; the catalog knows nothing of it.
"""

from django.conf import settings
from django.db import models

from gongkai.keyworks.rules import RULE_LABELS, Rule
from gongkai.orgs.models import Organisation


class Category(models.TextChoices):
    """五公开 (中办发〔2016〕8号): the five parts of the whole process."""

    DECISION = "decision", "决策公开"
    EXECUTION = "execution", "执行公开"
    MANAGEMENT = "management", "管理公开"
    SERVICE = "service", "服务公开"
    RESULT = "result", "结果公开"


RULE_CHOICES = [(rule.value, label) for rule, label in RULE_LABELS.items()]


class WorkKind(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="空：全国通用的默认类型",
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("类型", max_length=60)
    description = models.CharField("说明", max_length=200, blank=True)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        verbose_name = "重点工作类型"
        verbose_name_plural = "重点工作类型"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="keyworks_kind_unique_per_org"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="keyworks_default_kind_code",
            ),
        ]

    def __str__(self):
        return self.name


class StageFields(models.Model):
    """What a kind's stage and a work's stage share."""

    name = models.CharField("阶段", max_length=60)
    category = models.CharField("五公开类别", max_length=20, choices=Category.choices)
    sort_order = models.IntegerField("顺序", default=0)
    rule = models.CharField("时限规则", max_length=20, choices=RULE_CHOICES, default=Rule.NONE)
    rule_days = models.PositiveSmallIntegerField("天数", default=0)
    basis = models.CharField("依据", max_length=200, blank=True)
    note = models.CharField("公开内容", max_length=200, blank=True)

    class Meta:
        abstract = True


class KindStage(StageFields):
    kind = models.ForeignKey(WorkKind, on_delete=models.CASCADE, related_name="stages")

    class Meta:
        verbose_name = "类型阶段"
        verbose_name_plural = "类型阶段"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.kind} · {self.name}"


class KeyWork(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    villages = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name="涉及村（社区）"
    )
    title = models.CharField("名称", max_length=200)
    kind = models.ForeignKey(WorkKind, on_delete=models.PROTECT, related_name="works", verbose_name="类型")
    summary = models.TextField("简介", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    completed_on = models.DateField(
        "关键日期",
        null=True,
        blank=True,
        help_text="完成（竣工、颁证、入住）之日，换届选举为选举日；结果公开的时限由此起算",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="责任人",
    )
    is_public = models.BooleanField("在公开专栏展示", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "重点工作"
        verbose_name_plural = "重点工作"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["organisation", "-starts_on"], name="keywork_org_start")]

    def __str__(self):
        return self.title


class WorkStage(StageFields):
    work = models.ForeignKey(KeyWork, on_delete=models.CASCADE, related_name="stages")
    planned_on = models.DateField("计划公开日期", null=True, blank=True)
    not_applicable = models.BooleanField("不适用", default=False)
    not_applicable_reason = models.CharField("不适用理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "工作阶段"
        verbose_name_plural = "工作阶段"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.work} · {self.name}"


class StageItem(models.Model):
    """One catalog item in one stage of a key work. An item belongs to at most one key work."""

    stage = models.ForeignKey(WorkStage, on_delete=models.CASCADE, related_name="links")
    # By name, as search does: keyworks sits above the catalog and adds nothing to its models.
    disclosure = models.OneToOneField(
        "catalog.Disclosure", on_delete=models.CASCADE, related_name="key_work_link"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "阶段信息"
        verbose_name_plural = "阶段信息"
        ordering = ["id"]

    def __str__(self):
        return f"{self.stage} · #{self.disclosure_id}"
