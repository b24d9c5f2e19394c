"""Identity keys for feed entries, and a content hash for later deduplication."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from newsdesk.model import FeedItem

__all__ = ["JUNK_GUIDS", "MAX_GUID_LENGTH", "content_hash", "entry_keys", "is_junk_guid"]

#: GUID values (compared case-insensitively, after trimming) that feed generators emit when
#: they have no real identifier: they are shared by many entries, so they identify nothing.
JUNK_GUIDS: frozenset[str] = frozenset(
    {"", "0", "-1", "-", "#", "null", "none", "nil", "undefined", "false", "true", "n/a", "na"}
)

#: GUIDs longer than this are kept as a hash, so a hostile feed cannot bloat the key index.
MAX_GUID_LENGTH = 512

#: How much of the (normalised) summary goes into the ``text:`` key: enough to tell apart
#: entries sharing a generic title ("Live updates"), short enough that a later edit to the
#: end of a long summary keeps the key.
SUMMARY_CHARS = 200

_SPACE = re.compile(r"\s+")


def is_junk_guid(guid: str | None) -> bool:
    """True when ``guid`` cannot identify an entry: missing, blank, a placeholder such as
    ``0`` or ``null`` (``JUNK_GUIDS``), or a bare number of fewer than four digits (feeds
    that number their items 1, 2, 3 ... by position reuse those numbers for new items)."""
    if guid is None:
        return True
    value = guid.strip()
    return value.lower() in JUNK_GUIDS or (value.isascii() and value.isdigit() and len(value) < 4)


def _normalize_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed to single spaces and trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def entry_keys(item: FeedItem, *, canonical_url: str | None) -> tuple[str, ...]:
    """The identity keys of a feed entry, most trusted first.

    1. ``guid:<guid>`` when the entry has a GUID that is not junk (``is_junk_guid``); a GUID
       equal to the entry's URL is fine. GUIDs longer than ``MAX_GUID_LENGTH`` become
       ``guid:sha256:<hex>``.
    2. ``url:<canonical_url>`` when ``canonical_url`` (from ``canonicalize_url``) is given.
    3. ``text:<sha1>`` of the normalised title and the first ``SUMMARY_CHARS`` characters of
       the normalised summary, when either is non-empty.

    The store matches an entry against the articles of its own source by the first key that
    hits, so GUIDs need only be unique within one feed. Why a fallback chain rather than the
    GUID alone: feeds reuse or change GUIDs (a CMS migration renumbers them, some feeds emit
    ``0`` or a position for every entry, others have none), and URLs change too (a slug fixed
    after publication, a tracking tag added); each later key catches an entry that slipped
    past an earlier one. Returns an empty tuple only for an entry with no usable GUID, no URL
    and no text.
    """
    keys: list[str] = []
    if item.guid is not None and not is_junk_guid(item.guid):
        guid = item.guid.strip()
        if len(guid) > MAX_GUID_LENGTH:
            guid = "sha256:" + hashlib.sha256(guid.encode("utf-8", "surrogatepass")).hexdigest()
        keys.append(f"guid:{guid}")
    if canonical_url:
        keys.append(f"url:{canonical_url}")
    title = _normalize_text(item.title)
    summary = _normalize_text(item.summary)[:SUMMARY_CHARS]
    if title or summary:
        digest = hashlib.sha1(
            f"{title}\n{summary}".encode("utf-8", "surrogatepass"), usedforsecurity=False
        ).hexdigest()
        keys.append(f"text:{digest}")
    return tuple(keys)


def content_hash(text: str) -> str:
    """The SHA-256 hex digest of ``text`` after Unicode NFKC normalisation, case folding and
    whitespace collapsing: two copies of an article differing only in spacing, line breaks,
    case or full-width characters hash alike."""
    return hashlib.sha256(_normalize_text(text).encode("utf-8", "surrogatepass")).hexdigest()
