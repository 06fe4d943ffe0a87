"""What a check finds: the ``Finding`` type, its severities and how numbers are printed in its message.

Every check (the table identities in ``identities``, the text checks in ``narrative_sums``, the format check in
``checks``) returns a list of ``Finding``; an empty list means no problem was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .tables import TABLE_TITLES, Cell, Number

HARD = "hard"
SOFT = "soft"
TEXT = "text"  # the `table` of a finding about the report's text


@dataclass(frozen=True)
class Finding:
    check: str  # a stable identifier of the check, e.g. "b_row_balance"
    severity: str  # HARD or SOFT
    table: str  # "A", "B", "C" or "text"
    row: str  # row label as printed ("" when not about one row)
    column: str  # column label as printed ("" when not about one column)
    expected: Number | None
    found: Number | None
    message: str
    assumption: str = ""  # what the checker assumed to read the report, e.g. "空白单元格按0计"

    @property
    def table_title(self) -> str:
        return TABLE_TITLES.get(self.table, "正文")

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "table": self.table,
            "table_title": self.table_title,
            "row": self.row,
            "column": self.column,
            "expected": _json_number(self.expected),
            "found": _json_number(self.found),
            "message": self.message,
            "assumption": self.assumption,
        }


def _json_number(value: Number | None) -> int | float | str | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def fmt(value: Cell) -> str:
    """A number as a report prints it: 12, 2.21 (no trailing zeros), "空白" for a blank."""
    if value is None:
        return "空白"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    return str(value)


def int_if_whole(value: Decimal) -> Number:
    """A whole amount as an int (so 10 prints and compares as 10), anything else unchanged."""
    return int(value) if value == value.to_integral_value() else value


def is_consistent(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    """True when no hard finding (or, with ``strict``, no finding at all) was made."""
    return not any(strict or f.severity == HARD for f in findings)
