"""Check characters of Chinese identifiers: 公民身份号码 (GB 11643) and 统一社会信用代码 (GB 32100)."""

import datetime
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    # GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str, *, today: datetime.date | None = None) -> str | None:
    """Why a 公民身份号码 (GB 11643) is invalid, in Chinese; None when it is valid: 18 characters, 17 digits and a
    digit or X, a real birth date (from 1850, not after `today` when given), a matching check character."""
    value = value.strip().upper()
    if len(value) != 18:
        return f"公民身份号码应为18位，当前为{len(value)}位"
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "公民身份号码前17位应为数字，最后一位为数字或X"
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "公民身份号码中的出生日期无效"
    if born.year < 1850 or (today is not None and born > today):
        return "公民身份号码中的出生日期无效"
    expected = id_check_char(value[:17])
    if value[17] != expected:
        return f"公民身份号码校验位错误：应为{expected}，实为{value[17]}"
    return None


def is_valid_id_number(value: str, *, today: datetime.date | None = None) -> bool:
    """An 18-character 公民身份号码 with a real birth date and a matching check character."""
    return id_number_problem(value, today=today) is None


# GB 32100-2015: 18 characters from this 31-symbol alphabet (no I, O, Z, S, V).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> str | None:
    """Why a 统一社会信用代码 is invalid, in Chinese, or None when it is valid."""
    value = value.strip().upper()
    if len(value) != 18:
        return f"统一社会信用代码应为18位，当前为{len(value)}位"
    bad = sorted({c for c in value if c not in CREDIT_CODE_ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}"
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        return f"统一社会信用代码校验位错误：应为{expected}，实为{value[17]}"
    return None


def is_valid_credit_code(value: str) -> bool:
    return credit_code_problem(value) is None
