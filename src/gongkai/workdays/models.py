from django.db import models
from django.db.models import Q


class CalendarOverride(models.Model):
    """An admin-entered correction of the working-day calendar, nationwide or for one organisation's subtree.

    Overrides take precedence over chinesecalendar (calendar.md §4): they carry years the package does not cover
    yet, and provincial or local holidays (scoped to the organisation that declared them and everything below it).
    """

    date = models.DateField("日期")
    is_workday = models.BooleanField(
        "工作日", help_text="勾选表示当日上班（如调休上班日）；不勾选表示当日休息"
    )
    note = models.CharField("说明", max_length=200, help_text="调整依据，如通知文号或节日名称")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="适用机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_overrides",
        help_text="留空表示全国适用；选择机构则适用于该机构及其全部下级机构",
    )
    arrangement = models.ForeignKey(
        "workdays.YearArrangement",
        verbose_name="所属放假安排",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="days",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    AUDIT_FIELDS = ("date", "is_workday", "note", "organisation_id")

    class Meta:
        ordering = ["date", "organisation_id"]
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        constraints = [
            models.UniqueConstraint(
                fields=["date", "organisation"], name="calendar_override_unique_org_date"
            ),
            # NULLs are distinct in a unique index, so the nationwide row needs its own constraint.
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(organisation__isnull=True),
                name="calendar_override_unique_national_date",
            ),
        ]

    def __str__(self):
        scope = self.organisation.name if self.organisation_id else "全国"
        kind = "上班" if self.is_workday else "休息"
        return f"{self.date.isoformat()} {kind}（{scope}）"


class YearArrangement(models.Model):
    """A year's holiday arrangement (放假安排) as announced by the State Council's General Office, entered by an
    administrator once it is published: its days off and 调休 working days are `CalendarOverride` rows linked here.

    While a year has no arrangement (here or in chinesecalendar's data), its statutory holidays are derived from
    《全国年节及纪念日放假办法》 and every deadline that counts one of its days is provisional (calendar.md §5).
    """

    year = models.PositiveSmallIntegerField("年份")
    notice = models.CharField(
        "通知",
        max_length=200,
        help_text="如：国务院办公厅关于2028年部分节假日安排的通知（国办发明电〔2027〕X号）",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="适用机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="year_arrangements",
        help_text="留空表示全国适用；选择机构则适用于该机构及其全部下级机构",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    AUDIT_FIELDS = ("year", "notice", "organisation_id")

    class Meta:
        ordering = ["-year", "organisation_id"]
        verbose_name = "年度放假安排"
        verbose_name_plural = "年度放假安排"
        constraints = [
            models.UniqueConstraint(fields=["year", "organisation"], name="year_arrangement_unique_org_year"),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(organisation__isnull=True),
                name="year_arrangement_unique_national_year",
            ),
        ]

    def __str__(self):
        scope = self.organisation.name if self.organisation_id else "全国"
        return f"{self.year}年放假安排（{scope}）"
