"""The inverted index over live stories: key -> ids of the stories indexed under it.

A story is indexed under a bounded number of keys (its heaviest terms, or its names), and
lookups skip keys whose posting list has grown past ``max_posting``: such keys are in so
many stories that they cannot tell them apart. So a lookup costs at most
``keys x max_posting`` set operations, whatever the number of stories ever seen; stories
leave the index when they expire, which bounds its memory by the stories of the window.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["InvertedIndex"]


class InvertedIndex:
    """Postings ``key -> set of story ids`` with per-story key sets for cheap updates."""

    __slots__ = ("_keys", "_postings")

    def __init__(self) -> None:
        self._postings: dict[str, set[str]] = {}
        self._keys: dict[str, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def set_keys(self, story_id: str, keys: Iterable[str]) -> None:
        """Index ``story_id`` under exactly ``keys`` (replacing its previous keys)."""
        new = frozenset(keys)
        old = self._keys.get(story_id, frozenset())
        postings = self._postings
        for key in old - new:
            posting = postings.get(key)
            if posting is not None:
                posting.discard(story_id)
                if not posting:
                    del postings[key]
        for key in new - old:
            postings.setdefault(key, set()).add(story_id)
        self._keys[story_id] = new

    def remove(self, story_id: str) -> None:
        """Forget ``story_id`` (a no-op when it is not indexed)."""
        if story_id in self._keys:
            self.set_keys(story_id, ())
            del self._keys[story_id]

    def lookup(
        self, weighted_keys: Iterable[tuple[str, float]], *, max_posting: int
    ) -> dict[str, float]:
        """Stories sharing any of the keys, with the summed weights of the shared keys."""
        scores: dict[str, float] = {}
        get = scores.get
        postings = self._postings
        for key, weight in weighted_keys:
            posting = postings.get(key)
            if posting is None or len(posting) > max_posting:
                continue
            for story_id in posting:
                scores[story_id] = get(story_id, 0.0) + weight
        return scores

    def stats(self) -> tuple[int, int, int]:
        """(stories, distinct keys, total postings) — for the memory bench."""
        return len(self._keys), len(self._postings), sum(len(p) for p in self._postings.values())
