"""依申请公开: applications, their events (the source of the clock), fee notices and letter templates.

The clock (due date, pauses, derived state) is never stored: `clock.compute_clock` derives it from the
`ApplicationEvent` rows and the organisation's working-day calendar. `decided_on` and `decision` are copied from
the closing event so that Table B can be counted with aggregate SQL.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.applications.clock import EVENT_CHOICES
from gongkai.applications.crypto import EncryptedTextField
from gongkai.applications.decisions import APPLICANT_CHOICES, DECISION_CHOICES
from gongkai.applications.fees import FeeBasis


class ApplicantKind(models.TextChoices):
    NATURAL_PERSON = "natural_person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "当面提交"
    POST = "post", "邮寄（签收）"
    LETTER = "letter", "平常信函"
    FAX = "fax", "传真"
    ONLINE = "online", "互联网渠道（网上申请）"
    EMAIL = "email", "电子邮件"


class ProvisionForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"


class Delivery(models.TextChoices):
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    PICKUP = "pickup", "自行领取"


class Stage(models.TextChoices):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已答复"
    DELIVERED = "delivered", "已送达"
    ARCHIVED = "archived", "已归档"


# The stage is a coarse summary of the events; the fine state is the clock's. One transition per event kind.
TRANSITIONS: dict[str, set[str]] = {
    Stage.OPEN: {Stage.OPEN, Stage.CLOSED},
    Stage.CLOSED: {Stage.DELIVERED, Stage.ARCHIVED},
    Stage.DELIVERED: {Stage.ARCHIVED},
    Stage.ARCHIVED: set(),
}


class CaseCounter(models.Model):
    """The last case number issued per organisation and year; it only grows, so numbers are never reused."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="case_counter_unique_org_year")
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last}"


class Application(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="办理机关", on_delete=models.PROTECT, related_name="applications"
    )
    case_number = models.CharField("申请编号", max_length=32)
    applicant_type = models.CharField("申请人类型", max_length=16, choices=ApplicantKind.choices)
    applicant_column = models.CharField(
        "申请人类别", max_length=16, choices=APPLICANT_CHOICES, db_index=True
    )  # the Table B column
    applicant_name = models.CharField("申请人姓名或名称", max_length=120)
    id_number = EncryptedTextField("身份证件号码或统一社会信用代码", blank=True)
    identity_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField("联系电话", blank=True)
    address = EncryptedTextField("通信地址", blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    proof = models.FileField("身份证明", upload_to="applications/proof/%Y/", blank=True)
    proof_type = models.CharField(max_length=8, blank=True, editable=False)

    info_title = models.CharField("所需信息名称", max_length=300, blank=True)
    info_doc_no = models.CharField("文号", max_length=100, blank=True)
    info_description = models.TextField("所需信息的内容描述", blank=True)
    description_hash = models.CharField(max_length=64, blank=True, editable=False)
    provision_form = models.CharField("信息提供形式", max_length=16, choices=ProvisionForm.choices)
    delivery = models.CharField("获取信息方式", max_length=16, choices=Delivery.choices)

    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    received_on = models.DateField("收到申请之日", db_index=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # Art. 31(3): an application sent on the public form is received on the day the organ confirms it. Until then
    # `received_on` holds the submission date and the case is counted nowhere (Table B, the clock).
    awaiting_confirmation = models.BooleanField("待确认收到", default=False, db_index=True)
    lookup_hash = models.CharField(max_length=128, blank=True, editable=False)
    possible_duplicate_of = models.ForeignKey(
        "self",
        verbose_name="疑似重复申请",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )

    stage = models.CharField("办理阶段", max_length=16, choices=Stage.choices, default=Stage.OPEN)
    version = models.PositiveIntegerField(default=0, editable=False)  # compare-and-set on each event
    decision = models.CharField(
        "答复类型", max_length=40, choices=DECISION_CHOICES, blank=True, db_index=True
    )
    decided_on = models.DateField("答复（办结）日期", null=True, blank=True, db_index=True)
    legal_basis = models.TextField("法律依据", blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    delivered_method = models.CharField("送达方式", max_length=16, choices=Delivery.choices, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_proof = models.CharField("送达凭证", max_length=300, blank=True)
    archived_on = models.DateField("归档日期", null=True, blank=True)
    anonymised_at = models.DateTimeField("个人信息清除时间", null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Personal data never goes into audit rows in clear: see services.audit_view().
    AUDIT_FIELDS = (
        "organisation_id",
        "case_number",
        "applicant_column",
        "channel",
        "received_on",
        "awaiting_confirmation",
        "provision_form",
        "delivery",
        "stage",
        "decision",
        "decided_on",
        "delivered_method",
        "delivered_on",
        "archived_on",
        "assignee_id",
        "possible_duplicate_of_id",
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "case_number"], name="application_unique_case_number"
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("received_on")),
                name="application_decided_after_received",
            ),
        ]
        indexes = [models.Index(fields=["identity_hash", "description_hash"], name="application_dup_idx")]

    def __str__(self):
        return self.case_number

    @property
    def is_organisation(self) -> bool:
        return self.applicant_type == ApplicantKind.ORGANISATION

    @property
    def info_summary(self) -> str:
        parts = [p for p in (self.info_title, self.info_doc_no) if p]
        text = "，".join(parts)
        return text or (self.info_description[:60] + ("…" if len(self.info_description) > 60 else ""))


class ApplicationEvent(models.Model):
    """What happened and when. The clock is a pure function of these rows (see clock.py)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("办理事项", max_length=40, choices=EVENT_CHOICES)
    date = models.DateField("日期")
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("application_id", "kind", "date", "data", "note")

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"

    def __str__(self):
        return f"{self.get_kind_display()} {self.date.isoformat()}"

    def as_clock_event(self):
        return (self.kind, self.date, self.data)


class FeeNotice(models.Model):
    """A 收费通知 and what was collected (国办函〔2020〕109号): one basis per application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="fee_notices")
    basis = models.CharField("计收方式", max_length=16, choices=[(b.value, b.label) for b in FeeBasis])
    quantity = models.PositiveIntegerField("页数或本月此前件数")
    amount_quoted = models.DecimalField("应收金额（元）", max_digits=10, decimal_places=2)
    explanation = models.TextField("计算说明", blank=True)
    sent_on = models.DateField("发出日期")
    received_on = models.DateField("申请人收到日期")
    amount_collected = models.DecimalField(
        "实收金额（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = (
        "application_id",
        "basis",
        "quantity",
        "amount_quoted",
        "sent_on",
        "received_on",
        "amount_collected",
        "paid_on",
    )

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = "收费通知"
        verbose_name_plural = "收费通知"

    def __str__(self):
        return f"{self.application} {self.get_basis_display()} {self.amount_quoted}元"


class LetterKind(models.TextChoices):
    DECISION = "decision", "答复告知书"
    CORRECTION = "correction", "补正告知书"
    EXTENSION = "extension", "延期答复告知书"
    CONSULTATION = "consultation", "征求第三方意见函"
    FEE = "fee", "收费通知"


class LetterTemplate(models.Model):
    """An organisation's own wording of a letter; without one the default shipped in letters.py is used."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="letter_templates"
    )
    kind = models.CharField("文书类型", max_length=16, choices=LetterKind.choices)
    body = models.TextField("文书模板")
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("organisation_id", "kind", "body")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="letter_template_unique_kind")
        ]
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"

    def __str__(self):
        return f"{self.organisation} {self.get_kind_display()}"


class FilePurpose(models.TextChoices):
    RELEASED = "released", "答复附件（公开的政府信息）"
    CORRECTION = "correction", "补正材料"


class ApplicationFile(models.Model):
    """A file attached to an application after its receipt: the released information sent with the reply (staff),
    or what the applicant sent with an online correction. Stored through Django's storage API, never served as
    public media: the office case page and /track/ (the tracked case only) hand them out."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(
        ApplicationEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    purpose = models.CharField("用途", max_length=16, choices=FilePurpose.choices)
    file = models.FileField("文件", upload_to="applications/files/%Y/")
    name = models.CharField("文件名", max_length=200)
    file_type = models.CharField("文件类型", max_length=8)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("application_id", "event_id", "purpose", "name", "file_type", "size")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "申请附件"
        verbose_name_plural = "申请附件"

    def __str__(self):
        return self.name


class LetterSettings(models.Model):
    """An organisation's settings for its letters: the prefix of its 发文字号 (GB/T 9704-2012 7.2.3) and the
    contact a letter gives for a reply or a correction (blank: the organisation's 政府信息公开工作机构 or its own
    office, address and phone)."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="letter_settings"
    )
    number_prefix = models.CharField(
        "发文字号前缀",
        max_length=20,
        blank=True,
        help_text="机关代字，如“渠政信公”，文号即“渠政信公〔2026〕3号”。留空时按机构简称生成。",
    )
    contact_office = models.CharField("联系科室", max_length=120, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    contact_address = models.CharField("通信地址", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("organisation_id", "number_prefix", "contact_office", "contact_phone", "contact_address")

    class Meta:
        verbose_name = "文书设置"
        verbose_name_plural = "文书设置"

    def __str__(self):
        return f"{self.organisation} 文书设置"


class LetterNumberCounter(models.Model):
    """The last 发文顺序号 issued per organisation and year; it only grows, so numbers are never reused."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="letter_number_counter_unique_org_year"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last}"


class LetterNumber(models.Model):
    """The 发文字号 of one letter (“渠政信公〔2026〕3号”), assigned once when the letter is issued: the event that
    issues it (答复, 告知补正, 延期, 征求意见, 收费通知) gets one number; rendering the letter again shows the same."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letter_numbers")
    kind = models.CharField("文书类型", max_length=16, choices=LetterKind.choices)
    event = models.ForeignKey(ApplicationEvent, on_delete=models.CASCADE, related_name="letter_numbers")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField("机关代字", max_length=20)
    year = models.PositiveSmallIntegerField("年份")
    sequence = models.PositiveIntegerField("发文顺序号")
    issued_on = models.DateField("成文日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "sequence"], name="letter_number_unique_sequence"
            ),
            models.UniqueConstraint(fields=["application", "kind", "event"], name="letter_number_once"),
        ]
        verbose_name = "发文字号"
        verbose_name_plural = "发文字号"

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        # GB/T 9704-2012 7.2.3: the year in full inside 六角括号, the sequence without 第 or leading zeros, then 号.
        return f"{self.prefix}〔{self.year}〕{self.sequence}号"
