"""Pure rules of a letter's 发文字号 and of how a letter addresses its reader.

发文字号 (GB/T 9704-2012 7.2.3): 发文机关代字 + 年份 + 发文顺序号, e.g. “渠政信公〔2026〕3号”: the year in full inside
六角括号 〔〕, the sequence number without 第 and without leading zeros (not 03). One sequence per organisation and
year covers every letter of 依申请公开; the prefix is the organisation's own (`LetterSettings.number_prefix`) or,
by default, the first character of its short name, 政 for a people's government, and 信公 (信息公开).

A letter is issued by the event that states its content (`LETTER_EVENTS`): the decision letter by 作出答复 or
视为放弃申请, the correction notice by 告知补正, and so on; each such event gets one number.
"""

from __future__ import annotations

from gongkai.applications.clock import EventKind
from gongkai.applications.models import LetterKind

LETTER_EVENTS: dict[str, tuple[str, ...]] = {
    LetterKind.DECISION: (EventKind.DECIDED, EventKind.DEEMED_ABANDONED),
    LetterKind.CORRECTION: (EventKind.CORRECTION_REQUESTED,),
    LetterKind.EXTENSION: (EventKind.EXTENSION_APPROVED,),
    LetterKind.CONSULTATION: (EventKind.THIRD_PARTY_CONSULTATION_OPENED,),
    LetterKind.FEE: (EventKind.FEE_NOTICE_SENT,),
}
EVENT_LETTER = {event: kind for kind, events in LETTER_EVENTS.items() for event in events}

GOVERNMENT_KINDS = {"province", "city", "county", "township", "subdistrict"}
_ADMINISTRATIVE_SUFFIXES = ("人民政府", "街道办事处", "办事处")


def default_prefix(*, name: str, short_name: str = "", kind: str = "") -> str:
    """渠口乡人民政府 (简称 渠口乡) → 渠政信公; 平罗县自然资源局 → 平自信公; 渠口村 → 渠信公."""
    base = (short_name or name or "").strip()
    for suffix in _ADMINISTRATIVE_SUFFIXES:
        base = base.removesuffix(suffix)
    if not base:
        return "信公"
    if kind in GOVERNMENT_KINDS:
        return f"{base[0]}政信公"
    if kind == "department" and len(base) > 3 and base[2] in "县市区旗":
        return f"{base[0]}{base[3]}信公"  # 平罗县自然资源局 → 平自
    return f"{base[0]}信公"


def letter_event(application, kind: str):
    """The event that issued the letter of `kind` (the latest of its kinds), or None before that step."""
    if kind not in LETTER_EVENTS:
        return None
    return application.events.filter(kind__in=list(LETTER_EVENTS[kind])).order_by("-date", "-id").first()


def number_text(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}〔{year}〕{sequence}号"


# Endings of the name of a 法人或其他组织 (a company, a cooperative, an organ, a committee …). One-character
# endings count only on names of three characters or more that are not also common in given names.
_ORGANISATION_WORDS = (
    "公司",
    "委员会",
    "村委会",
    "居委会",
    "中心",
    "协会",
    "学校",
    "小学",
    "中学",
    "银行",
    "政府",
    "集团",
    "事务所",
    "合作社",
    "基金会",
    "医院",
    "单位",
)
_ORGANISATION_CHARS = ("厂", "社", "局", "院", "所", "站", "部", "店", "队", "办", "处", "馆")


def looks_like_organisation(name: str) -> bool:
    """A name of a company or another organisation rather than of a person (for third parties, whose kind is
    not recorded): 平罗县塞上农业发展有限公司 yes, 马文礼 no."""
    name = (name or "").strip()
    if "有限" in name or name.endswith(_ORGANISATION_WORDS) or len(name) > 4:
        return True
    return len(name) >= 3 and name.endswith(_ORGANISATION_CHARS)


def form_of_address(*, is_organisation: bool) -> str:
    """How the body of a letter speaks to its reader: 您 to a person, 贵单位 to an organisation — never the
    form-letter “您（单位）”."""
    return "贵单位" if is_organisation else "您"
