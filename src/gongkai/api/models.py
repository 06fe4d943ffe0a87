"""API tokens: one per (organisation, holder, purpose), created by the organisation's 管理员 in the office.

The secret is shown once on creation and stored only as its SHA-256 (a 256-bit random secret needs no slow hash:
nobody can guess it, and a stolen table gives nothing to replay). A token acts as its holder: the holder's roles
decide what it may do (the office's own rules, through the services), narrowed to the token's organisation
subtree and its scopes.
"""

from django.conf import settings
from django.db import models

from gongkai.orgs.models import Organisation


class Scope(models.TextChoices):
    READ = "read", "读取（草稿、申请，不含个人信息）"
    WRITE = "write", "写入（起草、提交、登记、录入）"
    PERSONAL_DATA = "personal_data", "读取申请人个人信息（每次读取记入审计）"


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.CASCADE, related_name="api_tokens"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="持有人",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="令牌以持有人的角色办事",
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField("权限范围", default=list)
    expires_at = models.DateTimeField("有效期至")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("organisation_id", "holder_id", "name", "prefix", "scopes", "expires_at", "revoked_at")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self):
        return f"{self.name}（gk_{self.prefix}…）"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now


class WebhookRelay(models.Model):
    """How far the webhook relay has read the audit log (one row): every committed event after `last_audit_id`
    is still to be turned into deliveries."""

    last_audit_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"webhooks relayed up to audit #{self.last_audit_id}"
