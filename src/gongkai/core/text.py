"""Plain text of an item's (sanitised) HTML body: one definition for what the privacy guard scans, what search
indexes and what a search result quotes; and the reading of a date as imported cells write it."""

import datetime
from html.parser import HTMLParser

# Tags that end a line of text: their boundary separates words ("…结束</p><p>开始…" are two lines), while an
# inline tag does not (a number split by <span>s is still one number for the privacy guard).
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIPPED_TAGS = frozenset({"script", "style"})  # never in a sanitised body; their content is not text anyway


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def body_text(body_html: str) -> str:
    """The text a reader sees in an HTML body: tags dropped (a block tag ends a line), entities decoded."""
    parser = _TextParser()
    parser.feed(body_html or "")
    parser.close()
    return "".join(parser.parts).strip()


def cell_date(value) -> datetime.date:
    """A date as a spreadsheet cell or an old site gives it: a date, 2024-03-15, 2024/3/15, 2024.3.15 or
    2024年3月15日. Raises ValueError when it is none of them (the caller words the error)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "-").replace("日", "")
    return datetime.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
