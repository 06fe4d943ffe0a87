"""What the self-check keeps between runs (the link checker's last results) and the county's 考核 weights."""

from django.conf import settings
from django.db import models

from gongkai.orgs.models import Organisation


class BrokenLink(models.Model):
    """A broken link found by the last run of the link checker over an organisation's items (replaced each run)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    disclosure = models.ForeignKey("catalog.Disclosure", on_delete=models.CASCADE, related_name="+")
    url = models.URLField("链接", max_length=500)
    reason = models.CharField("原因", max_length=200)
    checked_on = models.DateField("检查日期")

    class Meta:
        ordering = ["organisation", "disclosure", "id"]
        verbose_name = "失效链接"
        verbose_name_plural = "失效链接"

    def __str__(self):
        return self.url


class IndicatorWeight(models.Model):
    """A county's own weight for one 考核 indicator (defaults in supervision.scoring.INDICATORS)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="考核机关", on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.CharField("指标", max_length=40)
    points = models.DecimalField("每项扣分", max_digits=5, decimal_places=1)
    cap = models.DecimalField("扣分上限", max_digits=5, decimal_places=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("organisation_id", "indicator", "points", "cap")

    class Meta:
        verbose_name = "考核指标权重"
        verbose_name_plural = "考核指标权重"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "indicator"], name="weight_once_per_org")
        ]

    def __str__(self):
        return f"{self.indicator}: {self.points}"
