from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from gongkai.orgs.models import Organisation


class ExternalFigures(models.Model):
    """Yearly figures that live in other systems (行政许可/处罚/强制 decisions, 行政事业性收费), entered with a source."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="external_figures"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    licensing_decisions = models.PositiveIntegerField("行政许可 本年处理决定数量", default=0)
    penalty_decisions = models.PositiveIntegerField("行政处罚 本年处理决定数量", default=0)
    compulsion_decisions = models.PositiveIntegerField("行政强制 本年处理决定数量", default=0)
    admin_fees_wan = models.DecimalField(
        "行政事业性收费 本年收费金额（万元）",
        max_digits=12,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
    )
    # Item counts (事项数量) used only by the 2019 trial format's Table A.
    licensing_items = models.PositiveIntegerField("行政许可 事项数量", default=0)
    other_services_items = models.PositiveIntegerField("其他对外管理服务事项 事项数量", default=0)
    other_services_decisions = models.PositiveIntegerField("其他对外管理服务事项 处理决定数量", default=0)
    penalty_items = models.PositiveIntegerField("行政处罚 事项数量", default=0)
    compulsion_items = models.PositiveIntegerField("行政强制 事项数量", default=0)
    admin_fee_items = models.PositiveIntegerField("行政事业性收费 项目数量", default=0)
    procurement_items = models.PositiveIntegerField("政府集中采购 采购项目数量", default=0)
    procurement_amount_wan = models.DecimalField(
        "政府集中采购 采购总金额（万元）",
        max_digits=12,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
    )
    source_note = models.CharField("数据来源说明", max_length=300)

    AUDIT_FIELDS = (
        "organisation_id",
        "year",
        "licensing_decisions",
        "penalty_decisions",
        "compulsion_decisions",
        "admin_fees_wan",
        "licensing_items",
        "other_services_items",
        "other_services_decisions",
        "penalty_items",
        "compulsion_items",
        "admin_fee_items",
        "procurement_items",
        "procurement_amount_wan",
        "source_note",
    )

    class Meta:
        verbose_name = "外部业务数据"
        verbose_name_plural = "外部业务数据"
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="external_figures_once")]

    def __str__(self):
        return f"{self.organisation} {self.year}"


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    CHECKED = "checked", "已校验"
    PUBLISHED = "published", "已发布"


# The workflow as data: from-state → the states it may move to. Saving the text or checking again keeps a 草稿 or
# 已校验 report where it is (or sends it back to 草稿); a published report never changes (it is the public record).
TRANSITIONS: dict[str, set[str]] = {
    ReportState.DRAFT: {ReportState.DRAFT, ReportState.CHECKED},
    ReportState.CHECKED: {ReportState.CHECKED, ReportState.DRAFT, ReportState.PUBLISHED},
    ReportState.PUBLISHED: set(),
}


class AnnualReport(models.Model):
    """An organisation's 政府信息公开工作年度报告 for one year: its editable narrative and its state.

    The figures are never stored as input: they are computed from the records each time; `snapshot`
    keeps the figures as they were when the report was published.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2008)])
    include_children = models.BooleanField("汇总下级机构", default=True)
    narrative = models.JSONField("正文各部分", default=dict, blank=True)
    state = models.CharField("状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    findings = models.JSONField("校验结果", default=list, blank=True)
    checked_at = models.DateTimeField("校验时间", null=True, blank=True)
    snapshot = models.JSONField("发布时的数据", null=True, blank=True)
    disclosure = models.OneToOneField(
        "catalog.Disclosure",
        verbose_name="发布的信息",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annual_report",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = (
        "organisation_id",
        "year",
        "include_children",
        "narrative",
        "state",
        "published_at",
        "disclosure_id",
    )

    class Meta:
        ordering = ["organisation", "-year"]
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="annual_report_once_per_year")
        ]

    def __str__(self):
        return f"{self.organisation.name}{self.year}年政府信息公开工作年度报告"


class ReportAction(models.TextChoices):
    CREATE = "create", "创建"
    NARRATIVE_SAVE = "narrative_save", "保存正文"
    CHECK = "check", "校验"
    PUBLISH = "publish", "发布"


class ReportEvent(models.Model):
    """One step of a report's workflow: who did what, from which state to which, and when."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20, choices=ReportAction.choices)
    from_state = models.CharField(max_length=20, choices=ReportState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ReportState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    comment = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "年度报告流转记录"
        verbose_name_plural = "年度报告流转记录"

    def __str__(self):
        return f"{self.get_action_display()}：{self.get_from_state_display()} → {self.get_to_state_display()}"


class PastReport(models.Model):
    """Figures read from a report an organisation published before it used Gongkai (import of past reports).

    Only what the next year's report carries over is kept: Table B 四、结转下年度继续办理 per column, which becomes
    the next year's 二、上年结转 (国办公开办函〔2021〕30号 表三) while the organisation has no case records of its
    own carried into that year; and, from a 2019-format report, Table A's year-end item counts, which become the
    next year's 上一年项目数量 (国办公开办函〔2019〕60号 表二) where no ExternalFigures of that year were entered.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="past_reports"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2008)])
    format_code = models.CharField("表格格式", max_length=10)
    carried_out = models.JSONField("结转下年度继续办理（按申请人列）", default=dict)
    # 2019 trial format only: the year-end item counts of its 表二 (上一年项目数量 + 本年增/减), keyed by the
    # ExternalFigures field they stand for (licensing_items …): the next year's 上一年项目数量 when not entered.
    item_counts = models.JSONField("年末事项数量（2019年版表二）", default=dict, blank=True)
    file_name = models.CharField("文件名", max_length=200)
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    AUDIT_FIELDS = ("organisation_id", "year", "format_code", "carried_out", "item_counts", "file_name")

    class Meta:
        ordering = ["organisation", "-year"]
        verbose_name = "往年年度报告数据"
        verbose_name_plural = "往年年度报告数据"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="past_report_once_per_year")
        ]

    def __str__(self):
        return f"{self.organisation.name}{self.year}年年度报告（导入）"
