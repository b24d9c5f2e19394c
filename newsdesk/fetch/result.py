"""FetchResult and the pure parsers of the HTTP hints it exposes."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC

__all__ = ["FetchResult", "parse_cache_max_age", "parse_charset", "parse_retry_after"]


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date).

    ``now`` is the wall-clock time (epoch seconds) an HTTP-date is measured from. Returns
    None when the value is absent or unreadable; never a negative number.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def parse_cache_max_age(value: str | None) -> int | None:
    """``max-age`` of a Cache-Control value in seconds, or None."""
    if not value:
        return None
    for directive in value.split(","):
        name, _, arg = directive.strip().partition("=")
        if name.strip().lower() == "max-age":
            try:
                return max(0, int(arg.strip().strip('"')))
            except ValueError:
                return None
    return None


def parse_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, lower-cased, or None."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, arg = param.strip().partition("=")
        if name.strip().lower() == "charset":
            charset = arg.strip().strip("\"'").strip().lower()
            return charset or None
    return None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One successful fetch (2xx or 304).

    ``url`` is the final URL after redirects; ``permanent_url`` is set (to that final URL)
    only when every hop was a 301 or 308, i.e. the resource moved for good. ``headers`` has
    lower-case keys. ``body`` is decompressed, and ``b""`` on 304. ``attempts`` counts tries
    including retries.
    """

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    permanent_url: str | None
    elapsed_ms: int
    attempts: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        """The media type without parameters, lower-cased (``application/rss+xml``)."""
        value = self.headers.get("content-type")
        if not value:
            return None
        return value.split(";", 1)[0].strip().lower() or None

    @property
    def charset(self) -> str | None:
        return parse_charset(self.headers.get("content-type"))

    @property
    def cache_max_age(self) -> int | None:
        return parse_cache_max_age(self.headers.get("cache-control"))

    @property
    def retry_after(self) -> float | None:
        """Retry-After in seconds from now, if the server sent one."""
        return parse_retry_after(self.headers.get("retry-after"), now=time.time())
