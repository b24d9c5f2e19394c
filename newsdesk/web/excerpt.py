"""Short excerpts for public pages, feeds and the API: never the full text, never page chrome.

Pure: text in, text out. :func:`excerpt` keeps the first real sentences of an article and
stops at a word budget (a CJK character counts as half a word, since those scripts put no
spaces between words). Before counting it drops lines that are furniture rather than story:
disclaimers ("Denial of responsibility! ... automatic aggregator"), "Leave a Comment", share
buttons, "DMCA compliant image", stray photo credits ("Angel Garcia | Bloomberg | Getty
Images"), "Reference", "Advertisement", headings repeating the headline.
:func:`plain_text` turns a feed's HTML summary into text (nh3 strips every tag and drops
script and style contents) so the excerpt never carries markup.
"""

from __future__ import annotations

import html
import re

import nh3

from newsdesk.normalize.words import CJK
from newsdesk.normalize.words import CJK_CHAR as _CJK_CHAR

__all__ = ["DEFAULT_EXCERPT_WORDS", "excerpt", "is_boilerplate", "plain_text"]

DEFAULT_EXCERPT_WORDS = 60
"""Words kept by default; the lead wires the ``excerpt_words`` setting to ``create_app``."""

_ELLIPSIS = "…"

# A whole line that is page furniture (compared after trimming punctuation and spaces).
_FURNITURE = re.compile(
    r"""^(?:
        leave\ a\ (?:comment|reply)|\d+\ comments?|comments?|no\ comments(?:\ yet)?|
        references?|sources?|advertisement|advertising|sponsored(?:\ content)?|ad|
        share(?:\ this)?(?:\ (?:article|story|post|page))?|share\ (?:on|via)\ \w+|
        (?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|print|
          copy\ link|tweet|pin\ it|\s|,|/|\|)+|
        read\ more|read\ next|see\ also|related(?:\ (?:articles|stories|posts|news))?|
        more\ (?:from|on)\ .{1,40}|recommended(?:\ for\ you)?|
        skip\ to\ (?:main\ )?content|back\ to\ top|top\ stories|
        dmca\ compliant\ image|image|photo|video|listen(?:\ to\ this\ article)?|
        (?:sign\ up|subscribe)\b.{0,80}|follow\ us\b.{0,60}|click\ here\b.{0,80}|
        (?:updated|published|posted)(?:\ on)?:?\ [^.]{0,30}\d[^.]{0,20}|by\ (?:[\w.\-']+\ ?){1,6}|
        \d+\ min(?:ute)?s?\ read
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Anywhere in a line: legal and site chrome that never belongs to a story.
_CHROME = re.compile(
    r"denial\ of\ responsibility|all\ trademarks\ belong|automatic\ aggregator|"
    r"all\ rights\ reserved|dmca|cookie\ (?:policy|settings)|we\ use\ cookies|"
    r"terms\ of\ (?:use|service)|privacy\ policy|this\ article\ (?:was|is)\ (?:auto|generated)|"
    r"^©|^copyright\b|enable\ javascript|your\ browser\ does\ not",
    re.IGNORECASE | re.VERBOSE,
)

# A photo credit: "Name | Agency | Getty Images", "Photo: Reuters", "(Image: AFP via Getty)".
_CREDIT_WORDS = re.compile(
    r"getty\ images|reuters|\bafp\b|\bap\ photo|associated\ press|shutterstock|istock|"
    r"bloomberg|\bepa\b|alamy|nurphoto|sopa\ images|xinhua|kyodo|yonhap|via\ getty",
    re.IGNORECASE | re.VERBOSE,
)
_CREDIT_LEAD = re.compile(
    r"^[\(\[]?\s*(?:(?:photo(?:graph)?s?|images?|pictures?)(?:\ credits?)?|credits?|source|"
    r"illustration|file\ photo|写真|사진)\s*(?:by|courtesy(?:\ of)?)?\s*[:：/]",
    re.IGNORECASE | re.VERBOSE,
)

_CHROME_MAX = 400  # characters: furniture and disclaimers are shorter than this

_SENTENCE_END = re.compile(r"[.!?。！？」』\"'”’)]$")
_TOKEN = re.compile(rf"[{CJK}]|[^\s{CJK}]+")
_SPACES = re.compile(r"\s+")


def plain_text(markup: str) -> str:
    """Text of an HTML fragment (a feed's summary): tags stripped, entities decoded,
    script and style contents dropped, whitespace collapsed. Plain text passes through."""
    if "<" in markup or "&" in markup:
        # Block tags become line breaks first so paragraphs stay apart.
        spaced = re.sub(r"(?i)<\s*(?:br|/p|/div|/li|/h\d|/blockquote)\b[^>]*>", "\n", markup)
        markup = html.unescape(nh3.clean(spaced, tags=set()))
    lines = (_SPACES.sub(" ", line).strip() for line in markup.splitlines())
    return "\n".join(line for line in lines if line)


def _words(line: str) -> int:
    return len(line.split())


def is_boilerplate(line: str, *, title: str | None = None) -> bool:
    """Whether one line (a paragraph of extracted text) is page furniture, not story."""
    text = _SPACES.sub(" ", line).strip()
    bare = text.strip(" \t-–—•·|:;,.!?»«>()[]")
    if not bare:
        return True
    if title and _norm(bare) == _norm(title):
        return True
    # Chrome is short: a long paragraph that mentions "privacy policy" is a story about it.
    if len(text) <= _CHROME_MAX and (_FURNITURE.match(bare) or _CHROME.search(text)):
        return True
    words = _words(text)
    if _CREDIT_LEAD.match(text) and words <= 25:
        return True
    # a credit line standing without its image: short, no full stop, pipes or agencies
    return (
        words <= 14
        and not _SENTENCE_END.search(text)
        and (text.count("|") >= 1 or text.count("/") >= 2 or bool(_CREDIT_WORDS.search(text)))
    )


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _story_lines(text: str, title: str | None, *, enough: int) -> list[str]:
    """Story paragraphs from the top of ``text``, stopping once ``enough`` characters are
    gathered (an excerpt needs the opening only; long pages are not scanned to the end)."""
    story: list[str] = []
    kept: list[str] = []
    size = 0
    for raw in text.splitlines():
        line = _SPACES.sub(" ", raw).strip()
        if not line or is_boilerplate(line, title=title):
            continue
        # A very short line without a full stop is a heading or a caption, unless it is
        # all there is (a feed summary of a few words) or in a script without spaces.
        if _words(line) >= 6 or _SENTENCE_END.search(line) or _CJK_CHAR.search(line):
            story.append(line)
            size += len(line) + 1
            if size >= enough:
                break
        elif not story:
            kept.append(line)
    return story or kept


def excerpt(text: str, *, max_words: int = DEFAULT_EXCERPT_WORDS, title: str | None = None) -> str:
    """The opening of ``text`` in at most ``max_words`` words, without boilerplate.

    ``text`` is plain text with one paragraph per line (as extraction and :func:`plain_text`
    give it). ``title``: a line repeating it is dropped. A cut text ends at the last full
    sentence if that keeps at least half the budget, else mid-sentence with an ellipsis.
    Returns "" when nothing but boilerplate is left or ``max_words`` is below 1.
    """
    if max_words < 1:
        return ""
    # 16 characters a word is more than any script needs, CJK (2 characters a word) included
    joined = " ".join(_story_lines(text, title, enough=max_words * 16))
    budget = float(max_words)
    end = 0
    cut = False
    for match in _TOKEN.finditer(joined):
        cost = 0.5 if _CJK_CHAR.fullmatch(match.group()) else 1.0
        if budget < cost:
            cut = True
            break
        budget -= cost
        end = match.end()
    if not cut:
        return joined
    head = joined[:end].rstrip()
    sentence_end = max(head.rfind(mark) for mark in (". ", "! ", "? ", "。", "！", "？"))
    if sentence_end >= len(head) // 2:
        return head[: sentence_end + 1].rstrip()
    return head.rstrip(" ,;:-–—") + _ELLIPSIS
