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
