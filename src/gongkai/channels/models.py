from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    """Where an item went out (glossary codes). 政府网站 is recorded automatically on publication."""

    WEBSITE = "website", "政府网站"
    WECHAT = "wechat", "微信公众号"
    SMS = "sms", "短信平台"
    LED_SCREEN = "led_screen", "电子屏"
    NOTICE_BOARD = "notice_board", "公开栏"
    VILLAGE_BOARD = "village_board", "村级公告栏"
    QQ_GROUP = "qq_group", "QQ群"
    SERVICE_HALL = "service_hall", "政务服务大厅"
    READING_POINT = "reading_point", "公开查阅点"


class Publication(models.Model):
    """A record that one item was published through one channel on a date: the source of channel counts."""

    disclosure = models.ForeignKey(
        "catalog.Disclosure", on_delete=models.CASCADE, related_name="publications"
    )
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    published_on = models.DateField("发布日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    AUDIT_FIELDS = ("disclosure_id", "channel", "published_on", "note")

    class Meta:
        ordering = ["published_on", "id"]
        verbose_name = "发布记录"
        verbose_name_plural = "发布记录"
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "channel"], name="publication_once_per_channel")
        ]
        indexes = [models.Index(fields=["channel", "published_on"], name="publication_channel_date")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.published_on}"
