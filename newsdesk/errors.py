"""The exception tree of newsdesk.

::

    NewsdeskError
    ├── ConfigError            bad or missing setting
    ├── FetchError             anything that went wrong getting bytes over HTTP
    │   ├── BlockedAddress     URL resolves to loopback/private/link-local/metadata address
    │   ├── RobotsDisallowed   robots.txt forbids the page
    │   ├── DNSFailure         host name does not resolve
    │   ├── ConnectFailure     TCP/TLS connection failed
    │   ├── FetchTimeout       connect/read/total timeout (includes trickling servers)
    │   ├── TooLarge           body (after decompression) exceeds the size cap
    │   ├── TooManyRedirects   redirect loop or more than the allowed hops
    │   ├── InvalidURL         not an http(s) URL we can fetch
    │   └── HTTPStatusError    a 4xx/5xx answer; carries ``status`` and ``retry_after``
    ├── ParseError             bytes that are not a feed (or not one we can read)
    │   ├── NotAFeed           HTML or other content served where a feed was expected
    │   └── UnsafeXML          entity expansion bombs, external entities, DTD tricks
    ├── ExtractError           page HTML from which no article could be extracted
    └── StoreError             the database refused or failed

Every error has a short machine-readable ``kind`` used when a failure is recorded on a
source (``sources list`` shows it, the status page counts by it).
"""

from __future__ import annotations

__all__ = [
    "BlockedAddress",
    "ConfigError",
    "ConnectFailure",
    "DNSFailure",
    "ExtractError",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "InvalidURL",
    "NewsdeskError",
    "NotAFeed",
    "ParseError",
    "RobotsDisallowed",
    "StoreError",
    "TooLarge",
    "TooManyRedirects",
    "UnsafeXML",
]


class NewsdeskError(Exception):
    kind = "error"


class ConfigError(NewsdeskError):
    kind = "config"


class FetchError(NewsdeskError):
    kind = "fetch"


class BlockedAddress(FetchError):
    kind = "blocked_address"


class RobotsDisallowed(FetchError):
    kind = "robots"


class DNSFailure(FetchError):
    kind = "dns"


class ConnectFailure(FetchError):
    kind = "connect"


class FetchTimeout(FetchError):
    kind = "timeout"


class TooLarge(FetchError):
    kind = "too_large"


class TooManyRedirects(FetchError):
    kind = "redirects"


class InvalidURL(FetchError):
    kind = "invalid_url"


class HTTPStatusError(FetchError):
    """A 4xx or 5xx response. ``retry_after`` is in seconds when the server said so."""

    kind = "http"

    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.kind = f"http_{status}"


class ParseError(NewsdeskError):
    kind = "parse"


class NotAFeed(ParseError):
    """HTML (or anything else) where a feed was expected.

    ``feed_links`` holds feed URLs found by autodiscovery in that document, if any.
    """

    kind = "not_a_feed"

    def __init__(self, message: str, *, feed_links: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.feed_links = feed_links


class UnsafeXML(ParseError):
    kind = "unsafe_xml"


class ExtractError(NewsdeskError):
    kind = "extract"


class StoreError(NewsdeskError):
    kind = "store"
