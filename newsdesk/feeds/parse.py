"""``parse_feed``: feed bytes to a ParsedFeed, around fastfeedparser with feedparser behind it.

The layer owns what the two libraries get wrong or do not do: decoding (decode.py),
refusing entity tricks (xmlprep.py), JSON Feed (jsonfeed.py), news sitemaps (sitemap.py),
HTML detection with autodiscovery, feed metadata (format, ttl, language) and the final
normalisation into FeedItem. fastfeedparser does the bulk of the work fast; feedparser
is asked only when fastfeedparser's result is visibly poor.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from newsdesk.errors import NotAFeed, ParseError
from newsdesk.feeds.decode import decode_body
from newsdesk.feeds.discover import discover_feed_links
from newsdesk.feeds.jsonfeed import parse_json_feed
from newsdesk.feeds.sitemap import sitemap_items
from newsdesk.feeds.text import absolute_url, looks_like_url, plain_text, summary_text, to_utc
from newsdesk.feeds.xmlprep import RECOVER_PARSER, SAFE_PARSER, prepare_xml
from newsdesk.model import FeedItem, ParsedFeed

__all__ = ["parse_feed"]

_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][-\w.:]*)")
_SKIP_PROLOG = re.compile(
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I
)
_HTML_ROOTS = frozenset({"html", "head", "body", "meta", "title", "div", "p", "a", "script"})
_FEED_ROOTS = frozenset({"rss", "RDF", "feed", "channel"})
_WRAPPED = re.compile(
    r"<feed\b[^>]*http://www\.w3\.org/2005/Atom.*</feed\s*>|<rss\b.*</rss\s*>|<rdf:RDF\b.*</rdf:RDF\s*>",
    re.S,
)
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_ITEM_TAG = re.compile(r"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RSS090_NS = "http://my.netscape.com/rdf/simple/0.9/"
_SY_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 604800,
    "monthly": 2592000,
    "yearly": 31536000,
}
_MEDIA_HINT = re.compile(r"<media:|<enclosure|<itunes:image")
_MRSS = "http://search.yahoo.com/mrss/"
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.I)


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document.

    ``url`` is where the body came from (relative links are resolved against it);
    ``content_type`` is the HTTP header, whose charset is honoured when it is right.

    Returns a ParsedFeed (possibly with no items: an empty feed is not an error).
    Raises NotAFeed for HTML pages (with the feed links they advertise) and other
    documents that are not feeds, UnsafeXML for entity declarations, ParseError for
    empty, garbage or unrecoverably broken bodies.
    """
    if not body or not body.strip():
        raise ParseError("empty body: the server sent no feed content")
    decoded = decode_body(body, content_type=content_type)
    notes = list(decoded.warnings)
    text = decoded.text.lstrip("\ufeff \t\r\n")
    if not text:
        raise ParseError("body holds only whitespace")
    if text[0] in "{[":
        return parse_json_feed(text, url=url, encoding=decoded.encoding, warnings=tuple(notes))
    start = text.find("<")
    if start == -1 or start > 512:
        raise ParseError(f"neither XML nor JSON: body starts with {text[:40]!r}")
    if start:
        notes.append(f"skipped {start} characters before the first tag")
        text = text[start:]
    root_name = _root_name(text)
    if root_name.lower() in _HTML_ROOTS or root_name == "":
        wrapped = _WRAPPED.search(text)
        if wrapped is None:
            links = discover_feed_links(text, base_url=url)
            found = f"; it advertises {len(links)} feed link(s)" if links else ""
            raise NotAFeed(f"got an HTML page, not a feed{found}", feed_links=links)
        notes.append(f"feed found wrapped inside <{root_name or '?'}>; unwrapped")
        text = wrapped.group(0)
    prepared = prepare_xml(text)
    root, prepared = _parse_tree(prepared, notes)
    local = _local(root.tag)
    if local == "urlset":
        items, is_news = sitemap_items(root, url=url)
        return ParsedFeed(
            format="sitemap-news" if is_news else "sitemap",
            title="",
            link=None,
            items=items,
            encoding=decoded.encoding,
            warnings=tuple(notes),
        )
    if local == "sitemapindex":
        locs = tuple(loc for loc in (absolute_url(e.text, url) for e in root.iter("{*}loc")) if loc)
        raise NotAFeed("a sitemap index lists sitemaps, not articles", feed_links=locs)
    if local not in _FEED_ROOTS:
        if local.lower() in _HTML_ROOTS:
            raise NotAFeed(
                "got an (X)HTML page, not a feed",
                feed_links=discover_feed_links(text, base_url=url),
            )
        raise NotAFeed(f"XML document with root element <{local}> is not a feed")
    return _parse_xml_feed(prepared, root, text, url=url, encoding=decoded.encoding, notes=notes)


def _root_name(text: str) -> str:
    pos = 0
    while True:
        skipped = _SKIP_PROLOG.match(text, pos)
        if skipped is None or skipped.end() == pos:
            break
        pos = skipped.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if text[pos : pos + 9].upper() == "<!DOCTYPE":
        return "html" if "html" in text[pos : pos + 40].lower() else ""
    match = _FIRST_ELEMENT.match(text, pos)
    return match.group(1).rsplit(":", 1)[-1] if match else ""


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _parse_tree(prepared: bytes, notes: list[str]) -> tuple[Any, bytes]:
    """Our own safe parse: strict, then with bare ``&`` escaped, then lxml's recovery.

    Returns the root element and the bytes the feed parsers should read (repaired ones
    when a repair made the document well-formed).
    """
    try:
        return etree.fromstring(prepared, SAFE_PARSER), prepared
    except etree.XMLSyntaxError as exc:
        error = str(exc)
    repaired = _BARE_AMPERSAND.sub(b"&amp;", prepared)
    if repaired != prepared:
        try:
            root = etree.fromstring(repaired, SAFE_PARSER)
        except etree.XMLSyntaxError:
            pass
        else:
            notes.append("recovered malformed XML (escaped bare '&')")
            return root, repaired
    root = etree.fromstring(repaired, RECOVER_PARSER)
    if root is None:
        raise ParseError(f"not well-formed XML and nothing could be recovered: {error}")
    notes.append(f"recovered malformed XML ({error})")
    return root, repaired


def _child(element: Any, *names: str) -> Any | None:
    for child in element:
        if _local(child.tag) in names:
            return child
    return None


def _child_text(element: Any, *names: str) -> str | None:
    child = _child(element, *names)
    if child is None:
        return None
    return "".join(child.itertext()).strip() or None


def _feed_meta(root: Any, url: str) -> dict[str, Any]:
    """Format, title, link, language, ttl and xml:base of the feed, read from our own tree."""
    local = _local(root.tag)
    base = absolute_url(root.get(_XML_BASE), url) or url
    if local == "feed":
        link = None
        for child in root:
            if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                link = absolute_url(child.get("href"), base)
                break
        return {
            "format": "atom1.0",
            "title": plain_text(_child_text(root, "title")),
            "link": link,
            "language": root.get(_XML_LANG),
            "ttl": None,
            "base": base,
        }
    channel = _child(root, "channel") if local != "channel" else root
    if channel is None:
        channel = root
    if local == "RDF":
        namespace = channel.tag.split("}")[0].lstrip("{") + "/" if "}" in channel.tag else ""
        fmt = "rss0.9" if namespace.rstrip("/") + "/" == _RSS090_NS else "rss1.0"
    else:
        fmt = "rss0.9" if (root.get("version") or "").startswith("0.9") else "rss2.0"
    return {
        "format": fmt,
        "title": plain_text(_child_text(channel, "title")),
        "link": absolute_url(_child_text(channel, "link"), base),
        "language": _child_text(channel, "language") or root.get(_XML_LANG),
        "ttl": _ttl_seconds(channel),
        "base": base,
    }


def _ttl_seconds(channel: Any) -> int | None:
    hints = []
    ttl = _child_text(channel, "ttl")
    if ttl and ttl.strip().isdigit() and int(ttl) > 0:
        hints.append(int(ttl) * 60)
    period = (_child_text(channel, "updatePeriod") or "").strip().lower()
    if period in _SY_PERIODS:
        frequency = (_child_text(channel, "updateFrequency") or "1").strip()
        per = int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1
        hints.append(_SY_PERIODS[period] // per)
    return max(hints) if hints else None


def _parse_xml_feed(
    prepared: bytes, root: Any, text: str, *, url: str, encoding: str, notes: list[str]
) -> ParsedFeed:
    meta = _feed_meta(root, url)
    expected = len(_ITEM_TAG.findall(text))
    items, reasons = _with_fastfeedparser(prepared, meta, expected)
    if reasons:
        fallback = _with_feedparser(prepared, meta, url)
        if fallback is not None and _score(fallback) > _score(items or ()):
            notes.append(f"used feedparser fallback ({', '.join(reasons)})")
            items = fallback
    if items is None:
        items = ()
    if any(i.image is None for i in items) and _MEDIA_HINT.search(text):
        items = _add_tree_images(items, root, meta["base"])
    if not items and expected:
        raise ParseError(
            f"document has {expected} <item>/<entry> tags but no item could be read "
            "(truncated or broken beyond recovery)"
        )
    if not meta["title"] and not items and not expected and not text.rstrip().endswith(">"):
        raise ParseError("truncated document: no feed title and no items could be read")
    return ParsedFeed(
        format=meta["format"],
        title=meta["title"],
        link=meta["link"],
        items=tuple(items),
        encoding=encoding,
        language=meta["language"],
        ttl_seconds=meta["ttl"],
        warnings=tuple(notes),
    )


def _score(items: Iterable[FeedItem]) -> tuple[int, int, int]:
    listed = list(items)
    good = sum(1 for i in listed if i.url and "\ufffd" not in i.title)
    return good, len(listed), -sum(i.title.count("\ufffd") for i in listed)


def _with_fastfeedparser(
    prepared: bytes, meta: dict[str, Any], expected: int
) -> tuple[tuple[FeedItem, ...] | None, list[str]]:
    import fastfeedparser

    try:
        result = fastfeedparser.parse(prepared, include_content=True, include_tags=True)
    except Exception as exc:
        return None, [f"fastfeedparser failed: {type(exc).__name__}"]
    items = _convert(result.get("entries") or (), meta)
    reasons = []
    if expected and not items:
        reasons.append("fastfeedparser found no items")
    if any("\ufffd" in i.title or "\ufffd" in i.summary for i in items):
        reasons.append("replacement characters in fastfeedparser output")
    if any(i.url is None for i in items):
        reasons.append("items without links")
    return items, reasons


def _with_feedparser(
    prepared: bytes, meta: dict[str, Any], url: str
) -> tuple[FeedItem, ...] | None:
    import feedparser

    try:
        # BytesIO: feedparser treats a bare string as a possible URL or file path.
        result = feedparser.parse(
            io.BytesIO(prepared),
            response_headers={
                "content-location": meta["base"] or url,
                "content-type": "application/xml; charset=utf-8",
            },
            sanitize_html=False,
        )
    except Exception:
        return None
    return _convert(result.get("entries") or (), meta)


def _convert(entries: Iterable[Mapping[str, Any]], meta: dict[str, Any]) -> tuple[FeedItem, ...]:
    base: str = meta["base"]
    language = meta["language"]
    items = (_item(entry, base, language) for entry in entries)
    # An item with no link, id, title or text (seen in real feeds) is noise, not news.
    return tuple(i for i in items if i.url or i.guid or i.title or i.summary)


def _date(entry: Mapping[str, Any], key: str) -> datetime | None:
    parsed = entry.get(f"{key}_parsed")
    if parsed is not None:
        try:
            year, month, day, hour, minute, second = (int(v) for v in parsed[:6])
            return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
        except (TypeError, ValueError):
            pass
    value = entry.get(key)
    return to_utc(value) if isinstance(value, str) else None


def _link(entry: Mapping[str, Any], base: str) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links") or ():
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    guid = entry.get("id") or entry.get("guid")
    if not link and looks_like_url(guid):
        link = guid
    url = absolute_url(link, base) if isinstance(link, str) else None
    # Only web links: feedparser copies non-URL ids (``tag:``, ``urn:``) into ``link``.
    return url if looks_like_url(url) else None


def _image(entry: Mapping[str, Any], base: str) -> str | None:
    candidates: list[str] = []
    for thumb in entry.get("media_thumbnail") or ():
        candidates.append(thumb.get("url") or "")
    for media in entry.get("media_content") or ():
        kind = (media.get("medium") or media.get("type") or "").lower()
        if kind.startswith("image") or _IMAGE_EXT.search(media.get("url") or ""):
            candidates.append(media.get("url") or "")
    for enclosure in entry.get("enclosures") or ():
        if (enclosure.get("type") or "").lower().startswith("image"):
            candidates.append(enclosure.get("url") or enclosure.get("href") or "")
    image = entry.get("image")
    if isinstance(image, str):
        candidates.append(image)
    elif isinstance(image, Mapping):
        candidates.append(image.get("href") or image.get("url") or "")
    for candidate in candidates:
        found = absolute_url(candidate, base)
        if found:
            return found
    return None


def _item(entry: Mapping[str, Any], base: str, language: str | None) -> FeedItem:
    guid = entry.get("id") or entry.get("guid")
    summary = entry.get("summary") or entry.get("description") or ""
    if not summary:
        for content in entry.get("content") or ():
            summary = content.get("value") or ""
            if summary:
                break
    authors = tuple(
        name
        for name in (
            plain_text(a.get("name")) for a in entry.get("authors") or () if isinstance(a, Mapping)
        )
        if name
    )
    if not authors and entry.get("author"):
        authors = (plain_text(str(entry["author"])),)
    categories = tuple(
        dict.fromkeys(
            term
            for term in (
                plain_text(t.get("term") or t.get("label")) for t in entry.get("tags") or ()
            )
            if term
        )
    )
    return FeedItem(
        guid=str(guid).strip() if guid else None,
        url=_link(entry, base),
        title=plain_text(entry.get("title")),
        summary=summary_text(summary),
        published=_date(entry, "published"),
        updated=_date(entry, "updated"),
        authors=authors,
        categories=categories,
        image=_image(entry, base),
        language=entry.get("language") or language,
    )


def _add_tree_images(items: tuple[FeedItem, ...], root: Any, base: str) -> tuple[FeedItem, ...]:
    """Fill missing images from our own tree (fastfeedparser skips ``media:group``).

    Images are matched to items by link or id, never by position.
    """
    found: dict[str, str] = {}
    for element in root.iter(f"{{{_MRSS}}}thumbnail", f"{{{_MRSS}}}content", "enclosure"):
        candidate = element.get("url")
        kind = (element.get("medium") or element.get("type") or "").lower()
        is_thumb = element.tag.endswith("thumbnail")
        if not candidate or not (
            is_thumb or kind.startswith("image") or _IMAGE_EXT.search(candidate)
        ):
            continue
        item = element.getparent()
        while item is not None and _local(item.tag) not in ("item", "entry"):
            item = item.getparent()
        if item is None:
            continue
        for key in _item_keys(item, base):
            found.setdefault(key, candidate)
    if not found:
        return items
    patched = []
    for item in items:
        image = found.get(item.url or "") or found.get(item.guid or "")
        patched.append(
            replace(item, image=absolute_url(image, base)) if image and not item.image else item
        )
    return tuple(patched)


def _item_keys(item: Any, base: str) -> list[str]:
    keys = []
    for child in item:
        name = _local(child.tag)
        if name in ("link", "guid", "id"):
            value = child.get("href") if name == "link" and child.get("href") else child.text
            if value and value.strip():
                keys.append(value.strip())
                url = absolute_url(value, base)
                if url:
                    keys.append(url)
    return keys
