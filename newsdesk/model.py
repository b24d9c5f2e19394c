"""Frozen value types passed between the steps of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Article",
    "ExtractedArticle",
    "FeedItem",
    "FetchOutcome",
    "ParsedFeed",
    "Source",
]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, normalised across RSS, Atom, JSON Feed and news sitemaps.

    ``url`` is absolute (resolved against the feed's URL) but not yet canonicalised.
    Datetimes are timezone-aware UTC or None.
    """

    guid: str | None
    url: str | None
    title: str
    summary: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    image: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed document.

    ``format`` is one of ``rss0.9``, ``rss1.0``, ``rss2.0``, ``atom1.0``, ``jsonfeed``,
    ``sitemap-news``, ``sitemap``. ``encoding`` is the charset the bytes were decoded with.
    ``warnings`` records repairs made on the way (recovered XML, mojibake repaired, ...).
    ``ttl_seconds`` is the feed's own minimum refresh hint (RSS ``<ttl>``,
    ``sy:updatePeriod``), if any.
    """

    format: str
    title: str
    link: str | None
    items: tuple[FeedItem, ...]
    encoding: str = "utf-8"
    language: str | None = None
    ttl_seconds: int | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """What a page says about itself: main text plus metadata. Datetimes are UTC-aware."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    modified: datetime | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    image: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A followed feed and its polling state, as the store keeps it."""

    id: int
    url: str
    title: str = ""
    site_url: str | None = None
    country: str | None = None
    language: str | None = None
    enabled: bool = True
    disabled_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    interval_seconds: int = 3600
    next_poll: datetime | None = None
    last_polled: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_kind: str | None = None
    last_error_at: datetime | None = None
    failures: int = 0
    articles: int = 0
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """An article as stored: the feed's view of it plus what extraction found.

    Copy detection (:mod:`newsdesk.dedup`) fills the ``copy_*`` fields and ``primary_id``:
    ``copy_of`` is the stored article it copies (None for an original or an article not
    decided yet), ``primary_id`` the primary source of its copy group (its own id for an
    original; None when not decided), ``copy_confidence`` in [0, 1], ``copy_kind`` one of
    ``original``, ``verbatim``, ``templated``, ``truncated``, ``wire``, ``spun``, and
    ``copy_reasons`` the decision in words.
    """

    id: int
    source_id: int
    url: str
    title: str
    guid: str | None = None
    canonical_url: str | None = None
    summary: str = ""
    text: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    language: str | None = None
    site_name: str | None = None
    image: str | None = None
    description: str | None = None
    status: str = "pending"
    error: str | None = None
    attempts: int = 0
    first_seen: datetime | None = None
    updated_at: datetime | None = None
    titles: tuple[str, ...] = field(default=())
    copy_of: int | None = None
    primary_id: int | None = None
    copy_confidence: float | None = None
    copy_kind: str | None = None
    copy_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """What a feed poll told the scheduler: used to compute the next poll time."""

    status: int | None
    items_seen: int = 0
    items_new: int = 0
    ttl_seconds: int | None = None
    cache_max_age: int | None = None
    retry_after: float | None = None
    error_kind: str | None = None
