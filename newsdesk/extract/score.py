"""The extraction benchmark's metric: 4-token shingle matching, page-weighted.

This is the scoring of the article-extraction benchmark kept in ``../shared/data``
(see its README), restated in our own code:

1. Both texts are split into word tokens, runs of Unicode ``\\w`` characters; case is kept.
2. Each token list becomes overlapping 4-token shingles, counted as a multiset. A text with
   one to three tokens yields a single shorter shingle; an empty text yields none.
3. Per page, true positives are the shingles both multisets share, false positives the extra
   ones predicted, false negatives the missing ones; the three are divided by their sum so that
   every page weighs the same whatever its length.
4. Precision is the mean of ``tp / (tp + fp)`` over the pages that predicted something;
   recall the mean of ``tp / (tp + fn)`` over the pages that expect something. A page where
   both texts are empty scores 1 on its own, and (having neither predicted nor expected
   shingles) is left out of both means, as upstream does.
5. F1 is the harmonic mean of mean precision and mean recall, not a mean of per-page F1s.

Everything here is pure: strings in, numbers out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["SHINGLE_SIZE", "PageScore", "Scores", "aggregate", "score_page", "shingles", "tokens"]

SHINGLE_SIZE = 4

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """The word tokens of ``text``: maximal runs of Unicode word characters, case kept."""
    return _TOKEN.findall(text)


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of overlapping ``size``-token shingles of ``text``.

    A text shorter than ``size`` tokens (but not empty) gives one shingle of all its tokens.
    """
    toks = tokens(text)
    if not toks:
        return Counter()
    count = max(1, len(toks) - size + 1)
    return Counter(tuple(toks[i : i + size]) for i in range(count))


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's normalised counts (``tp + fp + fn == 1`` unless all are 0).

    ``predicted`` / ``expected`` say whether the page had any predicted / true shingles,
    which decides whether it takes part in the precision / recall means.
    """

    tp: float
    fp: float
    fn: float

    @property
    def predicted(self) -> bool:
        return self.tp + self.fp > 0

    @property
    def expected(self) -> bool:
        return self.tp + self.fn > 0

    @property
    def precision(self) -> float:
        """``tp / (tp + fp)``; 1 when nothing was predicted and nothing was missed."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if not self.predicted:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        """``tp / (tp + fn)``; 1 when nothing was expected and nothing extra was predicted."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if not self.expected:
            return 0.0
        return self.tp / (self.tp + self.fn)


@dataclass(frozen=True, slots=True)
class Scores:
    """Benchmark figures over a set of pages."""

    precision: float
    recall: float
    f1: float
    pages: int


def score_page(predicted: str, expected: str) -> PageScore:
    """Compare one page's extracted text with its reference text."""
    pred = shingles(predicted)
    true = shingles(expected)
    tp = fp = fn = 0
    for key in pred.keys() | true.keys():
        p, t = pred.get(key, 0), true.get(key, 0)
        tp += min(p, t)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def _mean(values: list[float]) -> float:
    # An empty mean only happens when no page predicted (or expected) anything at all; then
    # nothing wrong was claimed (or nothing was there to find), which we count as 1.
    return sum(values) / len(values) if values else 1.0


def aggregate(scores: Iterable[PageScore]) -> Scores:
    """Mean precision, mean recall and their harmonic mean over ``scores``."""
    pages = list(scores)
    precision = _mean([s.precision for s in pages if s.predicted])
    recall = _mean([s.recall for s in pages if s.expected])
    total = precision + recall
    f1 = 2 * precision * recall / total if total > 0 else 0.0
    return Scores(precision=precision, recall=recall, f1=f1, pages=len(pages))
