"""BM25 over a bounded set of candidates, in pure functions.

The engines' own BM25 (FTS5's bm25(), PostgreSQL's ts_rank) needs, for each query word, the number of
documents that contain it. FTS5 counts that by walking the word's whole posting list: for a word in every
document of a million that alone costs ~100 ms. Here the search collects the newest candidates (an index
walk), and ranks them in Python from their token strings, with a document frequency the backend estimates
from a bounded sample (backends.estimate_document_frequency).

The formula is FTS5's: per phrase, w = title_weight × (occurrences in the title) + (occurrences in the body),
score += idf × w × (k1 + 1) / (w + k1 × (1 − b + b × length / average length)).
"""

import math
from collections.abc import Sequence

from gongkai.search.tokens import as_group

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 10.0
MIN_IDF = 1e-6  # as FTS5: a word in more than half the documents still counts a little


def idf(document_frequency: float, total_documents: int) -> float:
    """Inverse document frequency, floored at MIN_IDF (a word in most documents says almost nothing)."""
    total = max(total_documents, 1)
    df = min(max(document_frequency, 0.0), total)
    return max(math.log((total - df + 0.5) / (df + 0.5)), MIN_IDF)


def occurrences(phrase: Sequence[str], padded_tokens: str) -> int:
    """How often the phrase (its tokens, contiguous) occurs in a token string padded with a space each side."""
    return padded_tokens.count(" " + " ".join(phrase) + " ")


def group_occurrences(entry, padded_tokens: str) -> int:
    """Occurrences of a query entry: a phrase, or the sum over a group of alternative phrases (synonyms)."""
    return sum(occurrences(phrase, padded_tokens) for phrase in as_group(entry))


def bm25(
    documents: Sequence[tuple[str, str]],
    phrases: Sequence[Sequence[str]],
    idfs: Sequence[float],
    *,
    title_weight: float = TITLE_WEIGHT,
) -> list[float]:
    """A score per document (title tokens, body tokens), higher is more relevant.

    Each of `phrases` is a phrase or a group of alternative phrases (tokens.as_group), scored as one word.
    Length is measured in characters of the token strings (proportional to the number of tokens: a
    bigram and its space are three characters), normalised by the average over `documents`.
    """
    if not documents:
        return []
    padded = [(f" {title} ", f" {body} ") for title, body in documents]
    lengths = [len(title) + len(body) for title, body in padded]
    average = sum(lengths) / len(lengths) or 1.0
    scores = []
    for (title, body), length in zip(padded, lengths, strict=True):
        norm = K1 * (1 - B + B * length / average)
        score = 0.0
        for phrase, weight in zip(phrases, idfs, strict=True):
            w = title_weight * group_occurrences(phrase, title) + group_occurrences(phrase, body)
            if w:
                score += weight * w * (K1 + 1) / (w + norm)
        scores.append(score)
    return scores


def estimated_document_frequency(
    sample_hits: int, sample_size: int, total_documents: int, bounded_count=None, *, bound: int = 1000
) -> float:
    """How many documents contain a phrase, from how many of the newest `sample_size` do.

    The sample is the whole index when it is that small. A phrase too rare in the sample to scale (fewer
    than five hits) is counted exactly, up to `bound` documents, by `bounded_count(bound)` (a callable, so
    that frequent phrases never pay for it); one that reaches the bound is at least that frequent.
    """
    if sample_size >= total_documents:
        return float(sample_hits)
    scaled = sample_hits / max(sample_size, 1) * total_documents
    if sample_hits >= 5 or bounded_count is None:
        return scaled
    counted = bounded_count(bound)
    return float(counted) if counted < bound else max(float(bound), scaled)
