"""The in-memory FingerprintIndex implementations."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.dedup.index import CompactIndex, FingerprintIndex, MemoryIndex


@pytest.mark.parametrize("make", [lambda: MemoryIndex[int](), lambda: CompactIndex(merge_every=3)])
def test_candidates_are_ids_sharing_any_key(make: object) -> None:
    index: FingerprintIndex[int] = make()  # type: ignore[operator]
    index.add(1, [10, 11])
    index.add(2, [11, 12])
    index.add(3, [13])
    assert index.candidates([11]) == {1, 2}
    assert index.candidates([10, 13]) == {1, 3}
    assert index.candidates([99]) == set()
    assert index.candidates([]) == set()


def test_memory_index_caps_postings() -> None:
    index = MemoryIndex[int](max_postings=2)
    for doc in range(5):
        index.add(doc, [7])
    assert index.candidates([7]) == {0, 1}


def test_compact_index_bulk_and_pending_together() -> None:
    index = CompactIndex(merge_every=1000)
    index.add_bulk(np.array([5, 6, 5], dtype=np.int64), np.array([1, 2, 3], dtype=np.int64))
    index.add(4, [6])
    assert index.candidates([5]) == {1, 3}
    assert index.candidates([6]) == {2, 4}
    index.merge()
    assert index.candidates([6]) == {2, 4}
    assert len(index) == 4 and index.nbytes == 4 * 16
