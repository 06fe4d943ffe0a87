import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.core.crypto import EncryptedTextField


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
    WORK_GROUP = "work_group", "工作群"


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


# ---- the dispatch outbox ----------------------------------------------------------------------------------------


class TargetKind(models.TextChoices):
    """The kinds of channel target, one adapter each (channels/adapters)."""

    WEBSITE = "website", "政府网站"
    WECHAT = "wechat", "微信公众号"
    WECOM_ROBOT = "wecom_robot", "企业微信群机器人"
    DINGTALK_ROBOT = "dingtalk_robot", "钉钉群机器人"
    SMS_ALIYUN = "sms_aliyun", "短信平台（阿里云短信）"
    SMS_TENCENT = "sms_tencent", "短信平台（腾讯云短信）"
    SMS_GATEWAY = "sms_gateway", "短信平台（企信通 HTTP 接口）"
    LED_SCREEN = "led_screen", "电子屏"
    NOTICE_BOARD = "notice_board", "公开栏"
    VILLAGE_BOARD = "village_board", "村级公告栏"
    QQ_GROUP = "qq_group", "QQ群"
    SERVICE_HALL = "service_hall", "政务服务大厅"
    READING_POINT = "reading_point", "公开查阅点"
    WEBHOOK = "webhook", "Webhook"


# The channel a confirmed send of each kind counts under in the annual report (None: not a disclosure channel).
COUNTS_AS: dict[str, str | None] = {
    TargetKind.WEBSITE: Channel.WEBSITE,
    TargetKind.WECHAT: Channel.WECHAT,
    TargetKind.WECOM_ROBOT: Channel.WORK_GROUP,
    TargetKind.DINGTALK_ROBOT: Channel.WORK_GROUP,
    TargetKind.SMS_ALIYUN: Channel.SMS,
    TargetKind.SMS_TENCENT: Channel.SMS,
    TargetKind.SMS_GATEWAY: Channel.SMS,
    TargetKind.LED_SCREEN: Channel.LED_SCREEN,
    TargetKind.NOTICE_BOARD: Channel.NOTICE_BOARD,
    TargetKind.VILLAGE_BOARD: Channel.VILLAGE_BOARD,
    TargetKind.QQ_GROUP: Channel.QQ_GROUP,
    TargetKind.SERVICE_HALL: Channel.SERVICE_HALL,
    TargetKind.READING_POINT: Channel.READING_POINT,
    TargetKind.WEBHOOK: None,
}


class ChannelTarget(models.Model):
    """One place an organisation's items go out: its WeChat account, a work-group robot, an SMS gateway, a screen,
    a board. Settings in `config` (shown to staff); credentials encrypted in `secrets` (JSON, never shown back in
    full). A WeChat account's stable access token is held here once for every worker (`token`, `token_expires_at`).
    """

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=TargetKind.choices)
    name = models.CharField("名称", max_length=80)
    enabled = models.BooleanField("启用", default=True)
    default_on = models.BooleanField("发布时默认选中", default=True)
    config = models.JSONField("设置", default=dict, blank=True)
    secrets = EncryptedTextField("凭据", blank=True, default="")
    blocked_reason = models.CharField("暂停原因", max_length=300, blank=True)
    blocked_at = models.DateTimeField(null=True, blank=True)
    token = EncryptedTextField(blank=True, default="")
    token_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("organisation_id", "kind", "name", "enabled", "default_on", "config", "blocked_reason")

    class Meta:
        ordering = ["organisation_id", "kind", "name"]
        verbose_name = "渠道"
        verbose_name_plural = "渠道"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"], name="channel_target_unique_name"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"


class DispatchStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SUBMITTED = "submitted", "已提交"
    CONFIRMED = "confirmed", "已送达"
    FAILED = "failed", "失败待重试"
    DEAD = "dead", "失败待处理"


S = DispatchStatus
# Changed only by channels.services._move (compare-and-set on status and the claim token).
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {
        S.SENDING,
        S.CONFIRMED,
        S.SUBMITTED,
    },  # website: confirmed on publication; by staff: submitted
    S.SENDING: {S.SENDING, S.SUBMITTED, S.CONFIRMED, S.FAILED, S.DEAD},  # sending → sending: a lapsed claim
    S.SUBMITTED: {S.SENDING, S.CONFIRMED, S.FAILED, S.DEAD},  # sending: the receipt is checked
    # a receipt by callback for a send that timed out: it did go out (submitted), or it was delivered / it failed
    S.FAILED: {S.SENDING, S.SUBMITTED, S.CONFIRMED, S.DEAD},
    S.DEAD: {S.PENDING},  # retried from the office
    S.CONFIRMED: set(),
}
CLAIMABLE = (S.PENDING, S.FAILED)


class Dispatch(models.Model):
    """One item to one channel target: the outbox row, written in the same transaction as the publication.

    `item` is the plain snapshot the adapter renders (channels.adapters.Item); `key` the idempotency key passed to
    every API that takes one. A worker claims the row (status → sending, `claim` = its token, `lease_until`); a
    claim that lapses (the worker died) is taken over, and the attempt it left open is checked before any resend.
    """

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    disclosure = models.ForeignKey(
        "catalog.Disclosure", null=True, blank=True, on_delete=models.CASCADE, related_name="dispatches"
    )
    target = models.ForeignKey(ChannelTarget, on_delete=models.PROTECT, related_name="dispatches")
    item = models.JSONField(default=dict)
    key = models.CharField("幂等键", max_length=64, unique=True)
    status = models.CharField("状态", max_length=12, choices=DispatchStatus.choices, default=S.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField(
        "下次尝试", default=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )
    needs_check = models.BooleanField(
        default=False
    )  # the last try may have gone through: ask before resending
    claim = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField("外部编号", max_length=200, blank=True)
    receipt = models.JSONField(default=dict, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    confirmed_at = models.DateTimeField("送达时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation_note = models.CharField("确认说明", max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(
        "撤回时间", null=True, blank=True
    )  # the item was retracted: never sent again
    # the SMS numbers of the subscribers it goes to, fixed when the send was written (JSON list, encrypted)
    recipients = EncryptedTextField(blank=True, default="")
    photo = models.FileField("照片", upload_to="channels/photos/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("target_id", "status", "attempts", "external_id", "last_error", "confirmed_at")

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "分发"
        verbose_name_plural = "分发"
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "target"],
                condition=Q(disclosure__isnull=False),
                name="dispatch_once_per_item_and_target",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="dispatch_due"),
            models.Index(fields=["status", "lease_until"], name="dispatch_lease"),
        ]

    def __str__(self):
        return f"{self.target} · {self.item.get('title', '')} · {self.get_status_display()}"


class AttemptOutcome(models.TextChoices):
    OPEN = "open", "进行中"
    SENT = "sent", "已发送"
    FOUND = "found", "核实已送达"
    RETRY = "retry", "失败，将重试"
    UNKNOWN = "unknown", "结果不明"
    PERMANENT = "permanent", "失败，不再重试"
    INTERRUPTED = "interrupted", "中断"
    THROTTLED = "throttled", "限速等待"


class DispatchAttempt(models.Model):
    """One try of a dispatch, saved before the send so that an interrupted try is seen by the next worker."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=80, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=AttemptOutcome.choices, default=AttemptOutcome.OPEN)
    error = models.TextField(blank=True)
    external_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["dispatch_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "number"], name="dispatch_attempt_number_unique")
        ]

    def __str__(self):
        return f"#{self.number} {self.get_outcome_display()}"


# ---- SMS subscribers ----------------------------------------------------------------------------------------------


class Topic(models.TextChoices):
    """What a villager may subscribe to (the catalog entries map onto these)."""

    ASSISTANCE = "assistance", "低保/救助"
    SUBSIDY = "subsidy", "补贴"
    PROJECT = "project", "工程"
    FINANCE = "finance", "财务"
    NOTICE = "notice", "通知"


class ConsentSource(models.TextChoices):
    WRITTEN = "written", "书面登记"
    IN_PERSON = "in_person", "现场登记"
    PORTAL = "portal", "门户自助订阅"
    IMPORT = "import", "批量导入"


class OptOutSource(models.TextChoices):
    """How a subscription ended (kept beside the date, as the consent's source is)."""

    REPLY = "reply", "短信回复退订"
    PORTAL = "portal", "门户退订"
    STAFF = "staff", "工作人员办理"


class Subscriber(models.Model):
    """A villager who agreed to receive SMS about their village's items. The phone number is encrypted (shown
    masked); `phone_hash` (keyed) finds a number again without decrypting every row."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=40)
    phone = EncryptedTextField("手机号码")
    phone_hash = models.CharField(max_length=64, db_index=True)
    topics = models.JSONField("订阅内容", default=list, blank=True)
    consent_on = models.DateField("同意日期")
    consent_source = models.CharField("同意方式", max_length=12, choices=ConsentSource.choices)
    opted_out_at = models.DateTimeField("退订时间", null=True, blank=True)
    opt_out_source = models.CharField("退订方式", max_length=12, choices=OptOutSource.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = (
        "organisation_id",
        "topics",
        "consent_on",
        "consent_source",
        "opted_out_at",
        "opt_out_source",
    )

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = "短信订阅人"
        verbose_name_plural = "短信订阅人"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "phone_hash"], name="subscriber_once_per_village")
        ]

    def __str__(self):
        return f"{self.name}（{self.organisation_id}）"


class SmsDailyCount(models.Model):
    """How many SMS an organisation sent to one number on one (local) day: the per-number daily limit counts here
    (channels.services.sms_daily_reserve). Raised by a conditional UPDATE (count < limit), so two workers never
    both take the last slot. The number itself is not stored, only its keyed hash."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "短信每日发送计数"
        verbose_name_plural = "短信每日发送计数"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "phone_hash", "day"], name="sms_daily_count_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.count}"


class PhoneCheckPurpose(models.TextChoices):
    SUBSCRIBE = "subscribe", "订阅"
    UNSUBSCRIBE = "unsubscribe", "退订"


class PhoneCheck(models.Model):
    """One SMS code sent to a number that asked on the portal to subscribe or unsubscribe: the code is kept
    only as a keyed hash, expires after 10 minutes and allows 5 tries. The rows also count the codes sent per
    number and per address for the hourly caps (channels.services.phone_check_send)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )  # the township whose SMS channel sent it
    village = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField(max_length=12, choices=PhoneCheckPurpose.choices)
    phone = EncryptedTextField()
    phone_hash = models.CharField(max_length=64, db_index=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    name = models.CharField(max_length=40, blank=True)
    topics = models.JSONField(default=list, blank=True)
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    tries = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "id"]
        indexes = [models.Index(fields=["sent_at"], name="phone_check_sent")]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.sent_at:%Y-%m-%d %H:%M}"
