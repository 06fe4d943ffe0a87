"""Suggestions for a query that finds nothing or is written in pinyin: “您要找的是不是：低保”.

A small vocabulary of the words the index's titles use (the 2- to 4-character runs of the newest titles, and the
synonym table's words) is keyed by full pinyin (低保 → dibao) and by initials (低保公示 → dbgs). A query is mapped
onto it word by word:

- letters that spell a vocabulary word's pinyin (dibao, di bao, DiBao) → that word;
- letters that are a word's initials, three letters or more, and only when one word clearly owns them (dbgs →
  低保公示; db matches too many words and is never guessed);
- Han characters that are not a vocabulary word but sound like one (低宝 → 低保), only when asked (the caller asks
  when the query found nothing, so a query with results is never second-guessed).

The pure part (Vocabulary, suggest) has no database; queries.py builds the vocabulary from the index, bounded
(VOCABULARY_TITLES newest titles) and cached, so the cost does not grow with the number of items.
"""

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

WORD_LENGTHS = (2, 3, 4)  # characters of the n-grams kept as vocabulary words
VOCABULARY_SIZE = 5000  # the most frequent words kept
MIN_INITIALS = 3  # initials shorter than this match too many words (db: 低保, 党办, 多保 …)
DOMINANCE = 3  # a word owns its initials when it is this many times more frequent than the next

_LETTERS = re.compile(r"^[a-z]+$")
_HAN_RUN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")


@functools.lru_cache(maxsize=50_000)
def _syllables(word: str) -> tuple[str, ...]:
    # Kept across vocabulary rebuilds: the words of the newest titles change little from one to the next.
    return tuple(s for s in lazy_pinyin(word, style=Style.NORMAL, errors="ignore", v_to_u=False) if s)


def pinyin_key(word: str) -> str:
    """低保 → dibao (toneless, no separators; ü as v)."""
    return "".join(_syllables(word))


def initials_key(word: str) -> str:
    """低保公示 → dbgs (zh, ch, sh as z, c, s)."""
    return "".join(s[0] for s in _syllables(word))


def runs_from_title_tokens(tokens: str) -> list[str]:
    """The Han runs a title's token string (tokens.tokens_for_document, space-separated) was made from.

    Overlapping bigrams (最低 低生 生活) chain back into their run (最低生活); a run boundary cannot always be told
    apart from two runs that happen to chain, which only adds a few odd n-grams of count one.
    """
    runs: list[str] = []
    current = ""
    for token in tokens.split():
        if len(token) != 2 or not _HAN_RUN.match(token):
            if len(current) >= 2:
                runs.append(current)
            current = ""
            continue
        if current and current[-1] == token[0]:
            current += token[1]
        else:
            if len(current) >= 2:
                runs.append(current)
            current = token
    if len(current) >= 2:
        runs.append(current)
    return runs


def word_counts(title_token_strings: Iterable[str]) -> Counter:
    """How many titles hold each 2- to 4-character n-gram of their Han runs."""
    counts: Counter = Counter()
    for tokens in title_token_strings:
        words = set()
        for run in runs_from_title_tokens(tokens):
            for n in WORD_LENGTHS:
                words.update(run[i : i + n] for i in range(len(run) - n + 1))
        counts.update(words)
    return counts


@dataclass
class Vocabulary:
    counts: dict[str, int] = field(default_factory=dict)
    by_pinyin: dict[str, list[str]] = field(default_factory=dict)  # most frequent first
    by_initials: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, counts: Counter, extra_words: Iterable[str] = (), size: int = VOCABULARY_SIZE
    ) -> "Vocabulary":
        """The `size` most frequent words (a word of one title only is kept when the index is small), and the
        `extra_words` (the synonym table's) whatever their count."""
        kept = {word: count for word, count in counts.most_common(size)}
        for word in extra_words:
            if _HAN_RUN.match(word):
                kept[word] = max(kept.get(word, 0), counts.get(word, 0), 1)
        by_pinyin: dict[str, list[str]] = {}
        by_initials: dict[str, list[str]] = {}
        for word in sorted(kept, key=lambda w: (-kept[w], w)):
            by_pinyin.setdefault(pinyin_key(word), []).append(word)
            by_initials.setdefault(initials_key(word), []).append(word)
        return cls(counts=kept, by_pinyin=by_pinyin, by_initials=by_initials)

    def from_letters(self, letters: str) -> str | None:
        """The word whose pinyin, or (clearly) whose initials, the letters spell."""
        letters = letters.lower()
        if not _LETTERS.match(letters) or len(letters) < 2:
            return None
        spelled = self.by_pinyin.get(letters)
        if spelled:
            return spelled[0]
        owners = self.by_initials.get(letters, [])
        clear_owner = owners and (
            len(owners) == 1 or self.counts[owners[0]] >= DOMINANCE * self.counts[owners[1]]
        )
        if len(letters) >= MIN_INITIALS and clear_owner:
            return owners[0]
        return None

    def homophone(self, word: str) -> str | None:
        """A vocabulary word that sounds like `word` (低宝 → 低保); None when `word` is itself one."""
        if len(word) < 2 or word in self.counts or not _HAN_RUN.match(word):
            return None
        sounds = self.by_pinyin.get(pinyin_key(word), [])
        return sounds[0] if sounds else None

    def correct_han(self, word: str) -> str | None:
        """`word` with its miswritten part put right: the whole word, else each two-character piece that is not a
        vocabulary word but sounds like one (低宝公示 → 低保公示). None when nothing changes."""
        whole = self.homophone(word)
        if whole:
            return whole
        if len(word) < 4:
            return None
        pieces = [word[i : i + 2] for i in range(0, len(word), 2)]
        fixed = [self.homophone(piece) or piece if len(piece) == 2 else piece for piece in pieces]
        corrected = "".join(fixed)
        return corrected if corrected != word else None


def suggest(
    words: list[str], vocabulary: Vocabulary, *, homophones: bool, corrections: dict[str, str]
) -> str | None:
    """A corrected query for the query's normalised words, or None when there is nothing to correct.

    Consecutive words of letters are read as one pinyin (di bao → dibao) before word by word. `corrections`:
    the synonym table's one-way entries (低宝 → 低保), which are miswritings by definition. `homophones`: also
    correct Han words that only sound like a vocabulary word (ask only when the query found nothing).
    """
    out: list[str] = []
    changed = False
    i = 0
    while i < len(words):
        word = words[i]
        if _LETTERS.match(word):
            j = i
            while j < len(words) and _LETTERS.match(words[j]):
                j += 1
            joined = vocabulary.from_letters("".join(words[i:j])) if j - i > 1 else None
            if joined:
                out.append(joined)
                changed = True
            else:
                for letters in words[i:j]:
                    found = vocabulary.from_letters(letters)
                    out.append(found or letters)
                    changed = changed or bool(found)
            i = j
            continue
        fixed = corrections.get(word)
        if fixed is None and homophones:
            fixed = vocabulary.correct_han(word)
        if fixed and fixed != word:
            out.append(fixed)
            changed = True
        else:
            out.append(word)
        i += 1
    if not changed:
        return None
    unique = list(dict.fromkeys(out))
    return " ".join(unique)
