"""Conversions between database rows and the model's values, and raw-page compression."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import zstandard
from sqlalchemy.engine import Row

from newsdesk.errors import StoreError
from newsdesk.model import Article, Source

__all__ = [
    "RAW_ENCODING",
    "article_from_row",
    "chunks",
    "compress_page",
    "decompress_page",
    "source_from_row",
]

RAW_ENCODING = "zstd"
_ZSTD_LEVEL = 3

T = TypeVar("T")


def source_from_row(row: Row[Any], *, articles: int = 0) -> Source:
    m = row._mapping
    return Source(
        id=m["id"],
        url=m["url"],
        title=m["title"],
        site_url=m["site_url"],
        country=m["country"],
        language=m["language"],
        enabled=bool(m["enabled"]),
        disabled_reason=m["disabled_reason"],
        etag=m["etag"],
        last_modified=m["last_modified"],
        interval_seconds=m["interval_seconds"],
        next_poll=m["next_poll"],
        last_polled=m["last_polled"],
        last_success=m["last_success"],
        last_error=m["last_error"],
        last_error_kind=m["last_error_kind"],
        last_error_at=m["last_error_at"],
        failures=m["failures"],
        articles=articles,
        created_at=m["created_at"],
    )


def article_from_row(row: Row[Any], *, titles: Sequence[str] = ()) -> Article:
    m = row._mapping
    return Article(
        id=m["id"],
        source_id=m["source_id"],
        url=m["url"],
        title=m["title"],
        guid=m["guid"],
        canonical_url=m["canonical_url"],
        summary=m["summary"],
        text=m["text"],
        published=m["published"],
        modified=m["modified"],
        authors=tuple(m["authors"] or ()),
        categories=tuple(m["categories"] or ()),
        language=m["language"],
        site_name=m["site_name"],
        image=m["image"],
        description=m["description"],
        status=m["status"],
        error=m["error"],
        attempts=m["attempts"],
        first_seen=m["first_seen"],
        updated_at=m["updated_at"],
        titles=tuple(titles),
        copy_of=m["copy_of"],
        primary_id=m["primary_id"],
        copy_confidence=m["copy_confidence"],
        copy_kind=m["copy_kind"],
        copy_reasons=tuple(str(r) for r in m["copy_reasons"] or ()),
    )


def compress_page(html: bytes) -> tuple[str, bytes]:
    """``(encoding, body)`` for the raw_pages table.

    zstd level 3: as small as gzip -6 on news pages and six times faster (0.5 ms against
    3.3 ms for an average 174 KB page, measured on the extraction benchmark), which matters
    because it runs once per article on the ingest path.
    """
    return RAW_ENCODING, zstandard.ZstdCompressor(level=_ZSTD_LEVEL).compress(html)


def decompress_page(encoding: str, body: bytes) -> bytes:
    """The raw HTML back. Raises :class:`StoreError` for an unknown encoding or bad data."""
    try:
        if encoding == "zstd":
            return zstandard.ZstdDecompressor().decompress(body)
        if encoding == "gzip":
            return gzip.decompress(body)
    except (OSError, EOFError, zlib.error, zstandard.ZstdError) as exc:
        raise StoreError(f"corrupt raw page: {exc}") from exc
    raise StoreError(f"raw page stored with unsupported encoding {encoding!r}")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (keeps ``IN (...)`` under driver limits)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
