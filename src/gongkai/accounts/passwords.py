"""Password rules of the 等保 2.0 profile (the ASVS profile uses Django's own validators)."""

import re

from django.core.exceptions import ValidationError

CHARACTER_CLASSES = (
    ("小写字母", re.compile(r"[a-z]")),
    ("大写字母", re.compile(r"[A-Z]")),
    ("数字", re.compile(r"\d")),
    ("特殊字符", re.compile(r"[^a-zA-Z\d]")),
)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _, pattern in CHARACTER_CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、特殊字符中的至少{self.min_classes}类",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含小写字母、大写字母、数字、特殊字符中的至少{self.min_classes}类。"
