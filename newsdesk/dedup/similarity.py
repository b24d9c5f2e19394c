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
``kept``
    how much of the wording survives in place: each sentence is diffed word by word
    against the sentence it aligns with, and the words in runs the two share, or in short
    runs swapped for short runs (a spinner's synonym, at most ``_SWAP_WORDS`` words each
    side), are counted over all words; the *higher* of the two directions is kept. A spun
    copy keeps every sentence's skeleton and changes words in place, and adds nothing, so
    nearly all of its own words are kept (the original's side loses the sentences the
    spinner dropped); two rewrites of one wire story merge, split and extend sentences,
    so each has whole clauses the other lacks. Computed only for pairs whose ``aligned``
    reaches ``_KEPT_FROM`` (0.0 otherwise): only the spun-copy rule reads it, and the diff
    is the costly part.
``distinctive``
    the share of the shorter text's names and numbers (capitalised words, digits) found
    in the other text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from newsdesk.dedup.fingerprint import STOPWORDS, shingle_set, strip_boilerplate, tokens

__all__ = ["Similarity", "TextFeatures", "clean_text_features", "compare", "text_features"]

_SENTENCE = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+|\n+")
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][\w'-]+|\d[\d.,:%]*)")
_STEM = 6
_SWAP_WORDS = 4
_KEPT_FROM = 0.45


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """What :func:`compare` needs of one text."""

    shingles: frozenset[int]
    sentences: tuple[frozenset[str], ...]
    names: frozenset[str]
    words: int
    content_words: int
    wording: tuple[tuple[str, ...], ...] = ()


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
    kept: float = 0.0


def _stems(words: Sequence[str]) -> frozenset[str]:
    return frozenset(w[:_STEM] for w in words if w not in STOPWORDS and (len(w) > 2 or w.isdigit()))


def text_features(text: str, *, shingle_words: int = 5) -> TextFeatures:
    """The :class:`TextFeatures` of an article text (boilerplate lines stripped first)."""
    clean = strip_boilerplate(text)
    words = tokens(clean)
    return clean_text_features(clean, words, shingle_set(clean, k=shingle_words))


def clean_text_features(clean: str, words: Sequence[str], shingles: frozenset[int]) -> TextFeatures:
    """:func:`text_features` of a boilerplate-free text (:func:`strip_boilerplate`) whose
    :func:`tokens` are ``words`` and shingle set ``shingles``: for a caller that has them
    already (the fingerprint is made of the same words)."""
    kept: list[tuple[tuple[str, ...], frozenset[str]]] = []
    for piece in _SENTENCE.split(clean):
        sentence_words = tuple(tokens(piece))
        stems = _stems(sentence_words)
        if stems:
            kept.append((sentence_words, stems))
    sentences = tuple(stems for _, stems in kept)
    return TextFeatures(
        shingles=shingles,
        sentences=sentences,
        names=frozenset(m.casefold() for m in _NAME_OR_NUMBER.findall(clean)),
        words=len(words),
        content_words=sum(len(s) for s in sentences),
        wording=tuple(sentence_words for sentence_words, _ in kept),
    )


def _best_matches(one: TextFeatures, other: TextFeatures) -> list[tuple[int, int]]:
    """For each sentence of ``one``: (index of the sentence of ``other`` sharing most of its
    content words or -1, how many it shares)."""
    # Word -> sentences of ``other`` holding it: each sentence's best match is then found
    # by counting, not by intersecting it with every sentence.
    where: dict[str, list[int]] = {}
    for number, sentence in enumerate(other.sentences):
        for word in sentence:
            where.setdefault(word, []).append(number)
    matches: list[tuple[int, int]] = []
    for sentence in one.sentences:
        hits: Counter[int] = Counter()
        for word in sentence:
            found = where.get(word)
            if found:
                hits.update(found)
        matches.append(hits.most_common(1)[0] if hits else (-1, 0))
    return matches


def _aligned(one: TextFeatures, matches: list[tuple[int, int]]) -> tuple[float, float]:
    """(aligned word share, sentence coverage) of ``one`` given its ``matches``."""
    if not one.content_words:
        return 0.0, 0.0
    shared = covered = counted = 0
    for sentence, (_, best) in zip(one.sentences, matches, strict=True):
        shared += best
        if len(sentence) >= 3:
            counted += 1
            covered += 2 * best >= len(sentence)
    return shared / one.content_words, covered / counted if counted else 0.0


def _kept(one: TextFeatures, other: TextFeatures, matches: list[tuple[int, int]]) -> float:
    """The share of ``one``'s words kept in place in the sentences they align with, or
    swapped for a few words (see ``kept`` in the module docstring)."""
    if len(one.wording) != len(one.sentences) or len(other.wording) != len(other.sentences):
        return 0.0  # features made without the wording
    total = kept = 0
    for words, (best, _) in zip(one.wording, matches, strict=True):
        total += len(words)
        if best < 0:
            continue
        diff = SequenceMatcher(None, words, other.wording[best], autojunk=False)
        for op, i1, i2, j1, j2 in diff.get_opcodes():
            if op == "equal" or (
                op == "replace" and i2 - i1 <= _SWAP_WORDS and j2 - j1 <= _SWAP_WORDS
            ):
                kept += i2 - i1
    return kept / total if total else 0.0


def compare(a: TextFeatures, b: TextFeatures) -> Similarity:
    """The :class:`Similarity` of two texts; symmetric."""
    small, large = (a, b) if a.content_words <= b.content_words else (b, a)
    shared = len(a.shingles & b.shingles)
    smaller = min(len(a.shingles), len(b.shingles))
    union = len(a.shingles) + len(b.shingles) - shared
    names = len(small.names & large.names) / len(small.names) if small.names else 0.0
    longer = max(a.words, b.words)
    matches_ab, matches_ba = _best_matches(a, b), _best_matches(b, a)
    words_ab, cover_ab = _aligned(a, matches_ab)
    words_ba, cover_ba = _aligned(b, matches_ba)
    aligned = min(words_ab, words_ba)
    kept = 0.0
    if aligned >= _KEPT_FROM:
        kept = max(_kept(a, b, matches_ab), _kept(b, a, matches_ba))
    return Similarity(
        containment=shared / smaller if smaller else 0.0,
        jaccard=shared / union if union else 0.0,
        aligned=aligned,
        aligned_shorter=words_ab if a is small else words_ba,
        coverage=min(cover_ab, cover_ba),
        distinctive=names,
        size_ratio=min(a.words, b.words) / longer if longer else 0.0,
        shared_shingles=shared,
        kept=kept,
    )
