from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A staff account. The public never needs one."""

    display_name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    AUDIT_FIELDS = ("username", "display_name", "email", "phone", "is_active", "is_staff", "is_superuser")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    def set_password(self, raw_password):
        from django.utils import timezone

        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
