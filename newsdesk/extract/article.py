"""Page HTML -> :class:`~newsdesk.model.ExtractedArticle`: main text plus metadata.

How the text is chosen (each step measured on the extraction benchmark, see
``docs/design-extract.md``):

1. trafilatura in fast mode with ``favor_precision``, on the tree we parsed (trafilatura
   prunes a copy of it), told to prune a few more kinds of chrome and kept from dropping the
   text that follows empty elements (:mod:`newsdesk.extract.prune`). Only when that kept
   fewer than
   :attr:`ExtractOptions.recheck_below` words is trafilatura run again, plain, and the
   precise text kept unless it lost more than half of the plain run's words (then it cut
   the article itself, not just the chrome around it).
2. When the extractor kept less than :attr:`ExtractOptions.rescue_ratio` of a declared body
   (JSON-LD ``articleBody``, else microdata ``itemprop=articleBody``), the declared body wins.
3. Whichever text won, lines that repeat the headline are dropped (references omit the
   headline), and so are short lines that are generic chrome ("READ MORE: ...",
   "Advertisement", "Related:", "Filed under:", reporting credits, reading times ...).

Metadata comes from what the page declares (JSON-LD, OpenGraph, ``<meta>``, ``<link>``) and
falls back to trafilatura's metadata extraction only for a missing title or date.

Pure: no I/O, no clock (dates are bounded by fixed limits, not by today), no environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import py3langid
import trafilatura
from dateutil import parser as dateparser
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata

from newsdesk.errors import ExtractError
from newsdesk.extract.decode import decode_html, looks_like_html
from newsdesk.extract.metadata import Declared, clean_lines, declared_metadata
from newsdesk.extract.parse import parse_html
from newsdesk.extract.prune import PRUNE_XPATHS, keep_tails
from newsdesk.extract.score import tokens
from newsdesk.model import ExtractedArticle
from newsdesk.normalize.words import word_count as _words

__all__ = ["ExtractOptions", "extract_article", "extract_with_tree"]


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Tunables of :func:`extract_article`; the defaults are the measured ones.

    ``max_chars``: decoded HTML beyond this many characters is cut off before parsing (a
    guard against junk; real article pages are well under 2 MB).
    ``recheck_below``: the precision-favouring run comes first; only when it kept fewer
    words than this is the plain run made too (on the benchmark's tune half, precise runs
    of 100 words or more always kept at least 80 % of the plain run's words).
    ``precision_keep``: then keep the precise run if it has at least this share of the
    plain run's words.
    ``rescue_ratio``: replace the text by a declared body when the text has fewer than this
    share of the declared body's words.
    ``max_elements``: pages with more elements are refused (:class:`ExtractError`): the
    extractor's pruning grows faster than linearly with them (100k elements take seconds).
    ``min_words``: fewer words of text than this is "no article" (:class:`ExtractError`).
    ``detect_language``: guess the language from the text when the page declares none.
    """

    max_chars: int = 8_000_000
    max_elements: int = 50_000
    min_words: int = 10
    precision_keep: float = 0.5
    recheck_below: int = 200
    rescue_ratio: float = 0.8
    detect_language: bool = True


_DEFAULT = ExtractOptions()

# Whole lines that are page chrome, not story: teasers and calls to action that news
# templates splice into the body. Only short lines are candidates, so a paragraph that
# merely starts with "Subscribe" or "Related" is kept. Generic wording only: site-specific
# patterns were dropped (they fit single benchmark pages), and so were "see more" / "share
# this", which also start ordinary sentences ("See more photos:").
_CHROME_MAX_WORDS = 30
_CHROME_LINE = re.compile(
    r"^(?:read more|don'?t miss|also read|sign up|subscribe|click here|follow us)\b"
    r"|^(?:related|recommended|more|tags?|photo|image|credit|filed under)\s*:"
    r"|^(?:advertisement|advertising|sponsored(?: content)?|related(?: articles| stories)?"
    r"|recommended|\d* ?comments?)$"
    # Credit lines news agencies close a story with: "(Reporting by ...; Editing by ...)",
    # "X contributed reporting from Y.", "AP writers ... contributed to this report."
    r"|^\((?:additional )?(?:reporting|writing|editing) by\b|^additional reporting by\b"
    r"|^(?:reporting|writing) by\b.*\bediting by\b"
    r"|\bcontributed (?:reporting|to (?:this|the) (?:report|story|article))\b"
    # Reading-time widgets ("5 min read", "Reading time: 3 minutes"), in several languages;
    # a number must follow, so a sentence about reading time stays.
    r"|^\d+ ?min(?:ute)?s? read\b|^(?:estimated )?read(?:ing)? time\s*:?\s*~?\d"
    r"|^(?:tempo de leitura|tempo di lettura|tiempo de lectura|temps de lecture|lesezeit"
    r"|leestijd)\s*:?\s*~?\d",
    re.IGNORECASE,
)
# htmldate bounds dates by "today" unless told otherwise; a fixed far bound keeps us pure.
_DATE_CONFIG: dict[str, Any] = {
    "original_date": True,
    "extensive_search": False,
    "max_date": "2100-12-31",
}
_NO_DATE = datetime(1, 1, 1)
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "UT": 0,
    "WET": 0,
    "BST": 3600,
    "CET": 3600,
    "CEST": 7200,
    "EET": 7200,
    "EEST": 10800,
    "MSK": 10800,
    "IST": 19800,
    "JST": 32400,
    "KST": 32400,
    "AEST": 36000,
    "AEDT": 39600,
    "EST": -18000,
    "EDT": -14400,
    "CST": -21600,
    "CDT": -18000,
    "MST": -25200,
    "MDT": -21600,
    "PST": -28800,
    "PDT": -25200,
}
_MIN_YEAR = 1990
_MAX_YEAR = 2100
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def extract_article(
    html: bytes | str, *, url: str | None = None, options: ExtractOptions = _DEFAULT
) -> ExtractedArticle:
    """Extract the article text and metadata of one page.

    ``html`` is the page as fetched (bytes are decoded by BOM, declared charset, UTF-8 or
    detection) or already decoded. ``url`` is where it was fetched from; it resolves
    relative canonical and image URLs and helps trafilatura.

    Raises :class:`ExtractError` when the input is not HTML or has no article text.
    """
    return extract_with_tree(html, url=url, options=options)[0]


def extract_with_tree(
    html: bytes | str, *, url: str | None = None, options: ExtractOptions = _DEFAULT
) -> tuple[ExtractedArticle, HtmlElement]:
    """:func:`extract_article`, and the page's parsed tree (unchanged by the extraction),
    for callers that read more of the page without parsing it again."""
    text = decode_html(html)[0] if isinstance(html, bytes) else html
    if len(text) > options.max_chars:
        text = text[: options.max_chars]
    if not text.strip() or not looks_like_html(text):
        raise ExtractError("not an HTML document")
    tree = parse_html(text)
    if tree is None:
        raise ExtractError("unparseable HTML")
    # Counted inside libxml2: iterating would build a Python proxy per element.
    elements = int(tree.xpath("count(//*)"))
    if elements > options.max_elements:
        raise ExtractError(f"page too large: {elements} elements")
    declared = declared_metadata(tree)

    body = _main_text(tree, url, declared, options)
    if _words(body) < options.min_words:
        raise ExtractError("no article text found")

    title = declared.title
    published = _parse_date(declared.published)
    if title is None or published is None:
        fallback = _trafilatura_metadata(tree, url)
        title = title or _clean(fallback.get("title"))
        published = published or _parse_date(fallback.get("date"))
        site_name = declared.site_name or _clean(fallback.get("sitename"))
        authors = declared.authors or _split_authors(fallback.get("author"))
    else:
        site_name = declared.site_name
        authors = declared.authors

    article = ExtractedArticle(
        text=body,
        title=title,
        authors=authors,
        published=published,
        modified=_parse_date(declared.modified),
        language=_language(declared.language, body, options),
        canonical_url=_absolute(declared.canonical_url, url),
        site_name=site_name,
        image=_absolute(declared.image, url),
        description=declared.description,
    )
    return article, tree


def _trafilatura(tree: HtmlElement, url: str | None, *, precise: bool) -> str:
    try:
        result = trafilatura.extract(
            # Given a parsed tree, trafilatura prunes a copy of it (not the tree itself), so
            # both runs and the metadata fallback share our one parse. Only the precise run
            # drops the text after empty elements (see extract.prune).
            keep_tails(tree) if precise else tree,
            url=url,
            fast=True,
            favor_precision=precise,
            include_comments=False,
            deduplicate=False,
            prune_xpath=list(PRUNE_XPATHS),
        )
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        # trafilatura turns most failures into None already; these are what escape it on
        # broken or hostile markup.
        return ""
    return result or ""


def _main_text(
    tree: HtmlElement, url: str | None, declared: Declared, options: ExtractOptions
) -> str:
    chosen = _trafilatura(tree, url, precise=True)
    kept = _words(chosen)
    if kept < options.recheck_below:
        # A short precise run may have cut the article itself, not just the chrome around
        # it: only then is the plain run worth its cost.
        plain = _trafilatura(tree, url, precise=False)
        if not chosen or kept < options.precision_keep * _words(plain):
            chosen = plain
    for body in (declared.article_body, declared.microdata_body):
        if body and _words(chosen) < options.rescue_ratio * _words(body):
            chosen = body
            break
        if body and "\n" not in chosen.strip() and "\n" in body and _same_words(chosen, body):
            # The extractor fell back to the declared body and lost its paragraphs.
            chosen = body
            break
    # Declared bodies carry the same chrome ("ADVERTISEMENT", "Tags") as the page.
    return clean_lines(_drop_chrome(chosen, (declared.title, *declared.headings)))


def _same_words(text: str, other: str) -> bool:
    return tokens(text) == tokens(other)


def _normal(line: str) -> str:
    return " ".join(tokens(line.lower()))


def _drop_chrome(text: str, headings: tuple[str | None, ...]) -> str:
    lines = [line for line in text.split("\n") if line.strip()]
    known = {_normal(h) for h in headings if h} - {""}
    # Not only leading lines: templates repeat the headline further down too (a sticky
    # header, a share box), and the references never keep it.
    return "\n".join(
        line for line in lines if _normal(line) not in known and not _is_chrome(line.strip())
    )


def _is_chrome(line: str) -> bool:
    return _words(line) <= _CHROME_MAX_WORDS and _CHROME_LINE.search(line) is not None


def _trafilatura_metadata(tree: HtmlElement, url: str | None) -> dict[str, Any]:
    try:
        document = extract_metadata(tree, default_url=url, date_config=dict(_DATE_CONFIG))
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        return {}
    found: dict[str, Any] = document.as_dict()
    return found


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _split_authors(value: object) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    names = (" ".join(name.split()) for name in re.split(r";|\band\b|,", value))
    return tuple(dict.fromkeys(name for name in names if name))


def _parse_date(value: object) -> datetime | None:
    """An ISO 8601 (or other common) date string as an aware UTC datetime.

    Naive values are taken as UTC; implausible years give None.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = dateparser.isoparse(value)
    except (ValueError, OverflowError):
        try:
            # A fixed default (not today) fills missing fields; a year-less date then falls
            # outside the plausible range below. A tzinfos callable keeps dateutil from
            # consulting the local zone or warning about abbreviations it does not know.
            parsed = dateparser.parse(value, default=_NO_DATE, tzinfos=_zone)
        except (ValueError, OverflowError, TypeError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    if not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return None
    return parsed


def _zone(name: str | None, offset: int | None) -> int | None:
    """dateutil ``tzinfos`` hook: seconds east of UTC for common zone abbreviations."""
    if offset is not None:
        return offset
    return _ZONES.get((name or "").upper())


def _language(declared: str | None, text: str, options: ExtractOptions) -> str | None:
    """Primary language subtag, lower case: declared if well-formed, else guessed."""
    if declared:
        match = _LANG.match(declared.strip())
        if match:
            return match.group(1).lower()
    if not options.detect_language or not text:
        return None
    code, _score = py3langid.classify(text[:20_000])
    return str(code)


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if base:
        link = urljoin(base, link)
    elif link.startswith("//"):
        link = "https:" + link
    scheme = urlsplit(link).scheme
    if scheme not in ("http", "https", ""):
        return None
    return link
