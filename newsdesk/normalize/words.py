"""Words across scripts: Chinese and Japanese put no spaces between words, so each of
their characters counts as a word (the convention of word counts in those languages);
elsewhere a word is a run of letters and digits. Korean is written with spaces: its
words are runs like any other."""

from __future__ import annotations

import re

__all__ = ["CJK", "CJK_CHAR", "HANGUL", "WORD", "word_count", "words"]

#: Kana, CJK ideographs (unified, extension A, compatibility) and half-width katakana.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
CJK_CHAR = re.compile(f"[{CJK}]")
#: Hangul syllables. Korean is spaced, but its particles are glued to the noun (삼성전자는,
#: 삼성전자가), so story clustering splits Hangul runs into character bigrams like CJK.
HANGUL = "\uac00-\ud7af"
#: One CJK character, or a run of other letters and digits (underscores excluded).
WORD = re.compile(rf"[{CJK}]|[^\W_{CJK}]+")


def words(text: str) -> list[str]:
    """The words of ``text`` in order, case kept."""
    return WORD.findall(text)


def word_count(text: str | None) -> int:
    """How many words ``text`` holds (0 for None or empty)."""
    return len(WORD.findall(text)) if text else 0
