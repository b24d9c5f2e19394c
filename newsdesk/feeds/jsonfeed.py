"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) and Dave Winer's RSS-in-JSON."""

from __future__ import annotations

import json
from typing import Any

from newsdesk.errors import NotAFeed, ParseError
from newsdesk.feeds.text import absolute_url, looks_like_url, plain_text, summary_text, to_utc
from newsdesk.model import FeedItem, ParsedFeed
from newsdesk.normalize import jsondata

__all__ = ["parse_json_feed"]


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ()
    names = []
    for author in value:
        name = _str(author.get("name")) if isinstance(author, dict) else _str(author)
        if name and plain_text(name):
            names.append(plain_text(name))
    return tuple(names)


def parse_json_feed(text: str, *, url: str, encoding: str, warnings: tuple[str, ...]) -> ParsedFeed:
    """Parse a JSON document that should be a JSON Feed.

    Raises ParseError for invalid (e.g. truncated) JSON, NotAFeed for JSON that is
    neither a JSON Feed nor RSS-in-JSON.
    """
    try:
        data = jsondata.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            + (" (truncated document?)" if exc.pos >= len(text.rstrip()) - 1 else "")
        ) from exc
    except RecursionError as exc:
        raise ParseError("JSON nested too deeply to read") from exc
    if not isinstance(data, dict):
        raise NotAFeed("JSON document is not an object, so not a JSON Feed")
    if isinstance(data.get("rss"), dict):
        return _rss_in_json(data["rss"], url=url, encoding=encoding, warnings=warnings)
    version = _str(data.get("version")) or ""
    if "jsonfeed.org" not in version and not isinstance(data.get("items"), list):
        raise NotAFeed("JSON document has neither a JSON Feed version nor an items list")
    base = absolute_url(_str(data.get("feed_url")), url) or url
    language = _str(data.get("language"))
    feed_authors = _names(data.get("authors") or data.get("author"))
    items = []
    for raw in data.get("items") or ():
        if not isinstance(raw, dict):
            continue
        guid = _str(raw.get("id"))
        link = absolute_url(_str(raw.get("url")) or _str(raw.get("external_url")), base)
        if link is None and looks_like_url(guid):
            link = guid
        summary = _str(raw.get("summary")) or _str(raw.get("content_text"))
        summary = summary or _str(raw.get("content_html"))
        tags = raw.get("tags")
        items.append(
            FeedItem(
                guid=guid,
                url=link,
                title=plain_text(_str(raw.get("title"))),
                summary=summary_text(summary),
                published=to_utc(_str(raw.get("date_published"))),
                updated=to_utc(_str(raw.get("date_modified"))),
                authors=_names(raw.get("authors") or raw.get("author")) or feed_authors,
                categories=tuple(t for t in tags if isinstance(t, str))
                if isinstance(tags, list)
                else (),
                image=absolute_url(_str(raw.get("image")) or _str(raw.get("banner_image")), base),
                language=_str(raw.get("language")) or language,
            )
        )
    return ParsedFeed(
        format="jsonfeed",
        title=plain_text(_str(data.get("title"))),
        link=absolute_url(_str(data.get("home_page_url")), base),
        items=tuple(items),
        encoding=encoding,
        language=language,
        warnings=warnings,
    )


def _rss_in_json(
    rss: dict[str, Any], *, url: str, encoding: str, warnings: tuple[str, ...]
) -> ParsedFeed:
    channel = rss.get("channel")
    if not isinstance(channel, dict):
        raise NotAFeed("RSS-in-JSON document without a channel")
    raw_items = channel.get("item") or []
    if isinstance(raw_items, dict):
        raw_items = [raw_items]
    language = _str(channel.get("language"))
    items = []
    for raw in raw_items:
        if not isinstance(raw, dict):
            continue
        guid_value = raw.get("guid")
        guid = _str(guid_value.get("#value")) if isinstance(guid_value, dict) else _str(guid_value)
        link = absolute_url(_str(raw.get("link")), url)
        if link is None and looks_like_url(guid):
            link = guid
        category = raw.get("category")
        categories = category if isinstance(category, list) else [category]
        items.append(
            FeedItem(
                guid=guid,
                url=link,
                title=plain_text(_str(raw.get("title"))),
                summary=summary_text(_str(raw.get("description"))),
                published=to_utc(_str(raw.get("pubDate"))),
                categories=tuple(
                    plain_text(c) for c in (_str(x) for x in categories) if c and plain_text(c)
                ),
                language=language,
            )
        )
    ttl = _str(channel.get("ttl"))
    return ParsedFeed(
        format="rss2.0",
        title=plain_text(_str(channel.get("title"))),
        link=absolute_url(_str(channel.get("link")), url),
        items=tuple(items),
        encoding=encoding,
        language=language,
        ttl_seconds=int(ttl) * 60 if ttl and ttl.isdigit() else None,
        warnings=(*warnings, "RSS-in-JSON document (not JSON Feed)"),
    )
