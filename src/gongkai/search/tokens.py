"""CJK-aware tokens for full-text search, the same for every engine (SQLite FTS5, PostgreSQL, OpenSearch).

Chinese has no spaces, so a run of Han characters becomes its overlapping bigrams (最低生活 → 最低 低生 生活),
and a query word becomes a phrase of the same bigrams, which matches only where they are contiguous. Latin
letters and digits form lower-case words. Text is NFKC-normalised first, so ２０２４ and 2024 are one token.
"""

import html
import re
import unicodedata

from django.utils.safestring import SafeString, mark_safe

# Han ideographs (unified, extensions A–F, compatibility) and 〇.
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN_RUNS = re.compile(f"(?P<cjk>[{_HAN}]+)|(?P<word>[^\\W_{_HAN}]+)")


# Characters NFKC leaves alone, or maps only to other separators: basic Han, ASCII, most CJK punctuation and
# full-width punctuation. Only the rest (full-width letters and digits, compatibility ideographs, …) is
# normalised — NFKC over a whole document costs more than the rest of tokenising it.
_NEEDS_NFKC = re.compile(
    "[^\u0000-\u007f\u4e00-\u9fff\u3000-\u3037\u303b-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"
)


def _nfkc(match: re.Match) -> str:
    return unicodedata.normalize("NFKC", match.group())


def normalize(text: str) -> str:
    """NFKC and case folding, as far as tokens can tell the difference."""
    return _NEEDS_NFKC.sub(_nfkc, text).casefold()


def tokens_for_document(text: str) -> list[str]:
    """The tokens of a text, in order: bigrams of each Han run (a lone character as itself), words otherwise."""
    tokens: list[str] = []
    for m in _TOKEN_RUNS.finditer(normalize(text)):
        run = m.group()
        if m.group("cjk"):
            if len(run) == 1:
                tokens.append(run)
            else:
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return tokens


def query_terms(q: str) -> list[list[str]]:
    """One phrase of tokens per word of the query (words are separated by spaces); all must match.

    低保 → [["低保"]]; 最低生活 → [["最低", "低生", "生活"]], a phrase, so it matches only where contiguous.
    A single Han character matches only where it stands alone in the text, since longer runs index bigrams.
    """
    phrases: list[list[str]] = []
    for word in normalize(q).split():
        phrase = tokens_for_document(word)
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return phrases


def as_group(entry) -> list[list[str]]:
    """A query entry as a list of alternative phrases: a phrase (["低保"]) is a group of one; a group
    ([["低保"], ["最低", "低生", "生活"]], from a synonym) stays as it is. Any alternative matches."""
    if entry and isinstance(entry[0], str):
        return [list(entry)]
    return [list(phrase) for phrase in entry]


def highlight(text: str, q: str, width: int = 60) -> SafeString:
    """An HTML snippet of about `width` characters around the first match of any query word, with every
    match inside it wrapped in <mark>. All text is escaped; the mark tags are the only markup."""
    norm, origin = _normalize_with_origin(text)
    words = sorted({w for w in normalize(q).split() if w}, key=len, reverse=True)
    spans = _match_spans(norm, origin, words)

    if spans:
        first_start, first_end = spans[0]
        room = max(width - (first_end - first_start), 0)
        start = max(0, first_start - room // 2)
        end = min(len(text), max(first_end, start + width))
        start = max(0, min(start, end - width))
    else:
        start, end = 0, min(len(text), width)

    out = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    # Every piece of `text` above went through html.escape; only the <mark> tags are markup.
    return mark_safe("".join(out))  # noqa: S308


def _normalize_with_origin(text: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        n = normalize(c)
        chars.append(n)
        origin.extend([i] * len(n))
    origin.append(len(text))
    return "".join(chars), origin


def _match_spans(norm: str, origin: list[int], words: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping matches of the words, as spans of the original text, in order."""
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in words))
    spans = []
    for m in pattern.finditer(norm):
        s, e = origin[m.start()], origin[m.end() - 1] + 1
        if not spans or s >= spans[-1][1]:
            spans.append((s, e))
    return spans
