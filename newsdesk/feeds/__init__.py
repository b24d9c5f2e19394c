"""Feed bytes to FeedItems (pure): RSS 0.9x/1.0/2.0, Atom, JSON Feed, news sitemaps, OPML.

Public API::

    parse_feed(body, *, url, content_type=None) -> ParsedFeed
    discover_feed_links(html, *, base_url) -> tuple[str, ...]
    COMMON_FEED_PATHS
    parse_opml(body) -> list[OpmlOutline];  write_opml(outlines, *, title) -> bytes
"""

from newsdesk.feeds.discover import COMMON_FEED_PATHS, discover_feed_links
from newsdesk.feeds.opml import OpmlOutline, parse_opml, write_opml
from newsdesk.feeds.parse import parse_feed

__all__ = [
    "COMMON_FEED_PATHS",
    "OpmlOutline",
    "discover_feed_links",
    "parse_feed",
    "parse_opml",
    "write_opml",
]
