"""Feed autodiscovery in HTML pages, and the usual feed paths to probe when there is none."""

from __future__ import annotations

import re
from html import unescape

from newsdesk.feeds.text import absolute_url

__all__ = ["COMMON_FEED_PATHS", "FEED_MIME_TYPES", "discover_feed_links"]

FEED_MIME_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
    }
)
# Paths the caller may probe (in this order) when a site's pages advertise no feed.
COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
    "/?feed=rss2",
    "/index.rss",
    "/rss/index.xml",
)

_LINK_TAG = re.compile(r"<link\b([^>]*)>", re.I | re.S)
_BASE_TAG = re.compile(r"<base\b[^>]*\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_ATTR = re.compile(r"([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _attributes(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3) or match.group(4)
        found.setdefault(match.group(1).lower(), unescape(value or "").strip())
    return found


def discover_feed_links(html: bytes | str, *, base_url: str) -> tuple[str, ...]:
    """Feed URLs advertised by ``<link rel="alternate" type="...">`` tags, in page order.

    Types accepted: RSS, Atom, RDF, JSON Feed (``application/feed+json`` and, with
    ``rel=alternate``, ``application/json``). URLs are made absolute against the page's
    ``<base href>`` or ``base_url``; duplicates are dropped. Never raises.
    """
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    text = _COMMENT.sub("", text)
    base = base_url
    base_match = _BASE_TAG.search(text)
    if base_match:
        href = next((g for g in base_match.groups() if g), "")
        base = absolute_url(unescape(href), base_url) or base_url
    links: list[str] = []
    for match in _LINK_TAG.finditer(text):
        attrs = _attributes(match.group(1))
        rels = attrs.get("rel", "").lower().split()
        mime = attrs.get("type", "").lower().split(";")[0].strip()
        if "alternate" not in rels or mime not in FEED_MIME_TYPES:
            continue
        url = absolute_url(attrs.get("href"), base)
        if url and url.startswith(("http://", "https://")) and url not in links:
            links.append(url)
    return tuple(links)
