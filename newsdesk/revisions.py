"""Text revisions: what changed between two extracted texts of one article, and when to
look at a page again. Pure: texts, times and thresholds in, values out.

:func:`text_change` compares an article's stored text with a newly extracted one,
sentence by sentence (``difflib.SequenceMatcher`` over sentences, then over the words of
the changed sentences), and returns a :class:`TextChange` — words added and removed, word
counts before and after, and the sentences added and removed — or None when the change is
trivial: whitespace, typography (curly quotes, dashes, NFKC forms), case or punctuation
only, or sentences merely split differently. A sentence moved elsewhere unchanged is not
a change either.

:func:`next_revisit` is the bounded revisit schedule: a page is looked at again a fixed
number of hours after its first extraction (``revisit_hours``), never after the last.

Words are counted as :mod:`newsdesk.web.excerpt` counts them: a run of letters or digits
is a word; a CJK character (scripts without spaces) counts as half a word.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdesk.normalize.words import CJK_CHAR as _CJK_CHAR
from newsdesk.normalize.words import WORD as _TOKEN

__all__ = [
    "MAX_PASSAGES",
    "MAX_PASSAGE_CHARS",
    "TextChange",
    "looks_truncated",
    "next_revisit",
    "normalise",
    "sentences",
    "text_change",
    "word_count",
]

MAX_PASSAGES = 50
"""Sentences kept per side (added, removed) of one revision; the rest are counted only."""
MAX_PASSAGE_CHARS = 1000
"""A kept sentence is cut to this many characters (a "sentence" without full stops can be
a whole paragraph)."""

_SPACES = re.compile(r"\s+")
# A sentence ends at . ! ? and closing quotes, then a space and not a lower-case letter
# ("U.S. officials" stays one), or at a CJK full stop (no space needed).
_SENTENCE_END = re.compile(r"([.!?][\"'”’)\]]*)\s+(?=[^\sa-z])|([。！？][」』）]*)\s*")
_TYPOGRAPHY = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\ufeff": None,
    }
)


@dataclass(frozen=True, slots=True)
class TextChange:
    """A meaningful change of an article's text.

    ``words_added``/``words_removed``: words inserted and deleted (a sentence with one
    number changed counts one of each); ``words_before``/``words_after``: the texts' word
    counts; ``added``/``removed``: the sentences added and removed, in text order, at most
    :data:`MAX_PASSAGES` each (each at most :data:`MAX_PASSAGE_CHARS` characters)."""

    words_before: int
    words_after: int
    words_added: int
    words_removed: int
    added: tuple[str, ...]
    removed: tuple[str, ...]


def normalise(text: str) -> str:
    """``text`` with typography unified (NFKC, straight quotes, one kind of dash, no soft
    hyphens or zero-width spaces) and every run of whitespace one space."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    return _SPACES.sub(" ", text).strip()


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(normalise(text))]


def _weight(tokens: Sequence[str]) -> int:
    cjk = sum(1 for t in tokens if _CJK_CHAR.fullmatch(t))
    return len(tokens) - cjk + math.ceil(cjk / 2)


def word_count(text: str) -> int:
    """Words in ``text``: runs of letters and digits, a CJK character counting half."""
    return _weight(_tokens(text))


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (one paragraph per line, as extraction gives it), each
    normalised (:func:`normalise`); lines without a full stop are one sentence each."""
    out: list[str] = []
    for line in text.splitlines():
        line = normalise(line)
        if not line:
            continue
        marked = _SENTENCE_END.sub(lambda m: (m.group(1) or m.group(2)) + "\n", line)
        out.extend(s.strip() for s in marked.split("\n") if s.strip())
    return out


def text_change(before: str, after: str) -> TextChange | None:
    """What changed from ``before`` to ``after`` (both plain text, one paragraph per line);
    None when nothing meaningful did (see the module's docstring)."""
    if normalise(before) == normalise(after):
        return None
    old_tokens, new_tokens = _tokens(before), _tokens(after)
    if old_tokens == new_tokens:  # case, punctuation or typography only
        return None
    old, new = sentences(before), sentences(after)
    old_keys = [tuple(_tokens(s)) for s in old]
    new_keys = [tuple(_tokens(s)) for s in new]
    removed_at: list[int] = []
    added_at: list[int] = []
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            removed_at.extend(range(a0, a1))
            added_at.extend(range(b0, b1))
    # A sentence removed in one place and added in another, unchanged, was moved.
    moved = {old_keys[i] for i in removed_at} & {new_keys[j] for j in added_at}
    # Words: the removed sentences' words against the added ones', in text order, so a
    # sentence edited (and perhaps moved too) counts its changed words only.
    a_words = [t for i in removed_at if old_keys[i] not in moved for t in old_keys[i]]
    b_words = [t for j in added_at if new_keys[j] not in moved for t in new_keys[j]]
    words_added = words_removed = 0
    inner = difflib.SequenceMatcher(a=a_words, b=b_words, autojunk=False)
    for op, a0, a1, b0, b1 in inner.get_opcodes():
        if op != "equal":
            words_removed += _weight(a_words[a0:a1])
            words_added += _weight(b_words[b0:b1])
    if not words_added and not words_removed:  # re-split sentences, moves
        return None
    return TextChange(
        words_before=_weight(old_tokens),
        words_after=_weight(new_tokens),
        words_added=words_added,
        words_removed=words_removed,
        added=_passages(new, new_keys, added_at, moved),
        removed=_passages(old, old_keys, removed_at, moved),
    )


def _passages(
    texts: Sequence[str],
    keys: Sequence[tuple[str, ...]],
    at: Sequence[int],
    moved: set[tuple[str, ...]],
) -> tuple[str, ...]:
    kept = [texts[i][:MAX_PASSAGE_CHARS] for i in at if keys[i] and keys[i] not in moved]
    return tuple(kept[:MAX_PASSAGES])


def looks_truncated(change: TextChange, *, min_share: float = 0.2) -> bool:
    """Whether the new text kept less than ``min_share`` of the old one's words: more
    likely a page that failed to render (a consent wall, an error page served with 200,
    a bad extraction) than an edit, so it is not taken as the article's text."""
    return change.words_after < min_share * change.words_before


def next_revisit(first: datetime, *, after: datetime, hours: Sequence[float]) -> datetime | None:
    """The first of ``first + h`` for ``h`` in ``hours`` strictly after ``after``; None
    when every revisit is past (or ``hours`` is empty): the schedule is over."""
    due = sorted(first + timedelta(hours=h) for h in hours if h > 0)
    return next((t for t in due if t > after), None)
