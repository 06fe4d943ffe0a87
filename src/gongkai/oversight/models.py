"""举报投诉 about disclosure work, and 行政复议 / 行政诉讼 arising from applications (the source of Table C)."""

from django.db import models


class ComplaintChannel(models.TextChoices):
    IN_PERSON = "in_person", "当面"
    PHONE = "phone", "电话"
    LETTER = "letter", "信函"
    ONLINE = "online", "网络"
    REFERRED = "referred", "上级转办"


class Complaint(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="被投诉机关", on_delete=models.PROTECT, related_name="complaints"
    )
    received_on = models.DateField("收到日期")
    channel = models.CharField("渠道", max_length=16, choices=ComplaintChannel.choices)
    subject = models.CharField("事由", max_length=200)
    content = models.TextField("内容")
    handling = models.TextField("处理情况", blank=True)
    result = models.TextField("处理结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("organisation_id", "received_on", "channel", "subject", "handling", "result", "closed_on")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "举报投诉"
        verbose_name_plural = "举报投诉"

    def __str__(self):
        return f"{self.received_on.isoformat()} {self.subject}"


class RemedyKind(models.TextChoices):
    ADMIN_REVIEW = "admin_review", "行政复议"
    DIRECT = "direct", "未经复议直接起诉"
    AFTER_REVIEW = "after_review", "复议后起诉"


class RemedyResult(models.TextChoices):
    UPHELD = "upheld", "结果维持"
    CORRECTED = "corrected", "结果纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"


# The result as data: a pending case may be decided; a decided one is final.
REMEDY_TRANSITIONS: dict[str, set[str]] = {
    RemedyResult.PENDING: {RemedyResult.UPHELD, RemedyResult.CORRECTED, RemedyResult.OTHER},
    RemedyResult.UPHELD: set(),
    RemedyResult.CORRECTED: set(),
    RemedyResult.OTHER: set(),
}


class Remedy(models.Model):
    """One 行政复议 or 行政诉讼 case. Counted in Table C of the year it was filed, by its result as of 31 Dec."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="被申请人/被告", on_delete=models.PROTECT, related_name="remedies"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name="所涉申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remedies",
    )
    kind = models.CharField("类型", max_length=16, choices=RemedyKind.choices)
    filed_on = models.DateField("立案（提起）日期")
    body = models.CharField("复议机关或法院", max_length=120, blank=True)
    reference = models.CharField("案号", max_length=100, blank=True)
    result = models.CharField(
        "结果", max_length=16, choices=RemedyResult.choices, default=RemedyResult.PENDING
    )
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = (
        "organisation_id",
        "application_id",
        "kind",
        "filed_on",
        "body",
        "reference",
        "result",
        "decided_on",
        "note",
    )

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = "行政复议和行政诉讼"
        verbose_name_plural = "行政复议和行政诉讼"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(result="pending", decided_on__isnull=True))
                | (~models.Q(result="pending") & models.Q(decided_on__isnull=False)),
                name="remedy_decided_iff_result",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filed_on.isoformat()} {self.reference}".strip()
