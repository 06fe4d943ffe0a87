"""Masking of personal data for publication, with the defaults of reference/privacy.md §2.

No national rule fixes one pattern; these are design choices: ID numbers 前2后3, mobiles 前3后4, bank cards
dropped or 后4, addresses down to the 乡镇, names optionally 张*.
"""

import re
import unicodedata

from django.db import models

MASK = "*"

ID_KEEP_LEADING = (2, 6)
_ID_SEPARATORS = re.compile(r"[\s.\-]")
ID_KEEP_TRAILING = (3, 4)


def mask_id_number(value: str, *, keep_leading: int = 2, keep_trailing: int = 3) -> str:
    """11010519491231002X → 11*************02X. Keeps 2–6 leading and 3–4 trailing characters."""
    if not ID_KEEP_LEADING[0] <= keep_leading <= ID_KEEP_LEADING[1]:
        raise ValueError(f"keep_leading must be between {ID_KEEP_LEADING[0]} and {ID_KEEP_LEADING[1]}")
    if not ID_KEEP_TRAILING[0] <= keep_trailing <= ID_KEEP_TRAILING[1]:
        raise ValueError(f"keep_trailing must be between {ID_KEEP_TRAILING[0]} and {ID_KEEP_TRAILING[1]}")
    value = unicodedata.normalize("NFKC", value).strip().upper()
    compact = _ID_SEPARATORS.sub("", value)
    if len(compact) in (15, 18):
        value = compact  # written in groups: 110105 1949 1231 002X → 11*************02X
    hidden = len(value) - keep_leading - keep_trailing
    if hidden < 1:
        return MASK * len(value)
    return value[:keep_leading] + MASK * hidden + value[-keep_trailing:]


def mask_mobile(value: str) -> str:
    """138 1234 5678, +86-138-1234-5678 → 138****5678 (前3后4)."""
    digits = _digits(value)
    if len(digits) > 11 and digits[-11] == "1":
        digits = digits[-11:]  # drop a country code
    if len(digits) < 8:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]


def mask_bank_card(value: str) -> str:
    """6222021234567890123 → ***************0123: only the last four digits remain."""
    digits = _digits(value)
    if len(digits) <= 4:
        return MASK * len(digits)
    return MASK * (len(digits) - 4) + digits[-4:]


def cell_text(cell: object) -> str:
    """A cell value as the text a reader would see: 13812345678.0 from a spreadsheet is 13812345678."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _digits(value: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", value) if c.isascii() and c.isdigit())


_COMPOUND_SURNAMES_TEXT = """
欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠
公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁
拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯
西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 褚师 完颜 单于
"""
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())


def mask_name(name: str, *, stars: int | None = None) -> str:
    """张三 → 张*, 王小明 → 王**, 欧阳修文 → 欧阳**: the surname stays, the given name is hidden.

    `stars` fixes the number of asterisks (e.g. 1 for 张*, whatever the length); by default one per
    hidden character. Separators such as the middle dot of 阿卜杜·热合曼 are hidden too.
    """
    name = name.strip()
    if len(name) < 2:
        return name
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    hidden = len(name) - keep
    return name[:keep] + MASK * (hidden if stars is None else stars)


# A 乡镇-level unit: the suffix must close a name (not open one, as in 镇江市, 乡宁县), so the character
# before it may not be the suffix of a higher level.
_TOWNSHIP = re.compile(r"(?<=[^省市县区州旗盟])(?:街道办事处|街道|苏木|乡|镇)(?![市县区州旗])")
_VILLAGE = re.compile(r"(?:村民委员会|居民委员会|村委会|居委会|社区|嘎查|村)")
_COUNTY_PREFIX = re.compile(
    r"^(?:.{1,12}?(?:省|自治区))?(?:.{1,12}?(?:市|自治州|州|盟|地区))?(?:.{1,10}?(?:自治县|县|自治旗|旗|区|市))?"
)


def truncate_address(address: str, *, level: str = "township") -> str:
    """Cut an address after its 乡/镇/街道 (level="township") or its 村/社区 (level="village").

    宁夏回族自治区吴忠市同心县豫海镇西关村3组45号 → 宁夏回族自治区吴忠市同心县豫海镇 (or …豫海镇西关村).
    An address without a township is cut after its county or district; one with no recognisable
    administrative unit at all gives an empty string, since publishing it whole is not an option.
    """
    if level not in ("township", "village"):
        raise ValueError("level must be 'township' or 'village'")
    address = address.strip()
    town = _TOWNSHIP.search(address)
    if level == "village":
        village = _VILLAGE.search(address, town.end() if town else 0)
        if village:
            return address[: village.end()]
    if town:
        return address[: town.end()]
    return _COUNTY_PREFIX.match(address).group()


class ColumnMasking(models.TextChoices):
    """What to do with a column of a list before it is published (公示)."""

    KEEP = "keep", "保留"
    DROP = "drop", "隐藏整列"
    ID_NUMBER = "id_number", "身份证号脱敏"
    MOBILE = "mobile", "手机号脱敏"
    NAME = "name", "姓名脱敏"
    BANK_CARD_LAST4 = "bank_card_last4", "银行卡仅留后四位"
    ADDRESS = "address", "地址截断"


# Checked in order: 户主身份证号 is an ID column, not a name column.
_HEADER_RULES: tuple[tuple[tuple[str, ...], ColumnMasking], ...] = (
    (("身份证", "证件号", "身份号码", "证件编号"), ColumnMasking.ID_NUMBER),
    (("银行", "账号", "帐号", "卡号", "账户", "帐户"), ColumnMasking.BANK_CARD_LAST4),
    (("电话", "手机", "联系方式", "联系号码"), ColumnMasking.MOBILE),
    (("住址", "地址", "居住地", "户籍地"), ColumnMasking.ADDRESS),
    (("病", "健康", "残疾", "诊断", "残疾证"), ColumnMasking.DROP),
    # 户主 (and other names) must be shown in a 公示, so names are kept unless the user chooses otherwise.
    (("姓名", "户主", "名字"), ColumnMasking.KEEP),
)


def default_masking_for_header(header: object) -> ColumnMasking:
    """A guess from a Chinese column header (身份证号 → ID masking, 联系电话 → mobile masking, …)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(header or "")))
    for words, masking in _HEADER_RULES:
        if any(w in text for w in words):
            return masking
    return ColumnMasking.KEEP


def mask_cell(value: object, masking: ColumnMasking | str) -> str | None:
    """One cell masked as its column says; None for a dropped column. Empty cells stay empty."""
    masking = ColumnMasking(masking)
    if masking == ColumnMasking.DROP:
        return None
    text = cell_text(value).strip()
    if not text or masking == ColumnMasking.KEEP:
        return text
    if masking == ColumnMasking.ID_NUMBER:
        return mask_id_number(text)
    if masking == ColumnMasking.MOBILE:
        return mask_mobile(text) if _digits(text) else MASK * len(text)
    if masking == ColumnMasking.NAME:
        return mask_name(text)
    if masking == ColumnMasking.BANK_CARD_LAST4:
        return mask_bank_card(text) if len(_digits(text)) > 4 else MASK * len(text)
    return truncate_address(text)
