"""政民互动: 留言咨询 (questions to an organisation), 意见征集 (consultations on a draft) and the records of
回应关切 / 回应解读 (responses), each belonging to an organisation.

The working-day rules (answer and open periods) are in `participation.clock`; the writes in `services`.
"""

from django.conf import settings
from django.db import models

from gongkai.orgs.models import Organisation


class QuestionState(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


# A transfer keeps the question open (at another organisation); an answer is final.
QUESTION_TRANSITIONS: dict[str, set[str]] = {
    QuestionState.OPEN: {QuestionState.OPEN, QuestionState.ANSWERED},
    QuestionState.ANSWERED: set(),
}


class Question(models.Model):
    """One 留言: a public question to an organisation, answered by its staff on a working-day clock."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="受理机构", on_delete=models.PROTECT, related_name="questions"
    )
    subject = models.CharField("标题", max_length=100)
    body = models.TextField("留言内容")
    asker_name = models.CharField("姓名", max_length=40, blank=True)
    asker_phone = models.CharField("联系电话", max_length=20, blank=True)
    wants_private = models.BooleanField("不公开", default=False)
    # Set by the privacy guard when the question is received: such a question is never published.
    holds_personal_data = models.BooleanField("含个人信息", default=False)
    received_on = models.DateField("收到日期")
    due_on = models.DateField("答复期限")
    state = models.CharField("状态", max_length=16, choices=QuestionState.choices, default=QuestionState.OPEN)
    answer = models.TextField("答复内容", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_public = models.BooleanField("已公开", default=False)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("organisation_id", "subject", "state", "due_on", "answer", "answered_on", "is_public")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "留言"
        verbose_name_plural = "留言"
        indexes = [models.Index(fields=["organisation", "state", "due_on"])]

    def __str__(self):
        return self.subject


class QuestionEvent(models.Model):
    """What happened to a question: received, transferred (with both organisations), answered."""

    KINDS = [("received", "收到留言"), ("transferred", "转办"), ("answered", "答复")]

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=KINDS)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class ConsultationState(models.TextChoices):
    OPEN = "open", "征集中"
    CLOSED = "closed", "已截止"
    FEEDBACK_PUBLISHED = "feedback_published", "已反馈"


CONSULTATION_TRANSITIONS: dict[str, set[str]] = {
    ConsultationState.OPEN: {ConsultationState.CLOSED},
    ConsultationState.CLOSED: {ConsultationState.FEEDBACK_PUBLISHED},
    ConsultationState.FEEDBACK_PUBLISHED: set(),
}


class Consultation(models.Model):
    """One 意见征集 on a published draft (a disclosure of kind 征求意见稿), open for a number of working days."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="征集机构", on_delete=models.PROTECT, related_name="consultations"
    )
    draft = models.ForeignKey(
        "catalog.Disclosure",
        verbose_name="征求意见稿",
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.CharField("征集主题", max_length=200)
    opens_on = models.DateField("开始日期")
    open_workdays = models.PositiveSmallIntegerField("征集期（工作日）")
    closes_on = models.DateField("截止日期")
    feedback_due_on = models.DateField("反馈期限")
    state = models.CharField(
        "状态", max_length=20, choices=ConsultationState.choices, default=ConsultationState.OPEN
    )
    feedback = models.TextField("采纳情况", blank=True)
    feedback_published_on = models.DateField("反馈发布日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = (
        "organisation_id",
        "draft_id",
        "title",
        "opens_on",
        "closes_on",
        "feedback_due_on",
        "state",
        "feedback",
        "feedback_published_on",
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = "意见征集"
        verbose_name_plural = "意见征集"

    def __str__(self):
        return self.title


class CommentState(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已采用展示"
    REJECTED = "rejected", "不予展示"


class Comment(models.Model):
    """One public comment on a consultation; shown only after moderation, and then masked."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField("姓名", max_length=40, blank=True)
    body = models.TextField("意见建议")
    holds_personal_data = models.BooleanField("含个人信息", default=False)
    submitted_at = models.DateTimeField("提交时间")
    state = models.CharField(
        "状态", max_length=16, choices=CommentState.choices, default=CommentState.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    AUDIT_FIELDS = ("consultation_id", "state", "moderated_at")

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = "意见"
        verbose_name_plural = "意见"

    def __str__(self):
        return f"{self.consultation_id}: {self.body[:20]}"


class ResponseKind(models.TextChoices):
    CONCERN = "concern", "回应关切"
    INTERPRETATION = "interpretation", "回应解读"


class ResponseChannel(models.TextChoices):
    PRESS = "press", "新闻发布会"
    HOTLINE_12345 = "hotline_12345", "12345热线转办"
    HOTLINE = "hotline", "政务热线"
    ONLINE = "online", "网上留言"
    MEDIA = "media", "媒体采访"
    OTHER = "other", "其他"


class Response(models.Model):
    """A 回应关切 or 回应解读, linked to the items (and the 留言) it answers; the report's narrative counts them."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="回应机构", on_delete=models.PROTECT, related_name="responses"
    )
    kind = models.CharField("类型", max_length=16, choices=ResponseKind.choices)
    channel = models.CharField("渠道", max_length=16, choices=ResponseChannel.choices)
    responded_on = models.DateField("回应日期")
    subject = models.CharField("回应事项", max_length=200)
    content = models.TextField("回应内容", blank=True)
    disclosures = models.ManyToManyField(
        "catalog.Disclosure", verbose_name="相关信息", blank=True, related_name="responses"
    )
    question = models.ForeignKey(
        Question, verbose_name="相关留言", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("organisation_id", "kind", "channel", "responded_on", "subject")

    class Meta:
        ordering = ["-responded_on", "-id"]
        verbose_name = "回应关切/回应解读"
        verbose_name_plural = "回应关切/回应解读"

    def __str__(self):
        return self.subject
