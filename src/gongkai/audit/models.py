import hashlib
import json

from django.conf import settings
from django.db import models

from gongkai.audit.keys import key_by_id


class AuditRowImmutable(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditRowImmutable("审计日志不可修改")

    def delete(self):
        raise AuditRowImmutable("审计日志不可删除")

    def bulk_create(self, *args, **kwargs):
        raise AuditRowImmutable("审计日志只能逐条追加")

    def purge_up_to(self, last_id: int) -> int:
        """The one deletion allowed: rows at or before the retention anchor (see audit_purge)."""
        from django.db import connection

        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last_id])  # noqa: S608 - table name is ours
            return cursor.rowcount


class AuditEvent(models.Model):
    """One write, login or lockout. Append-only and hash-chained: each row's hash covers the previous one."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)
    # The audit key that signed the row (keys.py). NULL: a version-1 row written before the chain was keyed,
    # hashed with plain SHA-256; it stays verifiable, and the first keyed row's HMAC covers its hash.
    key_id = models.CharField(max_length=16, null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditRowImmutable("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRowImmutable("审计日志不可删除")

    @property
    def is_keyed(self) -> bool:
        return bool(self.key_id)

    def content_for_hash(self) -> str:
        content = {
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "ip_address": self.ip_address,
        }
        if self.is_keyed:
            content["org_path"] = self.org_path
        return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)

    def compute_hash(self) -> str | None:
        """Version 2 (keyed): HMAC-SHA256(key, prev_hash + canonical row); version 1: SHA-256 of the same.

        None when the row's key is not configured (it cannot be verified here).
        """
        message = self.prev_hash + self.content_for_hash()
        if not self.is_keyed:
            return hashlib.sha256(message.encode()).hexdigest()
        key = key_by_id(self.key_id)
        return key.sign(message) if key else None


class AuditAnchor(models.Model):
    """Where verification starts after old rows were purged under the retention rule: the last purged row."""

    last_purged_id = models.BigIntegerField(default=0)
    last_purged_hash = models.CharField(max_length=64, default="")
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"清理至 #{self.last_purged_id}"
