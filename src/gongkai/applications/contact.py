"""How an applicant's contact details are checked: one definition for the public form, the applicant's own change
of them on /track/, and the services behind both. Pure functions, no database."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from gongkai.applications.models import Delivery

# A mobile (11 digits, 1[3-9]…) or a landline with its area code (0xx or 0xxx, 7 or 8 digits, an extension).
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
PHONE_HELP = "11位手机号码，或带区号的固定电话，如 0952-1234567"
EMAIL_INVALID = "电子邮箱格式不正确，请按 name@example.com 的样式填写"
MAX_ADDRESS = 200


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s()（）]", "", phone or "")


def phone_problem(phone: str) -> str:
    """Why `phone` (normalised) is not a mobile or a landline with its area code; "" when it is, or is empty."""
    if phone and not (MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone)):
        return f"联系电话不正确：请填写{PHONE_HELP}"
    return ""


def email_problem(email: str) -> str:
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return EMAIL_INVALID
    return ""


def delivery_problems(delivery: str, *, email: str, address: str) -> dict[str, str]:
    """{field: message} when the delivery chosen is impossible with these contact details."""
    problems = {}
    if delivery == Delivery.EMAIL and not (email or "").strip():
        problems["email"] = "选择“电子邮件”获取信息时，请填写电子邮箱"
    if delivery == Delivery.POST and not (address or "").strip():
        problems["address"] = "选择“邮寄”获取信息时，请填写通信地址（含邮政编码更好）"
    return problems
