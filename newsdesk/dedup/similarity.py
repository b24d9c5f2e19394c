"""Exact similarity between two article texts, for the few candidates the index returns.

Pure. :func:`text_features` is computed once per text; :func:`compare` measures two of them:

``containment``
    shared 5-word shingles over the shingles of the shorter text. A verbatim, templated or
    truncated copy scores near 1 (boilerplate lines are stripped before); a wire story
    reprinted with a local paragraph or two added scores above 0.5; two reports of one event
    written separately score near 0 (they share names, not sentences).
``aligned``
    *soft* containment for spun copies: each sentence of one text is matched to the
    sentence of the other text sharing most of its content words (crudely stemmed), and the
    shared words are summed over the sentences, over the text's content words; the lower
    of the two directions is kept (a spun copy rewrites the whole text, so both directions
    align, while a brief on an event is easily "contained" in a longer report).
    Synonym swaps and reordered sentences leave most of a spun copy's words aligned with
    one sentence of the original; a different report of the same event shares its names and
    numbers scattered over other sentences, so far fewer words align.
``coverage``
    the share of sentences (of three or more content words) at least half of whose words
    align with one sentence of the other text, again the lower of the two directions: in
    a spun copy nearly every sentence aligns that well, while a rewrite of a report keeps
    some sentences whole and replaces others.
``distinctive``
    the share of the shorter text's names and numbers (capitalised words, digits) found
    in the other text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsdesk.dedup.fingerprint import STOPWORDS, shingle_set, strip_boilerplate, tokens

__all__ = ["Similarity", "TextFeatures", "compare", "text_features"]

_SENTENCE = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+|\n+")
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][\w'-]+|\d[\d.,:%]*)")
_STEM = 6


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """What :func:`compare` needs of one text."""

    shingles: frozenset[int]
    sentences: tuple[frozenset[str], ...]
    names: frozenset[str]
    words: int
    content_words: int


@dataclass(frozen=True, slots=True)
class Similarity:
    """How alike two texts are (see the module docstring). ``size_ratio`` is the shorter
    text's word count over the longer one's; ``aligned_shorter`` is the aligned share of the
    text with fewer content words alone (a short excerpt aligns fully with its source)."""

    containment: float
    jaccard: float
    aligned: float
    aligned_shorter: float
    coverage: float
    distinctive: float
    size_ratio: float
    shared_shingles: int


def _stems(sentence: str) -> frozenset[str]:
    return frozenset(
        w[:_STEM] for w in tokens(sentence) if w not in STOPWORDS and (len(w) > 2 or w.isdigit())
    )


def text_features(text: str, *, shingle_words: int = 5) -> TextFeatures:
    """The :class:`TextFeatures` of an article text (boilerplate lines stripped first)."""
    clean = strip_boilerplate(text)
    sentences = tuple(s for s in (_stems(p) for p in _SENTENCE.split(clean)) if s)
    return TextFeatures(
        shingles=shingle_set(clean, k=shingle_words),
        sentences=sentences,
        names=frozenset(m.casefold() for m in _NAME_OR_NUMBER.findall(clean)),
        words=len(tokens(clean)),
        content_words=sum(len(s) for s in sentences),
    )


def _aligned(one: TextFeatures, other: TextFeatures) -> tuple[float, float]:
    """(aligned word share, sentence coverage) of ``one`` against ``other``."""
    if not one.content_words or not other.sentences:
        return 0.0, 0.0
    # Word -> sentences of ``other`` holding it: each sentence's best match is then found
    # by counting, not by intersecting it with every sentence.
    where: dict[str, list[int]] = {}
    for number, sentence in enumerate(other.sentences):
        for word in sentence:
            where.setdefault(word, []).append(number)
    shared = covered = counted = 0
    for sentence in one.sentences:
        hits: Counter[int] = Counter()
        for word in sentence:
            found = where.get(word)
            if found:
                hits.update(found)
        best = max(hits.values(), default=0)
        shared += best
        if len(sentence) >= 3:
            counted += 1
            covered += 2 * best >= len(sentence)
    return shared / one.content_words, covered / counted if counted else 0.0


def compare(a: TextFeatures, b: TextFeatures) -> Similarity:
    """The :class:`Similarity` of two texts; symmetric."""
    small, large = (a, b) if a.content_words <= b.content_words else (b, a)
    shared = len(a.shingles & b.shingles)
    smaller = min(len(a.shingles), len(b.shingles))
    union = len(a.shingles) + len(b.shingles) - shared
    names = len(small.names & large.names) / len(small.names) if small.names else 0.0
    longer = max(a.words, b.words)
    words_ab, cover_ab = _aligned(a, b)
    words_ba, cover_ba = _aligned(b, a)
    return Similarity(
        containment=shared / smaller if smaller else 0.0,
        jaccard=shared / union if union else 0.0,
        aligned=min(words_ab, words_ba),
        aligned_shorter=words_ab if a is small else words_ba,
        coverage=min(cover_ab, cover_ba),
        distinctive=names,
        size_ratio=min(a.words, b.words) / longer if longer else 0.0,
        shared_shingles=shared,
    )
