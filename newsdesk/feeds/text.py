"""Small text helpers for feed values: plain text from HTML, dates to UTC, URL joining.

Everything here is pure: strings in, values out, no clock (dateutil gets a fixed default).
"""

from __future__ import annotations

import html
import re
import warnings
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

__all__ = [
    "SUMMARY_MAX_CHARS",
    "absolute_url",
    "looks_like_url",
    "plain_text",
    "summary_text",
    "to_utc",
]

SUMMARY_MAX_CHARS = 1000  # a summary, not the article: extraction reads the page itself

_TAG = re.compile(r"<!--.*?-->|<!\[CDATA\[|\]\]>|</?[A-Za-z][^>]*>|<[!?][^>]*>", re.S)
_BLOCK = re.compile(r"<(?:br|/p|/div|/li|/h\d|p|div|li)\b[^>]*>", re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_SPACE = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_FIXED_DEFAULT = datetime(1970, 1, 1)  # never the clock: dateutil fills gaps from this


def plain_text(value: str | None) -> str:
    """``value`` (text or an HTML fragment) as one line of plain text.

    Tags are stripped, entities decoded (twice when a feed escaped them twice, as in
    ``&amp;eacute;``), zero-width characters dropped and whitespace collapsed.
    """
    if not value:
        return ""
    text = value
    if "<" in text:
        if "<s" in text or "<S" in text:
            text = _SCRIPT.sub(" ", text)
        text = _BLOCK.sub(" ", text)  # block tags separate words: <p>a</p><p>b</p> is "a b"
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
        if "&" in text and re.search(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", text, re.I):
            text = html.unescape(text)
        if "<" in text and re.search(r"</?[a-z][^>]*>", text, re.I):
            # Escaped markup (``&lt;b&gt;``) shows up in titles; strip it once decoded.
            text = _TAG.sub("", text)
    if not text.isascii():
        text = _ZERO_WIDTH.sub("", text)
    return _SPACE.sub(" ", text).strip()


def summary_text(value: str | None) -> str:
    """``plain_text`` of a description, cut at a word boundary to SUMMARY_MAX_CHARS.

    Only the start of a long HTML body is cleaned: full articles in ``content:encoded``
    are common, and stripping all of them cost more than parsing the feed.
    """
    if not value:
        return ""
    text = plain_text(value[: SUMMARY_MAX_CHARS * 8])
    if len(text) <= SUMMARY_MAX_CHARS:
        return text
    cut = text.rfind(" ", 0, SUMMARY_MAX_CHARS)
    return text[: cut if cut > SUMMARY_MAX_CHARS // 2 else SUMMARY_MAX_CHARS].rstrip() + "…"


def looks_like_url(value: str | None) -> bool:
    """True when ``value`` is an absolute http(s) URL (as Atom ids and RSS guids often are)."""
    return bool(value) and str(value).strip().lower().startswith(("http://", "https://"))


def absolute_url(value: str | None, base: str) -> str | None:
    """``value`` resolved against ``base``; None for empty or non-web schemes."""
    if not value:
        return None
    value = value.strip()
    if not value or value.lower().startswith(("javascript:", "data:", "mailto:")):
        return None
    if value.startswith(("https://", "http://")) and " " not in value:
        return value  # already absolute: skip urljoin, the hot path of item conversion
    try:
        return urljoin(base, value) if base else value
    except ValueError:
        return None


def to_utc(value: str | datetime | None) -> datetime | None:
    """A timezone-aware UTC datetime from an RFC 3339 / RFC 822 / free-form date, or None.

    Naive values are taken as UTC. Unparseable values give None, never an error.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        text = value.strip()
        if not text:
            return None
        parsed = _parse_date_text(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _parse_date_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    from dateutil import parser as date_parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UnknownTimezoneWarning: we treat it as UTC
        try:
            return date_parser.parse(text, default=_FIXED_DEFAULT)
        except (ValueError, OverflowError, TypeError):
            return None
