from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A staff account. The public never needs one."""

    display_name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set when an administrator creates the account (and so knows its first password): the office stays closed
    # until the owner chooses their own (GB/T 22239-2019 8.1.4.1 a)).
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

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
