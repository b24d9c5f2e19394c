"""Language tags -> ISO 639-1 codes, and language detection for untagged text."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

__all__ = ["MIN_CONFIDENCE", "MIN_DETECT_WEIGHT", "detect_language", "normalize_language"]

#: The ISO 639-1 codes (two letters), current ones only.
_ISO639_1_CODES = """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu
"""
_ISO639_1 = frozenset(_ISO639_1_CODES.split())

#: Withdrawn two-letter codes still found in feeds.
_DEPRECATED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "sh": "sr"}

#: Three-letter codes (ISO 639-2/B, 639-2/T and 639-3 macrolanguage members) of the
#: languages newsdesk's sources publish in.
_THREE_LETTER = {
    "ara": "ar", "bul": "bg", "ces": "cs", "cze": "cs", "chi": "zh", "zho": "zh", "cmn": "zh",
    "yue": "zh", "dan": "da", "deu": "de", "ger": "de", "ell": "el", "gre": "el", "eng": "en",
    "est": "et", "fas": "fa", "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "heb": "he",
    "hin": "hi", "hrv": "hr", "hun": "hu", "ind": "id", "ita": "it", "jpn": "ja", "kor": "ko",
    "lav": "lv", "lit": "lt", "msa": "ms", "may": "ms", "nld": "nl", "dut": "nl", "nob": "nb",
    "nno": "nn", "nor": "no", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru",
    "slk": "sk", "slo": "sk", "slv": "sl", "spa": "es", "srp": "sr", "swe": "sv", "tha": "th",
    "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi",
}  # fmt: skip

#: Language names written where a code belongs (``<language>English</language>``).
_NAMES = {
    "english": "en", "japanese": "ja", "日本語": "ja", "german": "de", "deutsch": "de",
    "french": "fr", "français": "fr", "francais": "fr", "spanish": "es", "español": "es",
    "espanol": "es", "italian": "it", "italiano": "it", "chinese": "zh", "中文": "zh",
    "korean": "ko", "한국어": "ko", "portuguese": "pt", "português": "pt", "russian": "ru",
    "dutch": "nl", "nederlands": "nl", "polish": "pl", "polski": "pl",
}  # fmt: skip

#: Special ISO 639 codes meaning "no particular language".
_NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})

_PRIMARY = re.compile(r"^[a-z]{2,3}$")

#: Detection needs at least this much text, counting letters of alphabetic scripts as 1
#: and CJK ideographs, kana and hangul as 3 (one of them carries about a word): below
#: this, a headline alone, character n-gram models guess.
MIN_DETECT_WEIGHT = 60

#: Detections with a normalised probability below this are discarded.
MIN_CONFIDENCE = 0.5


def normalize_language(tag: str | None) -> str | None:
    """The ISO 639-1 code of a language tag, or None.

    Accepts BCP 47 tags and POSIX locales (``en-US``, ``ja_JP``, ``zh-Hant-TW``,
    ``pt_BR.UTF-8``), bare codes in any case, the three-letter codes of common languages
    (``jpn``, ``deu``, ``ger``), withdrawn codes (``iw`` -> ``he``) and a few language names
    (``English``, ``日本語``). Returns None for None, blank, ``und``/``mul``/``zxx``,
    private-use and grandfathered tags (``x-klingon``, ``i-default``), and anything that is
    not a known language.
    """
    if tag is None:
        return None
    text = tag.strip().casefold()
    if not text:
        return None
    if text in _NAMES:
        return _NAMES[text]
    primary = re.split(r"[-_.@\s]", text, maxsplit=1)[0]
    if not _PRIMARY.match(primary) or primary in _NO_LANGUAGE:
        return None
    if len(primary) == 2:
        primary = _DEPRECATED.get(primary, primary)
        return primary if primary in _ISO639_1 else None
    return _THREE_LETTER.get(primary)


def _weight(text: str) -> int:
    weight = 0
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        wide = name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "HANGUL"))
        weight += 3 if wide else 1
        if weight >= MIN_DETECT_WEIGHT:
            break
    return weight


@functools.cache
def _identifier() -> Any:
    """py3langid's model, loaded on first use (about a second), with normalised
    probabilities so a confidence threshold means something."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(
        MODEL_FILE, norm_probs=True, min_confidence=MIN_CONFIDENCE
    )


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None.

    None when the text is too short to judge (``MIN_DETECT_WEIGHT``), when py3langid is
    less than ``MIN_CONFIDENCE`` sure, or when its answer has no two-letter code.
    """
    sample = text[:20_000]
    if _weight(sample) < MIN_DETECT_WEIGHT:
        return None
    language, _confidence = _identifier().classify(sample)
    return normalize_language(str(language))
