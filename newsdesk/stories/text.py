"""Text -> terms, entities and numbers, without any NLP model.

Terms are casefolded word tokens minus stopwords, lightly stemmed in English (plural
``s``, possessive ``'s``); runs of CJK characters become character bigrams. Entities are
capitalised words that are not stopwords (names, places, organisations) and numbers are
digit tokens with separators removed: both are language-independent keys used for the
entity similarity and for cross-lingual links. Dates written in the text ("September 18",
"18th of September", "09/18/2013") become month-day keys: when an event happened.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from sys import intern

from newsdesk.normalize.words import CJK, HANGUL

__all__ = ["STOPWORDS", "TextFeatures", "extract_features", "stem", "tokenize"]

_STOP_EN = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
out over own same she should so some such than that the their theirs them then there these
they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself said says say new news told tells one
two three first last year years day days week weeks today yesterday tomorrow monday tuesday
wednesday thursday friday saturday sunday may might must shall us mr mrs ms like get got
make made according via per amid over since still just also says report reports reported
"""
_STOP_DE = """
der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind war
waren wird werden wurde wurden hat haben hatte mit von zu zum zur im in am an auf aus bei
für fur über uber unter nach vor sich auch als wie wenn dass so es er sie wir ihr ich du man
noch nur schon mehr sehr um bis durch gegen ohne seit heute gestern
"""
_STOP_FR = """
le la les un une des du de d l et ou mais ne pas est sont était été être a ont avait avec
pour par sur dans en au aux ce cette ces se sa son ses leur leurs il elle ils elles nous vous
je tu on qui que quoi dont où ou plus très tout tous selon après avant depuis aujourd hui hier
"""
_STOP_ES = """
el la los las un una unos unas y o pero no es son era fue ser ha han había con por para en
de del al a se su sus lo le les que quien como más muy ya este esta estos estas ese esa hoy
ayer según tras sobre entre desde
"""
_STOP_IT = """
il lo la i gli le un una uno e o ma non è sono era stato essere ha hanno aveva con per da
di del della dei delle in nel nella su sul che chi come più molto anche questo questa oggi
ieri secondo dopo
"""
_STOP_PT = """
o a os as um uma uns umas e ou mas não é são era foi ser tem têm com por para em no na nos
nas de do da dos das ao se seu sua que quem como mais muito já este esta hoje ontem segundo
após
"""
_STOP_NL = """
de het een en of maar niet is zijn was waren wordt worden heeft hebben had met van voor op
in aan bij uit over onder naar dat die dit deze er hij zij wij ik je ze ook als nog wel
vandaag gisteren
"""

#: Stopwords by ISO 639-1 code; ``None`` (unknown language) uses their union.
STOPWORDS: dict[str | None, frozenset[str]] = {
    "en": frozenset(_STOP_EN.split()),
    "de": frozenset(_STOP_DE.split()),
    "fr": frozenset(_STOP_FR.split()),
    "es": frozenset(_STOP_ES.split()),
    "it": frozenset(_STOP_IT.split()),
    "pt": frozenset(_STOP_PT.split()),
    "nl": frozenset(_STOP_NL.split()),
}
_ALL_STOP = frozenset().union(*STOPWORDS.values())
STOPWORDS[None] = _ALL_STOP

_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*")
_SENTENCE_END = frozenset('.!?:;"“”«»|—–(')
_CJK_CHARS = CJK + HANGUL
_CJK = re.compile(f"[{_CJK_CHARS}]+")
#: The parts of a token that holds CJK characters (CJK text has no spaces between words):
#: CJK runs, digit groups and runs of other letters, so "台湾TSMC、2026年" keeps the name
#: "TSMC" and the number "2026" beside the bigrams of "台湾" and "年".
_PIECE = re.compile(
    rf"(?P<cjk>[{_CJK_CHARS}]+)|(?P<num>\d+(?:[.,]\d+)*)"
    rf"|(?P<word>(?:(?![{_CJK_CHARS}])[^\W\d_])+)"
)
#: A CJK character that makes the digits before it a month ("12月", "12월"), not a number.
_MONTH_MARK = ("月", "월")
#: CJK characters that scale the digits before them: 万/萬/만 10^4, 億/亿/억 10^8, 兆/조 10^12.
_CJK_SCALES = {"万": 4, "萬": 4, "만": 4, "億": 8, "亿": 8, "억": 8, "兆": 12, "조": 12}
#: Words that scale the number before them, by language ("billion" is 10^12 in most of
#: Europe); unknown languages read as English.
_SCALES: dict[str | None, dict[str, int]] = {
    "en": {"million": 6, "millions": 6, "mn": 6, "billion": 9, "billions": 9, "bn": 9,
           "trillion": 12, "trillions": 12},
    "de": {"million": 6, "millionen": 6, "mio": 6, "milliarde": 9, "milliarden": 9, "mrd": 9,
           "billion": 12, "billionen": 12},
    "fr": {"million": 6, "millions": 6, "milliard": 9, "milliards": 9, "billion": 12,
           "billions": 12},
    "es": {"millón": 6, "millon": 6, "millones": 6, "mil millones": 9, "billón": 12,
           "billones": 12},
    "it": {"milione": 6, "milioni": 6, "miliardo": 9, "miliardi": 9},
    "pt": {"milhão": 6, "milhões": 6, "mil milhões": 9, "bilhão": 9, "bilhões": 9,
           "bilião": 12, "biliões": 12, "trilhão": 12, "trilhões": 12},
    "nl": {"miljoen": 6, "miljoenen": 6, "miljard": 9, "miljarden": 9, "biljoen": 12},
}  # fmt: skip
_SCALES[None] = _SCALES["en"]


def _scaled(scales: dict[str, int]) -> re.Pattern[str]:
    words = "|".join(sorted(scales, key=len, reverse=True))
    return re.compile(rf"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?({words})\b", re.IGNORECASE)


_SCALED = {language: (_scaled(scales), scales) for language, scales in _SCALES.items()}
_TITLE_CASE_SHARE = 0.6


_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")

_MONTH_NAMES = (
    "january jan",
    "february feb",
    "march mar",
    "april apr",
    "may",
    "june jun",
    "july jul",
    "august aug",
    "september sept sep",
    "october oct",
    "november nov",
    "december dec",
)
_MONTHS = {name: month for month, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_MONTH = (
    "(?:"
    + "|".join(
        form
        for name in sorted(_MONTHS, key=len, reverse=True)
        for form in (name.capitalize(), name.upper())
    )
    + ")"
)
#: Dates written in the text: "September 18, 2013", "Sep. 18", "18th of September",
#: "MAR. 14", "04 / 28 / 09", "2013-09-18" (spacing of detokenised text allowed).
#: English month names only, capitalised or in capitals ("may 5" is not a date).
_DATE = re.compile(
    rf"\b(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th|ST|ND|RD|TH)?\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th|ST|ND|RD|TH)?\s+(?:of\s+)?(?P<m2>{_MONTH})\b"
    r"|\b(?P<a>\d{1,2})\s?[/-]\s?(?P<b>\d{1,2})\s?[/-]\s?(?:\d\d){1,2}\b"
    r"|\b(?:19|20)\d\d-(?P<m3>\d\d)-(?P<d3>\d\d)\b"
)
#: Dates in Chinese, Japanese and Korean: "2026年12月5日", "12月5号", "12월 5일" (any digits).
_CJK_DATE = re.compile(r"(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日号號일]")
#: Month names of the other languages with stopwords, written after the day:
#: "5. Dezember", "1er décembre", "5 de diciembre", "5 dicembre", "5 de dezembro",
#: "5 december". Lower case is normal there, so any case is read; only the language's own
#: names are looked for (English text keeps :data:`_DATE` alone: "may 5" is no date).
_FOREIGN_MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("januar jänner", "februar", "märz", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "dezember"),
    "fr": ("janvier", "février fevrier", "mars", "avril", "mai", "juin", "juillet",
           "août aout", "septembre", "octobre", "novembre", "décembre decembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre setiembre", "octubre", "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "março marco", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
}  # fmt: skip


def _foreign_date(names: dict[str, int]) -> re.Pattern[str]:
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:\.|er|º|°|o)?\s+(?:de\s+)?(?P<m>{alternatives})\b",
        re.IGNORECASE,
    )


_FOREIGN_MONTHS: dict[str, dict[str, int]] = {
    language: {name: month for month, forms in enumerate(months, 1) for name in forms.split()}
    for language, months in _FOREIGN_MONTH_NAMES.items()
}
_FOREIGN_DATE: dict[str | None, tuple[re.Pattern[str], dict[str, int]]] = {
    language: (_foreign_date(names), names) for language, names in _FOREIGN_MONTHS.items()
}
_ANY_FOREIGN_MONTH = {k: v for names in _FOREIGN_MONTHS.values() for k, v in names.items()}
_FOREIGN_DATE[None] = (_foreign_date(_ANY_FOREIGN_MONTH), _ANY_FOREIGN_MONTH)


def _number(token: str) -> str:
    """A number key: thousands separators dropped (``1,000`` -> ``1000``), a decimal comma
    read as a point (``7,1`` -> ``7.1``, so it matches ``7.1``)."""
    token = token.replace("’", "").replace("'", "")
    if not token.isascii():  # full-width digits ("１２") read as their ASCII forms
        token = unicodedata.normalize("NFKC", token)
    if _THOUSANDS.match(token):
        return token.replace(",", "")
    return token.replace(",", ".")


def stem(word: str, language: str | None) -> str:
    """A light stem: English plural ``s``/``ies`` and possessive ``'s`` removed."""
    if language not in ("en", None):
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _fold(word: str) -> str:
    """Casefolded, without apostrophes, accents kept."""
    return word.casefold().replace("’", "'").replace("'s", "").replace("'", "")


def _cjk_bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokenize(text: str, language: str | None = None) -> list[str]:
    """Content terms of ``text`` in order: casefolded, stopwords dropped, lightly stemmed.

    Digit tokens keep their digits only (``1,000`` -> ``1000``); CJK runs become
    character bigrams, and the digits and Latin words between them terms of their own.
    Never raises; empty text gives ``[]``.
    """
    stop = STOPWORDS.get(language, _ALL_STOP)
    terms: list[str] = []
    for match in _WORD.finditer(text):
        token = match.group()
        if _CJK.search(token):
            for piece in _PIECE.finditer(token):
                part = piece.group()
                if piece.lastgroup == "cjk":
                    # Half-width katakana and compatibility ideographs as their usual forms.
                    terms.extend(_cjk_bigrams(unicodedata.normalize("NFKC", part)))
                elif piece.lastgroup == "num":
                    terms.append(_number(part))
                else:
                    _add_word(terms, part, stop, language)
            continue
        if token[0].isdigit():
            terms.append(_number(token))
            continue
        _add_word(terms, token, stop, language)
    return terms


def _add_word(terms: list[str], token: str, stop: frozenset[str], language: str | None) -> None:
    word = _fold(token)
    if len(word) >= 2 and word not in stop:
        terms.append(stem(word, language))


def _ascii_key(word: str) -> str:
    """A language-independent key for a name: casefolded, accents stripped."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _is_title_case(text: str) -> bool:
    words = [m.group() for m in _WORD.finditer(text) if m.group()[0].isalpha()]
    long_words = [w for w in words if len(w) > 3]
    if len(long_words) < 3:
        return False
    upper = sum(1 for w in long_words if w[0].isupper())
    return upper / len(long_words) >= _TITLE_CASE_SHARE


def _dates(text: str, dates: set[str], language: str | None) -> None:
    """Add the month-day keys (``"09-18"``) of the dates written in ``text`` to ``dates``.

    A numeric date whose month and day could be swapped (``05/04/10``) adds both readings.
    The year is left out: it is a number of the article already (and two events a year
    apart are told apart by ``year_conflict``). English and CJK dates are read in any
    text, day-month dates of another language in that language's text (all of them when
    the language is unknown)."""
    for match in _DATE.finditer(text):
        month_name = match.group("m1") or match.group("m2")
        if month_name is not None:
            _add_date(
                dates, _MONTHS[month_name.casefold()], int(match.group("d1") or match.group("d2"))
            )
            continue
        if match.group("m3") is not None:
            _add_date(dates, int(match.group("m3")), int(match.group("d3")))
        else:
            a, b = int(match.group("a")), int(match.group("b"))
            _add_date(dates, a, b)
            _add_date(dates, b, a)
    for match in _CJK_DATE.finditer(text):
        _add_date(dates, int(match.group("m")), int(match.group("d")))
    foreign = _FOREIGN_DATE.get(language)
    if foreign is not None:
        pattern, months = foreign
        for match in pattern.finditer(text):
            _add_date(dates, months[match.group("m").casefold()], int(match.group("d")))


def _add_date(dates: set[str], month: int, day: int) -> None:
    if 1 <= month <= 12 and 1 <= day <= 31:
        dates.add(f"{month:02d}-{day:02d}")


def _names_and_numbers(
    text: str,
    language: str | None,
    names: Counter[str],
    numbers: set[str],
    *,
    weight: int = 1,
    headline: bool = False,
) -> None:
    stop = _ALL_STOP
    title_case = headline and _is_title_case(text)
    previous_end = -1
    for match in _WORD.finditer(text):
        token = match.group()
        start = match.start()
        if _CJK.search(token):
            _cjk_names_and_numbers(token, language, names, numbers, weight)
            previous_end = match.end()
            continue
        if token[0].isdigit():
            digits = _number(token)
            if len(digits) >= 2:
                numbers.add(digits)
            previous_end = match.end()
            continue
        if not token[0].isupper():
            previous_end = match.end()
            continue
        sentence_start = previous_end < 0 or not _SENTENCE_END.isdisjoint(text[previous_end:start])
        previous_end = match.end()
        word = _fold(token)
        if len(word) < 2 or word in stop:
            continue
        if title_case and token.istitle() and word in STOPWORDS.get(language, stop):
            continue
        if sentence_start and token.istitle() and len(word) < 3:
            continue
        names[stem(_ascii_key(word), language)] += weight


def _cjk_names_and_numbers(
    token: str, language: str | None, names: Counter[str], numbers: set[str], weight: int
) -> None:
    """The names (capitalised Latin words: "TSMC", "Nvidia") and numbers written inside a
    run of CJK text; the digits of a month ("12月") are not a number."""
    pieces = list(_PIECE.finditer(token))
    amount = 0.0
    last_scale = 99
    for position, piece in enumerate(pieces):
        part = piece.group()
        if amount and part in _CJK_SCALES:  # the "兆" of "1兆2000億": the amount goes on
            continue
        if piece.lastgroup == "num":
            after = pieces[position + 1].group() if position + 1 < len(pieces) else ""
            digits = _number(part)
            if len(digits) >= 2 and not after.startswith(_MONTH_MARK):
                numbers.add(digits)
            scale = _CJK_SCALES.get(after[:1])
            if scale is not None and scale < last_scale:
                # "1兆2000億" is one amount: 1 x 10^12 + 2000 x 10^8
                amount, last_scale = amount + _value(digits) * 10.0**scale, scale
                if len(after) > 1 or scale == 4:
                    numbers.add(_amount_key(amount))
                    amount, last_scale = 0.0, 99
                continue
        if amount:
            numbers.add(_amount_key(amount))
        amount, last_scale = 0.0, 99
        if piece.lastgroup == "word" and part[0].isupper():
            word = _fold(part)
            if len(word) >= 2 and word not in _ALL_STOP:
                names[stem(_ascii_key(word), language)] += weight
    if amount:
        numbers.add(_amount_key(amount))


def _value(digits: str) -> float:
    try:
        return float(digits)
    except ValueError:  # "1.2.3": not one number
        return 0.0


def _amount_key(value: float) -> str:
    """The number key of an amount written with a scale ("1.2 trillion", "1兆2000億",
    "1,2 Billionen"): three significant digits, so every language's way of writing it
    meets (``"~1.2e+12"``)."""
    return f"~{value:.3g}"


def _amounts(text: str, language: str | None, numbers: set[str]) -> None:
    """Add the keys of the amounts written with a scale word ("$2.6 million", "2 Milliarden")."""
    pattern, scales = _SCALED.get(language, _SCALED[None])
    for match in pattern.finditer(text):
        value = _value(_number(match.group(1)))
        scale = scales.get(" ".join(match.group(2).casefold().split()))
        if value and scale is not None:
            numbers.add(_amount_key(value * 10.0**scale))


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """The terms of one article (title counts weighted), its title terms, names, numbers
    and dates."""

    terms: dict[str, float]
    title_terms: frozenset[str]
    names: dict[str, int]  # name -> mentions (title mentions count double)
    numbers: frozenset[str]
    title_names: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()  # month-day keys of the dates written ("09-18")


def extract_features(
    title: str, text: str, language: str | None, *, title_weight: float, lead_words: int
) -> TextFeatures:
    """Weighted term counts (title counts times ``title_weight`` plus the first
    ``lead_words`` words of ``text``), title terms, names, numbers and dates of an
    article."""
    # Interned: every live story keeps these strings as keys, and one term is kept by
    # thousands of stories (one string object instead of one per article). An interned
    # string is freed once nothing holds it, so a growing vocabulary does not leak.
    title_tokens = [intern(t) for t in tokenize(title, language)]
    lead = text
    if lead_words > 0 and text:
        # Cut by characters first so a huge body never gets tokenised whole.
        lead = " ".join(text[: lead_words * 12].split()[:lead_words])
    elif lead_words <= 0:
        lead = ""
    # A body that repeats the title (ECB+ does) would double-count it.
    if title and lead.startswith(title[:40]):
        lead = lead[len(title) :]
    lead_tokens = [intern(t) for t in tokenize(lead, language)]
    counts: dict[str, float] = {}
    for token in title_tokens:
        counts[token] = counts.get(token, 0.0) + title_weight
    for token in lead_tokens:
        counts[token] = counts.get(token, 0.0) + 1.0
    names: Counter[str] = Counter()
    numbers: set[str] = set()
    _names_and_numbers(title, language, names, numbers, weight=2, headline=True)
    title_names = frozenset(names)
    _names_and_numbers(lead, language, names, numbers)
    _amounts(title, language, numbers)
    _amounts(lead, language, numbers)
    dates: set[str] = set()
    _dates(title, dates, language)
    _dates(lead, dates, language)
    return TextFeatures(
        terms=counts,
        title_terms=frozenset(title_tokens),
        names={intern(name): count for name, count in names.items()},
        numbers=frozenset(intern(number) for number in numbers),
        title_names=title_names,
        dates=frozenset(dates),
    )
