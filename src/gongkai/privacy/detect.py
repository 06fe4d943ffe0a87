"""Find personal data in text: 公民身份号码, mobile numbers, bank card numbers — also when written in groups with
spaces, hyphens or dots between them ("110105 1949 1231 002X", "138-0000-0000", "138.0000.0000").

The privacy guard blocks publication on a hit, so the detectors lean towards finding things, but stay quiet on
what a government page is full of: 索引号, 文号, dates, landlines with an area code, amounts.
"""

import bisect
import dataclasses
import datetime
import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence

from gongkai.core.identifiers import is_valid_credit_code, is_valid_id_number
from gongkai.privacy.mask import cell_text, mask_bank_card, mask_id_number, mask_mobile


class Kind(enum.StrEnum):
    ID_NUMBER = "id_number"
    ID_NUMBER_15 = "id_number_15"
    MOBILE = "mobile"
    BANK_CARD = "bank_card"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.ID_NUMBER: "公民身份号码",
    Kind.ID_NUMBER_15: "公民身份号码（15位）",
    Kind.MOBILE: "手机号码",
    Kind.BANK_CARD: "银行卡号",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    text: str  # exactly as written in the original text
    start: int  # offsets into the original text
    end: int
    masked: str
    label: str


@dataclasses.dataclass(frozen=True, slots=True)
class TableFinding:
    row: int  # 0-based, counting every row given (a header row included)
    column: int  # 0-based
    finding: Finding


# Province-level prefixes of GB/T 2260, used only for 15-digit numbers, which carry no check character.
PROVINCE_CODES = frozenset(
    ("11", "12", "13", "14", "15")  # 华北
    + ("21", "22", "23")  # 东北
    + ("31", "32", "33", "34", "35", "36", "37")  # 华东
    + ("41", "42", "43", "44", "45", "46")  # 中南
    + ("50", "51", "52", "53", "54")  # 西南
    + ("61", "62", "63", "64", "65")  # 西北
    + ("71", "81", "82")  # 台湾, 香港, 澳门
)

_ID18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])", re.ASCII)
# An 18-character ID number written in groups with one separator throughout — a space, a hyphen or a dot: 6-8-4
# ("110105 19491231 002X") or 6-4-4-4 ("110105-1949-1231-002X", the groups of address, year, month+day, sequence).
# The check character over all 18 characters and a real birth date decide (a date or a row of figures fails them).
_ID18_GROUPED = re.compile(
    r"(?<![0-9])"
    r"[0-9]{6}(?P<sep>[ .-])(?:[0-9]{8}|[0-9]{4}(?P=sep)[0-9]{4})(?P=sep)[0-9]{3}[0-9Xx]"
    r"(?![0-9Xx])",
    re.ASCII,
)
_ID_SEPARATORS = re.compile(r"[ .-]", re.ASCII)
_ID15 = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9])", re.ASCII)
# A card number: one run of 16-19 digits, or groups of four separated by single spaces.
_CARD = re.compile(r"(?<![0-9])(?:[0-9]{16,19}|[0-9]{4}(?: [0-9]{4}){3}(?: [0-9]{1,3})?)(?![0-9])", re.ASCII)
_CARD_GROUP_AFTER = re.compile(r" [0-9]", re.ASCII)
_CARD_GROUP_BEFORE = re.compile(r"[0-9] $", re.ASCII)
# A mobile number, possibly with +86 / 0086 and written 138 1234 5678, 138-1234-5678 or 138.1234.5678 (3-4-4, one
# separator throughout). A digit or a decimal point on either side means it is part of something else (a longer
# number, an amount), and so does a further digit group after it (138 1234 5678 9012 is a row of figures).
_MOBILE = re.compile(
    r"(?<![0-9.])"
    r"(?P<prefix>[(（]?(?:\+|00)86[)）]?[ -]?|86[ -])?"
    r"(?P<number>1[3-9][0-9](?P<sep>[ .-]?)[0-9]{4}(?P=sep)[0-9]{4})"
    r"(?![0-9]|[.][0-9])(?!(?P=sep)[0-9])",
    re.ASCII,
)
# An 18-character 统一社会信用代码 used as the head of a 索引号: 11640221MB1234567X/2024-00012.
_INDEX_NUMBER_TAIL = re.compile(r"[/-][0-9]{4}(?:-|[0-9])", re.ASCII)
_CREDIT_CODE_LABEL = re.compile(r"(?:信用代码|机构代码|索引号|税号)[:： ]*$")


def normalize_width(text: str) -> str:
    """Full-width forms (０-９, Ｘ, ＋, －, the ideographic space) as ASCII, one character for one character.

    The result has the same length as the input, so offsets found in it are offsets in the original.
    """
    return "".join(_narrow(c) for c in text)


def _narrow(c: str) -> str:
    if "\uff01" <= c <= "\uff5e" or c == "\u3000":
        n = unicodedata.normalize("NFKC", c)
        if len(n) == 1:
            return n
    return c


def scan_text(text: str, *, today: datetime.date | None = None) -> list[Finding]:
    """Every piece of personal data in `text`, in order of position; overlapping candidates resolved
    in favour of the stronger evidence (ID number, then bank card, then mobile)."""
    if not text:
        return []
    norm = normalize_width(text)
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping spans already claimed

    def add(kind: Kind, start: int, end: int, masked: str) -> None:
        i = bisect.bisect_left(taken, (start, end))
        if (i > 0 and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end):
            return
        taken.insert(i, (start, end))
        found.append(Finding(kind, text[start:end], start, end, masked, kind.label))

    for m in _ID18.finditer(norm):
        value = m.group().upper()
        if is_valid_id_number(value, today=today) and not _is_index_number_code(norm, m):
            add(Kind.ID_NUMBER, m.start(), m.end(), mask_id_number(value))
    for m in _ID18_GROUPED.finditer(norm):
        # The checksum over all 18 characters and a real birth date: a date or a row of figures does not pass.
        value = _ID_SEPARATORS.sub("", m.group()).upper()
        if is_valid_id_number(value, today=today):
            add(Kind.ID_NUMBER, m.start(), m.end(), mask_id_number(value))
    for m in _ID15.finditer(norm):
        if _is_old_id_number(m.group(), today=today):
            add(Kind.ID_NUMBER_15, m.start(), m.end(), mask_id_number(m.group()))
    for m in _CARD.finditer(norm):
        digits = m.group().replace(" ", "")
        if " " in m.group() and (
            _CARD_GROUP_AFTER.match(norm, m.end())
            or _CARD_GROUP_BEFORE.search(norm, max(0, m.start() - 2), m.start())
        ):
            continue  # more groups around it: a row of numbers, not one card
        if digits[0] != "0" and luhn_ok(digits):
            add(Kind.BANK_CARD, m.start(), m.end(), mask_bank_card(digits))
    for m in _MOBILE.finditer(norm):
        masked = (m.group("prefix") or "") + mask_mobile(m.group("number"))
        add(Kind.MOBILE, m.start(), m.end(), masked)

    found.sort(key=lambda f: f.start)
    return found


def scan_table(rows: Iterable[Sequence[object]], *, today: datetime.date | None = None) -> list[TableFinding]:
    """Findings in spreadsheet rows, cell by cell, with the 0-based row and column of each."""
    results = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            text = cell_text(cell)
            for finding in scan_text(text, today=today):
                results.append(TableFinding(r, c, finding))
    return results


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _is_old_id_number(value: str, *, today: datetime.date | None) -> bool:
    # GB 11643-1989: address(6) + YYMMDD + sequence(3), born in the 1900s.
    if value[:2] not in PROVINCE_CODES:
        return False
    try:
        born = datetime.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return False
    return today is None or born <= today


def _is_index_number_code(norm: str, m: re.Match[str]) -> bool:
    """An all-digit 统一社会信用代码 that happens to look like an ID number, written as one."""
    if not is_valid_credit_code(m.group()):
        return False
    if _INDEX_NUMBER_TAIL.match(norm, m.end()):
        return True
    return bool(_CREDIT_CODE_LABEL.search(norm, max(0, m.start() - 12), m.start()))


def mask_text(
    text: str,
    *,
    keep_leading: int = 2,
    keep_trailing: int = 3,
    today: datetime.date | None = None,
) -> str:
    """`text` with every finding of the detectors replaced by its masked form."""
    out = []
    pos = 0
    for f in scan_text(text, today=today):
        out.append(text[pos : f.start])
        if f.kind in (Kind.ID_NUMBER, Kind.ID_NUMBER_15):
            # Separators dropped: 110105 1949 1231 002X → 11*************02X.
            value = _ID_SEPARATORS.sub("", normalize_width(f.text))
            out.append(mask_id_number(value, keep_leading=keep_leading, keep_trailing=keep_trailing))
        else:
            out.append(f.masked)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
