"""Incremental document frequencies and the sparse-vector arithmetic of the clusterer.

Vectors are ``dict[str, float]`` of raw (sublinear) term weights; IDF is applied at
comparison time from the current document frequencies, so a story's centroid never has to
be recomputed when the frequencies move.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

__all__ = ["DocumentFrequency", "sublinear", "unit"]


class DocumentFrequency:
    """Document frequencies kept as documents arrive: ``add`` then ``idf``.

    ``idf(t) = ln((N + prior + 1) / (df(t) + 0.5))``. ``prior`` counts imaginary documents
    holding none of the terms, so that a cold start (a fresh install, the first articles
    of a new language) does not give the words two articles share the lowest weight; it
    fades as real documents arrive. Memory grows with the vocabulary — which in a news
    stream keeps growing (new names, numbers, typos) — until :meth:`prune` bounds it.
    """

    __slots__ = ("counts", "documents", "prior")

    def __init__(
        self, counts: dict[str, int] | None = None, documents: int = 0, *, prior: int = 0
    ) -> None:
        self.counts: dict[str, int] = counts if counts is not None else {}
        self.documents = documents
        self.prior = prior

    def add(self, terms: Iterable[str]) -> None:
        """Count one document holding ``terms`` (each distinct term once)."""
        counts = self.counts
        for term in set(terms):
            counts[term] = counts.get(term, 0) + 1
        self.documents += 1

    def idf(self, term: str) -> float:
        return math.log((self.documents + self.prior + 1) / (self.counts.get(term, 0) + 0.5))

    def idfs(self, terms: Iterable[str]) -> dict[str, float]:
        """``{term: idf(term)}`` for many terms at once (one call instead of one per term:
        this is on the per-article path)."""
        total = math.log(self.documents + self.prior + 1)
        get = self.counts.get
        log = math.log
        return {term: total - log(get(term, 0) + 0.5) for term in terms}

    def df(self, term: str) -> int:
        return self.counts.get(term, 0)

    def prune(self, limit: int) -> int:
        """When more than ``limit`` terms are counted, forget the rarest: every term at or
        below the smallest count that leaves at most three quarters of ``limit``. Returns
        how many were dropped (0 when under the limit).

        A forgotten term counts as unseen again (its IDF is the highest there is, as it
        nearly was); one that keeps coming back soon counts past the cut and stays. The
        document count is kept, so the other terms' IDFs do not move."""
        counts = self.counts
        if len(counts) <= limit:
            return 0
        keep = limit * 3 // 4
        by_count = Counter(counts.values())
        dropped = 0
        cut = 0
        for count in sorted(by_count):
            if len(counts) - dropped <= keep:
                break
            dropped += by_count[count]
            cut = count
        self.counts = {t: c for t, c in counts.items() if c > cut}
        return len(counts) - len(self.counts)


def sublinear(counts: Mapping[str, float]) -> dict[str, float]:
    """``1 + ln(c)`` for counts of at least 1, the count itself below (weighted tokens)."""
    return {t: (1.0 + math.log(c)) if c >= 1.0 else c for t, c in counts.items()}


def unit(vector: Mapping[str, float]) -> dict[str, float]:
    """``vector`` scaled to Euclidean length 1 (empty stays empty)."""
    norm = math.sqrt(sum(v * v for v in vector.values()))
    if norm == 0.0:
        return {}
    return {t: v / norm for t, v in vector.items()}
