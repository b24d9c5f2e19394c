"""The candidate index: band key -> article ids.

:class:`FingerprintIndex` is the whole protocol the engine needs, small enough for a store to
implement as one table ``dedup_keys(band_key BIGINT, article_id BIGINT)`` with an index on
``band_key``. Two in-memory implementations live here: :class:`MemoryIndex` (a dict, for
tests and evaluation) and :class:`CompactIndex` (sorted numpy arrays plus a small dict of
recent additions, for a few million articles in one process and for the benchmark).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["CompactIndex", "FingerprintIndex", "MemoryIndex"]

IdT = TypeVar("IdT", bound=Hashable)


class FingerprintIndex(Protocol[IdT]):
    """Where band keys meet. ``candidates`` returns every id added under any of the keys;
    its cost must depend on the number of hits, not on the number of ids stored."""

    def add(self, doc_id: IdT, band_keys: Iterable[int]) -> None: ...

    def candidates(self, band_keys: Iterable[int]) -> set[IdT]: ...


class MemoryIndex(FingerprintIndex[IdT]):
    """A dict of lists. ``max_postings`` caps the ids kept per key: a key shared by that many
    articles (a stock phrase, an empty band) no longer tells copies apart."""

    __slots__ = ("_keys", "max_postings")

    def __init__(self, *, max_postings: int = 1000) -> None:
        self._keys: defaultdict[int, list[IdT]] = defaultdict(list)
        self.max_postings = max_postings

    def add(self, doc_id: IdT, band_keys: Iterable[int]) -> None:
        for key in band_keys:
            posting = self._keys[key]
            if len(posting) < self.max_postings:
                posting.append(doc_id)

    def candidates(self, band_keys: Iterable[int]) -> set[IdT]:
        found: set[IdT] = set()
        for key in band_keys:
            posting = self._keys.get(key)
            if posting:
                found.update(posting)
        return found

    def __len__(self) -> int:
        return sum(len(p) for p in self._keys.values())


class CompactIndex(FingerprintIndex[int]):
    """Integer ids only: a sorted ``int64`` key array with a parallel ``int64`` id array
    (16 bytes per posting), plus a dict of the postings added since the last merge, merged
    in when it holds ``merge_every`` postings. A lookup is a binary search per key."""

    __slots__ = ("_ids", "_keys", "_pending", "_pending_count", "merge_every")

    def __init__(self, *, merge_every: int = 1_000_000) -> None:
        self._keys: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._ids: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._pending: defaultdict[int, list[int]] = defaultdict(list)
        self._pending_count = 0
        self.merge_every = merge_every

    def add(self, doc_id: int, band_keys: Iterable[int]) -> None:
        for key in band_keys:
            self._pending[key].append(doc_id)
            self._pending_count += 1
        if self._pending_count >= self.merge_every:
            self.merge()

    def add_bulk(self, keys: npt.NDArray[np.int64], ids: npt.NDArray[np.int64]) -> None:
        """Add many postings at once (``keys[i]`` -> ``ids[i]``), as a store loads them."""
        self.merge()
        all_keys = np.concatenate([self._keys, keys.astype(np.int64)])
        all_ids = np.concatenate([self._ids, ids.astype(np.int64)])
        order = np.argsort(all_keys, kind="stable")
        self._keys, self._ids = all_keys[order], all_ids[order]

    def merge(self) -> None:
        """Fold the recent additions into the sorted arrays."""
        if not self._pending_count:
            return
        keys = np.fromiter(
            (k for k, ids in self._pending.items() for _ in ids),
            dtype=np.int64,
            count=self._pending_count,
        )
        ids = np.fromiter(
            (i for posting in self._pending.values() for i in posting),
            dtype=np.int64,
            count=self._pending_count,
        )
        self._pending.clear()
        self._pending_count = 0
        self.add_bulk(keys, ids)

    def candidates(self, band_keys: Iterable[int]) -> set[int]:
        wanted = np.fromiter(band_keys, dtype=np.int64)
        found: set[int] = set()
        for key in wanted.tolist():
            posting = self._pending.get(key)
            if posting:
                found.update(posting)
        if len(self._keys) and len(wanted):
            left = np.searchsorted(self._keys, wanted, side="left")
            right = np.searchsorted(self._keys, wanted, side="right")
            for lo, hi in zip(left.tolist(), right.tolist(), strict=True):
                if hi > lo:
                    found.update(self._ids[lo:hi].tolist())
        return found

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted arrays (the pending dict not counted)."""
        return int(self._keys.nbytes + self._ids.nbytes)

    def __len__(self) -> int:
        return len(self._keys) + self._pending_count
